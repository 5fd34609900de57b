"""Hydra callbacks: announce a sweep when it starts and collect it when it ends."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

log = logging.getLogger(__name__)


class SweepCollector(Callback):
    """At the end of a multirun, gather every run into one table with a summary and figures."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Say where the sweep writes (the same command resumes there)."""
        print(f"sweep folder: {config.hydra.sweep.dir} (re-run the same command to resume)",
              flush=True)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Collect the sweep folder (``python -m experiments.collect`` does the same by hand)."""
        _stop_idle_workers()
        if not config.output.collect:
            return
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
