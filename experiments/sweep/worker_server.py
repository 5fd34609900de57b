"""The joblib launcher's workers, forked from one server process that has imported the model.

By default joblib (loky) starts each worker as a fresh interpreter, which then imports Hydra,
Mesa (with pandas, SciPy and networkx) and Arrow on its own: 0.8 s of CPU a worker before its
first run, on the same cores the command itself is busy on. Instead, a sweep starts Python's
fork server as its very first step, with :mod:`experiments.sweep.worker_imports` preloaded, and loky
forks its workers from that server: the imports happen once, on a core that would otherwise
wait, while the command composes and checks the sweep (benchmarks/results_sweep.md). Loky still
manages the workers (a killed worker is detected; the pool is reused to collect the sweep).
``OPENMARKET_FORKSERVER=0`` turns this off (loky then starts fresh interpreters, as before);
it is on by default on Linux only (``OPENMARKET_FORKSERVER=1`` elsewhere, at one's own risk).

Forking needs a process whose threads hold no locks. The server's only other thread is the
idle background thread of Arrow's bundled jemalloc (started when pyarrow loads; pandas, and so
Mesa, load pyarrow), whose fork handlers leave the child's allocator consistent: Python notes
any forking of a threaded process with a DeprecationWarning, shown only with ``-W default``.

This module only uses the standard library (and :mod:`experiments.sweep.private_apis`, which does
too): it runs before the command imports anything else.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys

from experiments.sweep.private_apis import forkserver_pid

#: what the server imports before it forks any worker
PRELOAD = ["experiments.sweep.worker_imports"]
#: the worker count the server limits its libraries' thread pools for (hydra.launcher.n_jobs)
WORKERS_ENV = "OPENMARKET_SERVER_WORKERS"
#: Loky passes these to the workers it starts itself, so that numerical libraries do not start
#: a thread per core in every worker; forked workers inherit the server's instead. Same names
#: as joblib's LokyBackend.MAX_NUM_THREADS_VARS (tests/test_private_apis.py checks).
THREAD_LIMIT_VARS = ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                     "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMBA_NUM_THREADS",
                     "NUMEXPR_NUM_THREADS"]
#: launchers whose workers come from loky (hydra/launcher=...)
LOKY_LAUNCHERS = {"parallel", "joblib"}
_INFO_FLAGS = {"--help", "-h", "--hydra-help", "--info", "-i", "--cfg", "-c", "--resolve",
               "--shell-completion", "-sc"}

_started = False


def wanted(argv: list[str]) -> bool:
    """True if this command line runs a sweep through the joblib launcher (the default)."""
    if not any(a in ("-m", "--multirun") for a in argv) or any(a in _INFO_FLAGS for a in argv):
        return False
    if "forkserver" not in multiprocessing.get_all_start_methods():  # e.g. Windows
        return False
    choice = os.environ.get("OPENMARKET_FORKSERVER", "")
    if choice == "0":
        return False
    # Tested on Linux only. On macOS, forking a process that has loaded system frameworks
    # (numpy's Accelerate) can crash the child, which is why Python spawns there by default.
    if choice != "1" and not sys.platform.startswith("linux"):
        return False
    for arg in argv:
        if arg.startswith("hydra/launcher="):
            return arg.split("=", 1)[1] in LOKY_LAUNCHERS
    return True


def start(argv: list[str]) -> bool:
    """Start the fork server (it imports in the background) if ``argv`` is a joblib sweep."""
    global _started
    if _started or not wanted(argv):
        return _started
    import multiprocessing.forkserver as forkserver

    for arg in argv:
        if arg.startswith("hydra.launcher.n_jobs="):
            os.environ[WORKERS_ENV] = arg.split("=", 1)[1]
    forkserver.set_forkserver_preload(PRELOAD)
    # Born ignoring Ctrl-C (the setting passes to the new process), so an interrupt while it
    # starts is reported by the command alone; worker_imports gives the workers Python's handler
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)
    _started = True
    return True


def thread_limit(workers: str | None, cores: int) -> int:
    """Threads per worker, as joblib gives them: cores // workers (n_jobs -1 = all cores)."""
    try:
        n = int(workers) if workers else -1
    except ValueError:
        n = -1
    n = cores + 1 + n if n < 0 else n
    return max(cores // max(n, 1), 1)


def limit_threads() -> None:
    """In the server, before numpy loads: the thread limits loky would give its workers.

    Variables set already (by the user) stay, as with loky.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    limit = str(thread_limit(os.environ.get(WORKERS_ENV), cores or 1))
    for var in THREAD_LIMIT_VARS:
        os.environ.setdefault(var, limit)
    os.environ.setdefault("ENABLE_IPC", "1")  # TBB: coordinate across processes, as loky sets


def use_for_joblib() -> None:
    """Have joblib's workers forked from the server, if this command started one."""
    if _started:
        from joblib.externals.loky.backend.context import get_start_method, set_start_method

        if get_start_method() is None:  # a start method chosen elsewhere stays
            set_start_method("forkserver")


def stop() -> None:
    """Stop the server (the command ends before launching anything, e.g. on a bad config)."""
    global _started
    if not _started:
        return
    pid = forkserver_pid()  # the standard library has no public way to stop its fork server
    if pid is not None:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    _started = False
