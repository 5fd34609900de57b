"""Hydra callbacks: announce a sweep when it starts and collect it when it ends."""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

log = logging.getLogger(__name__)
#: The thread importing what collecting needs; not an attribute of the callback, which Hydra
#: pickles to send to the workers.
_IMPORTER: list[threading.Thread] = []


class SweepCollector(Callback):
    """At the end of a multirun, gather every run into one table with a summary and figures."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Say where the sweep writes (the same command resumes there)."""
        print(f"sweep folder: {config.hydra.sweep.dir} (re-run the same command to resume)",
              flush=True)
        if config.output.collect:
            _IMPORTER.append(threading.Thread(target=_import_for_collecting, daemon=True))
            _IMPORTER[-1].start()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Collect the sweep folder (``python -m experiments.collect`` does the same by hand)."""
        _stop_idle_workers()
        if not config.output.collect:
            return
        while _IMPORTER:
            _IMPORTER.pop().join()  # no import runs in two threads at once
        from experiments.collect import collect
        report = collect(Path(config.hydra.sweep.dir), figures=config.output.figures)
        print(report.describe(), flush=True)
        if report.summary is not None and config.output.summary:
            import pandas as pd

            from sim.compare import comparison_table
            summary = pd.read_csv(report.summary, keep_default_na=False,
                                  na_values={"effect_mean": [""], "effect_lo": [""],
                                             "effect_hi": [""]})
            with pd.option_context("display.width", 200, "display.max_colwidth", 40):
                print("\nfinal month: mean across seeds (paired effect vs baseline; * = 90% CI "
                      "excludes 0; intervals in scenario_summary.csv)\n"
                      + comparison_table(summary, compact=True).to_string(), flush=True)


def _stop_idle_workers() -> None:
    """Stop the joblib launcher's worker processes, idle once the sweep has ended.

    Left alone, they are stopped at interpreter exit, and Python waits for them there; stopped
    now, they exit while the results are collected.
    """
    module = sys.modules.get("joblib.externals.loky.reusable_executor")
    executor = getattr(module, "_executor", None)
    if executor is not None:
        executor.shutdown(wait=False, kill_workers=True)


def _import_for_collecting() -> None:
    """Import what collecting needs (pandas, scipy: 0.4 s) while the jobs run.

    At the lowest priority (Linux lets one thread be niced), so that it takes only CPU time the
    workers leave idle; elsewhere it simply runs.
    """
    if sys.platform == "linux":
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        except OSError:
            pass
    # everything collecting imports (none of it is imported by the launcher meanwhile)
    import experiments.collect  # noqa: F401
    import sim.compare  # noqa: F401
