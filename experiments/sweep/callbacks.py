"""Hydra callbacks: announce a sweep when it starts and collect it when it ends."""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from experiments.sweep.private_apis import loky_pool

log = logging.getLogger(__name__)


class SweepCollector(Callback):
    """At the end of a multirun, gather every run into one table with a summary and figures."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Say where the sweep writes (the same command resumes there)."""
        gc.enable()  # paused by experiments.run.cli while the command started
        print(f"sweep folder: {config.hydra.sweep.dir} (re-run the same command to resume)",
              flush=True)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Collect the sweep folder (``python -m experiments.collect`` does the same by hand)."""
        try:
            if config.output.collect:
                print(in_idle_worker(_collect_text, Path(config.hydra.sweep.dir).resolve(),
                                     config.output.figures, config.output.summary), flush=True)
        finally:
            _stop_idle_workers()


def _collect_text(sweep_dir: Path, figures: bool, summary: bool) -> str:
    # imported where it runs: this process then never imports Arrow if a worker collects
    from experiments.sweep.collection import collect_text

    return collect_text(sweep_dir, figures, summary)


def in_idle_worker(fn, *args):
    """``fn(*args)`` in one of the joblib launcher's idle workers, else in this process.

    The workers have run the model, so the libraries the collector needs (pyarrow, pandas,
    SciPy) are imported there already; this process would spend 0.4 s importing them, with
    every core but one idle (benchmarks/results_sweep.md). A worker that dies (out of memory,
    killed) leaves the work to this process, and so does a pool that is broken or shut down
    (loky's ``submit`` refuses work then).
    """
    from joblib.externals.loky import BrokenProcessPool

    executor = loky_pool()
    if executor is None:
        return fn(*args)
    try:
        future = executor.submit(fn, *args)
    except (BrokenProcessPool, RuntimeError):  # a worker died earlier, or shut down
        return fn(*args)
    try:
        return future.result()
    except BrokenProcessPool:
        log.warning("the worker collecting the sweep stopped; collecting here instead")
        return fn(*args)


def _stop_idle_workers() -> None:
    """Stop the joblib launcher's worker processes, idle once the sweep has ended.

    Left alone, they are stopped at interpreter exit, and Python waits for them there; stopped
    now, they exit at once.
    """
    executor = loky_pool()
    if executor is not None:
        executor.shutdown(wait=False, kill_workers=True)
