"""Run one scenario (or, with ``-m``, a sweep) from the command line.

    python -m experiments.run                                   # baseline, seed 0
    python -m experiments.run scenario=alibaba_closes seed=3 model.horizon_months=36
    python -m experiments.run -m scenario=baseline,alibaba_closes 'seed=range(0,8)'

Each run writes ``results.parquet`` (the tidy table), ``run_config.json`` and, unless
``output.figures=false``, PNG figures into its Hydra output folder, and prints a summary. The
whole command line is checked first (:mod:`experiments.sweep.preflight`); each job then runs
:func:`experiments.sweep.job.run_job`.
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    # First of all, so that the sweep's worker processes import the model on another core while
    # this one imports Hydra and checks the sweep (experiments.sweep.worker_server)
    from experiments.sweep import worker_server
    worker_server.start(sys.argv[1:])

import gc
import os
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from experiments.sweep import worker_server
from experiments.sweep.argv import INFO_FLAGS, split_argv, sweep_name_override
from experiments.sweep.job import run_job
from hydra_plugins.openmarket_sweeper.checked_sweeper import PREFLIGHT_ENV
from sim.hydra_conf import CONFIG_DIR, register
from sim.validate import ConfigError

register()


@hydra.main(config_path=str(CONFIG_DIR), config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    """Hydra entry point: compose, validate, run, write."""
    try:
        run_job(cfg, Path(HydraConfig.get().runtime.output_dir))
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)


def cli() -> None:
    """Check the whole command line (every job of a sweep) before Hydra starts any work."""
    # Paused while the command starts (imports, Hydra's compositions: 10% faster); resumed
    # when a sweep starts (experiments.sweep.callbacks) or a run starts (run_job).
    gc.disable()
    worker_server.start(sys.argv[1:])  # started already when run as python -m experiments.run
    from experiments.sweep.preflight import preflight
    overrides, multirun = split_argv(sys.argv[1:])
    name = sweep_name_override(overrides, multirun)
    if name:
        sys.argv.append(name)
    if not any(a in INFO_FLAGS for a in sys.argv[1:]):
        hints: list[str] = []
        try:
            # with the sweep's name: the preflight plans the jobs exactly as Hydra launches them
            preflight(overrides + ([name] if name else []), multirun, hints)
        except ConfigError as err:
            worker_server.stop()
            print(f"error: {err}", file=sys.stderr)
            sys.exit(2)
        for hint in hints:
            print(hint, file=sys.stderr)
        os.environ[PREFLIGHT_ENV] = "1"
    worker_server.use_for_joblib()
    try:
        main()
    finally:
        # Exclude everything alive now from the interpreter's final garbage collections: its
        # teardown then takes 0.03 s instead of 0.3 s (benchmarks/results_sweep.md)
        gc.freeze()


if __name__ == "__main__":
    cli()
