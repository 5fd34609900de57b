"""The sweep's fork server: joblib's workers start from a process that has imported the model."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from experiments.sweep.worker_server import thread_limit, wanted

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("argv, expected", [
    (["-m", "seed=range(0,4)"], True),
    (["--multirun", "hydra/launcher=joblib"], True),
    (["-m", "hydra/launcher=parallel", "hydra.launcher.n_jobs=2"], True),
    (["seed=3"], False),  # a single run has no workers
    (["-m", "hydra/launcher=basic"], False),  # serial: no workers
    (["-m", "hydra/launcher=ray"], False),
    (["-m", "hydra/launcher=submitit_local"], False),
    (["-m", "--cfg", "job"], False),  # prints the config, runs nothing
    (["-m", "--help"], False),
])
def test_the_server_starts_only_for_sweeps_through_the_joblib_launcher(argv, expected):
    assert wanted(argv) is expected


def test_the_server_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("OPENMARKET_FORKSERVER", "0")
    assert not wanted(["-m", "seed=range(0,4)"])


def test_the_server_is_used_on_linux_only_unless_asked_for(monkeypatch):
    monkeypatch.delenv("OPENMARKET_FORKSERVER", raising=False)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not wanted(["-m", "seed=range(0,4)"])
    monkeypatch.setenv("OPENMARKET_FORKSERVER", "1")
    assert wanted(["-m", "seed=range(0,4)"])


@pytest.mark.parametrize("workers, cores, expected", [
    (None, 2, 1), ("-1", 2, 1), ("2", 2, 1), ("1", 2, 2), ("1", 8, 8), ("3", 8, 2),
    ("-2", 8, 1), ("16", 8, 1), ("oops", 4, 1),
])
def test_workers_get_the_thread_limits_joblib_would_give_them(workers, cores, expected):
    assert thread_limit(workers, cores) == expected


PROBE = textwrap.dedent("""
    import json, os, signal, sys
    from joblib import Parallel, delayed

    def probe():
        interruptible = signal.getsignal(signal.SIGINT) is signal.default_int_handler
        return os.getppid(), "mesa" in sys.modules, os.environ.get("OMP_NUM_THREADS"), interruptible

    if __name__ == "__main__":
        from experiments.sweep import worker_server
        worker_server.start(sys.argv[1:])
        worker_server.use_for_joblib()
        seen = Parallel(n_jobs=2)(delayed(probe)() for _ in range(4))
        print(json.dumps({"pid": os.getpid(), "seen": seen}))
""")


def _probe(tmp_path: Path, env: dict) -> dict:
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    res = subprocess.run([sys.executable, str(script), "-m", "hydra.launcher.n_jobs=2"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT), **env})
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.splitlines()[-1])


def test_workers_are_forked_from_the_server_with_the_model_imported(tmp_path):
    out = _probe(tmp_path, {})
    cores = len(os.sched_getaffinity(0))
    for ppid, mesa_loaded, omp, interruptible in out["seen"]:
        assert ppid != out["pid"]  # the server's child, not the command's
        assert mesa_loaded  # imported once by the server, not by each worker
        assert omp == os.environ.get("OMP_NUM_THREADS", str(thread_limit("2", cores)))
        assert interruptible  # Ctrl-C stops a worker as it stops one of loky's own


def test_without_the_server_joblib_starts_fresh_workers(tmp_path):
    out = _probe(tmp_path, {"OPENMARKET_FORKSERVER": "0"})
    for ppid, mesa_loaded, _, _ in out["seen"]:
        assert ppid == out["pid"]
        assert not mesa_loaded


def test_ctrl_c_while_the_server_imports_stops_everything_with_one_report(tmp_path):
    cmd = [sys.executable, "-m", "experiments.run", "-m", "seed=range(0,4,2)", "seeds_per_job=2",
           f"hydra.sweep.dir={tmp_path / 'sweep'}", "output.figures=false"]
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    time.sleep(0.25)  # the server (started first thing) is importing; no worker exists yet
    os.killpg(proc.pid, signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert out.count("Traceback") <= 1, out  # the command's own, not the server's too
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the server leaves once it notices the command is gone
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("processes of the interrupted command are still running")


def _new_modules(first: str, then: str) -> list[str]:
    """Modules that importing ``then`` adds in a fresh interpreter that imported ``first``."""
    code = (f"import sys; import {first}; before = set(sys.modules); import {then}; "
            "print(' '.join(sorted(set(sys.modules) - before)))")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert res.returncode == 0, res.stderr[-3000:]
    return res.stdout.split()


def test_the_server_preloads_everything_a_worker_imports_with_the_command():
    # each worker imports experiments.run again (as its __mp_main__): what that imports should
    # have been imported once by the server, not by every worker
    assert _new_modules("experiments.sweep.worker_imports", "experiments.run") \
        == ["experiments.run"]


def test_the_command_checks_a_sweep_without_importing_the_numerical_libraries():
    # the workers import numpy, pandas and Arrow; the command's own process only checks,
    # launches and shows the progress bar, and its imports delay the first job
    new = _new_modules("sys", "experiments.run, experiments.sweep.preflight, "
                       "experiments.sweep.callbacks, experiments.sweep.progress, tqdm, "
                       "hydra_plugins.openmarket_sweeper.checked_sweeper")
    assert not {"numpy", "pandas", "pyarrow", "scipy", "mesa"} & set(new)
