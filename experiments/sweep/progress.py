"""A sweep's progress on the terminal: one bar of runs done / total, in the main process.

Runs finish in other processes (the joblib launcher's workers, submitit's), so each job appends
one line to ``<sweep>/.progress`` for every run it finishes or finds finished (:func:`record`;
appends this short do not interleave), and the main process follows that file in a light thread
(:class:`Progress`), drawing a tqdm bar on stderr. The ``checked`` sweeper starts it once it
knows the runs to do (:func:`start`) and stops it when the launcher returns (:func:`stop`),
before the sweep is collected. Per-run log lines go to each job's ``run.log`` instead
(``configs/hydra/job_logging/quiet.yaml``).

Standard library and tqdm only: the main process imports no numerical library before launching.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

PROGRESS_FILE = ".progress"
#: launchers whose jobs run on this machine, so that their progress file is the one followed
LOCAL_LAUNCHERS = {"parallel", "joblib", "basic", "submitit_local"}
#: seconds between two looks at the progress file
POLL_S = 0.2


def record(sweep_dir: str | Path, run_dir: str | Path) -> None:
    """Note one finished run of a sweep (called in the job).

    A progress file it cannot write (e.g. on a machine without the sweep folder) only leaves
    the bar behind; the job goes on.
    """
    try:
        with open(Path(sweep_dir) / PROGRESS_FILE, "a") as f:
            f.write(f"{run_dir}\n")
    except OSError:
        pass


class Progress:
    """A tqdm bar of a sweep's runs, advanced by a thread that follows the progress file."""

    def __init__(self, sweep_dir: Path, total: int, done: int, poll_s: float = POLL_S):
        from tqdm import tqdm

        self.path = Path(sweep_dir) / PROGRESS_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("")  # counts this command's runs only
        self._offset, self._poll_s = 0, poll_s
        self.bar = tqdm(total=total, initial=done, unit="run", desc="runs", file=sys.stderr,
                        dynamic_ncols=True, mininterval=poll_s)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, name="sweep-progress", daemon=True)
        self._thread.start()

    def _follow(self) -> None:
        while not self._stop.wait(self._poll_s):
            self._read()

    def _read(self) -> None:
        """Advance the bar by the complete lines added to the file since the last look."""
        try:
            with open(self.path, "rb") as f:
                f.seek(self._offset)
                chunk = f.read()
        except OSError:
            return
        lines = chunk.count(b"\n")
        if lines:
            self._offset += chunk.rfind(b"\n") + 1
            self.bar.update(lines)

    def close(self) -> None:
        """Count the last runs, draw the bar's final state and remove the progress file."""
        self._stop.set()
        self._thread.join()
        self._read()
        self.bar.close()
        self.path.unlink(missing_ok=True)


_current: Progress | None = None


def start(sweep_dir: Path, total: int, done: int, launcher: str) -> None:
    """Show the sweep's bar (for a launcher in :data:`LOCAL_LAUNCHERS`), or one line."""
    global _current
    stop()
    to_run = total - done
    finished = f"; {done} finished already" if done else ""
    if not to_run:
        print(f"all {total} runs finished already: nothing to launch", flush=True)
    elif launcher in LOCAL_LAUNCHERS:
        if done:
            print(f"{to_run} of {total} runs to do{finished}", flush=True)
        _current = Progress(sweep_dir, total, done)
    else:  # the jobs run elsewhere: their progress file may not be this machine's
        print(f"launching {to_run} runs with hydra/launcher={launcher}{finished}", flush=True)


def stop() -> None:
    """Close the bar, if one is shown."""
    global _current
    if _current is not None:
        current, _current = _current, None
        current.close()
