"""Imported once by the sweep's fork server (experiments.worker_server): what workers need.

Workers forked from that server start with Hydra, Mesa, Arrow and the model imported, instead of
importing them each (0.8 s of CPU a worker; benchmarks/results_sweep.md).
"""

import gc
import os
import signal

# Ctrl-C while the server still imports: the command reports it; the server exits quietly when
# the command has gone (as a fork server does) instead of printing a second traceback. (It is
# started ignoring Ctrl-C already when experiments.worker_server starts it.)
signal.signal(signal.SIGINT, signal.SIG_IGN)

# Loky passes these to the workers it starts itself, to keep numerical libraries from starting
# a thread per core in every worker (cores // workers threads each, unless set already); forked
# workers inherit the server's, so it sets them before numpy is imported. Same names as
# joblib's LokyBackend.MAX_NUM_THREADS_VARS (a test checks).
THREAD_LIMIT_VARS = ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                     "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMBA_NUM_THREADS",
                     "NUMEXPR_NUM_THREADS"]


def thread_limit(workers: str | None, cores: int) -> int:
    """Threads per worker, as joblib gives them: cores // workers (n_jobs -1 = all cores)."""
    try:
        n = int(workers) if workers else -1
    except ValueError:
        n = -1
    n = cores + 1 + n if n < 0 else n
    return max(cores // max(n, 1), 1)


_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
_limit = str(thread_limit(os.environ.get("OPENMARKET_SERVER_WORKERS"), _cores or 1))
for _var in THREAD_LIMIT_VARS:
    os.environ.setdefault(_var, _limit)
os.environ.setdefault("ENABLE_IPC", "1")

gc.disable()  # the imports create ~200,000 long-lived objects; see experiments.run.gc_paused
# What experiments.run imports, not experiments.run itself: each worker runs that module again
# as its __main__ (multiprocessing does so for every start method), which is then quick.
import experiments.callbacks  # noqa: E402,F401  (Hydra calls it in each job)
import experiments.outputs  # noqa: E402,F401  (pyarrow, Parquet)
import hydra  # noqa: E402,F401
import hydra_plugins.hydra_joblib_launcher._core  # noqa: E402,F401  (the launcher's job function)
import hydra_plugins.openmarket_sweeper.checked_sweeper  # noqa: E402,F401
import joblib.externals.loky.process_executor  # noqa: E402,F401  (the worker loop)
import sim.hydra_conf  # noqa: E402,F401  (the configs)
import sim.model  # noqa: E402,F401  (Mesa)

# Frozen: no later collection in a worker traverses them, and forked workers keep sharing their
# memory pages with the server instead of copying them. Workers turn collection back on when
# a job starts (experiments.run.run_job).
gc.freeze()
# the fork server ignores Ctrl-C from here on and gives its workers the handler it finds now
signal.signal(signal.SIGINT, signal.default_int_handler)
