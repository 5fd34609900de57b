"""Imported once by the sweep's fork server (experiments.sweep.worker_server): what workers need.

Workers forked from that server start with Hydra, Mesa, Arrow and the model imported, instead of
importing them each (0.8 s of CPU a worker; benchmarks/results_sweep.md). Importing it changes
the importing process (signal handling, thread limits, garbage collection): only the server
should.
"""

# The server runs this ignoring Ctrl-C (experiments.sweep.worker_server.start starts it so): an
# interrupt is reported by the command, and the server leaves quietly once the command has gone.
import gc
import signal

from experiments.sweep.worker_server import limit_threads  # standard library only

limit_threads()  # before numpy is imported

gc.disable()  # the imports create ~200,000 long-lived objects; see experiments.sweep.job.gc_paused
# What experiments.run imports, not experiments.run itself: each worker runs that module again
# as its __main__ (multiprocessing does so for every start method), which is then quick.
import experiments.sweep.argv  # noqa: E402,F401
import experiments.sweep.callbacks  # noqa: E402,F401  (Hydra calls it in each job)
import experiments.sweep.job  # noqa: E402,F401  (the job Hydra runs)
import experiments.sweep.outputs  # noqa: E402,F401  (pyarrow, Parquet)
import hydra  # noqa: E402,F401
import hydra_plugins.openmarket_sweeper.checked_sweeper  # noqa: E402,F401
import joblib.externals.loky.process_executor  # noqa: E402,F401  (the worker loop)
import sim.hydra_conf  # noqa: E402,F401  (the configs)
import sim.model  # noqa: E402,F401  (Mesa)
from experiments.sweep.private_apis import preload_joblib_launcher  # noqa: E402

preload_joblib_launcher()  # the launcher's job function

# Frozen: no later collection in a worker traverses them, and forked workers keep sharing their
# memory pages with the server instead of copying them. Workers turn collection back on when
# a job starts (experiments.sweep.job.run_job).
gc.freeze()
# the fork server ignores Ctrl-C from here on and gives its workers the handler it finds now
signal.signal(signal.SIGINT, signal.default_int_handler)
