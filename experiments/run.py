"""Run one scenario (or, with ``-m``, a sweep) from the command line.

    python -m experiments.run                                   # baseline, seed 0
    python -m experiments.run scenario=alibaba_closes seed=3 model.horizon_months=36
    python -m experiments.run -m scenario=baseline,alibaba_closes 'seed=range(0,8)'

Each run writes ``results.parquet`` (the tidy table), ``run_config.json`` and, unless
``output.figures=false``, PNG figures into its Hydra output folder, and prints a summary.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from experiments.outputs import finished, write_results
from sim.hydra_conf import CONFIG_DIR, register, to_sim_config
from sim.run import results_table, simulate
from sim.validate import ConfigError

log = logging.getLogger(__name__)
register()


def run_job(cfg: DictConfig, out_dir: Path) -> Path:
    """Run the model for a composed config and write its outputs into ``out_dir``."""
    sim_cfg = to_sim_config(cfg)
    if finished(out_dir, sim_cfg):
        log.info("already finished, skipped: %s", out_dir)
        return out_dir / "results.parquet"
    df = results_table(simulate(sim_cfg))
    path = write_results(df, out_dir, sim_cfg)
    if cfg.output.figures and not _is_multirun():
        from sim.plots import run_figures
        for fig_path in run_figures(df, out_dir):
            log.info("figure: %s", fig_path)
    if cfg.output.summary and not _is_multirun():
        from sim.summary import summary_table
        print(summary_table(df).to_string())
    log.info("results: %s", path)
    return path


def _is_multirun() -> bool:
    try:
        return HydraConfig.get().mode.name == "MULTIRUN"
    except ValueError:
        return False


@hydra.main(config_path=str(CONFIG_DIR), config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    """Hydra entry point: compose, validate, run, write."""
    try:
        run_job(cfg, Path(HydraConfig.get().runtime.output_dir))
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)


#: Hydra flags that take a value (the value is not an override).
_VALUED_FLAGS = {"--cfg", "-c", "--package", "-p", "--config-path", "-cp", "--config-name", "-cn",
                 "--config-dir", "-cd", "--experimental-rerun", "--info", "-i"}


def split_argv(argv: list[str]) -> tuple[list[str], bool]:
    """Separate Hydra's flags from the overrides; return (overrides, is_multirun)."""
    overrides, multirun, skip = [], False, False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("-m", "--multirun"):
            multirun = True
        elif arg in _VALUED_FLAGS:
            skip = arg not in ("--info", "-i")
        elif not arg.startswith("-"):
            overrides.append(arg)
    return overrides, multirun


def sweep_name(overrides: list[str]) -> str:
    """A folder name fixed by the sweep's overrides, so the same command resumes the same sweep."""
    digest = hashlib.sha1(" ".join(sorted(overrides)).encode()).hexdigest()[:10]
    return f"sweep-{digest}"


def cli() -> None:
    """Check the whole command line (every job of a sweep) before Hydra starts any work."""
    from experiments.preflight import preflight
    overrides, multirun = split_argv(sys.argv[1:])
    named = any(o.split("=", 1)[0].lstrip("+") in ("output.sweep_name", "hydra.sweep.dir", "sweep")
                for o in overrides)
    if multirun and not named:
        sys.argv.append(f"output.sweep_name={sweep_name(overrides)}")
    if not any(a in ("--help", "-h", "--hydra-help", "--info", "-i") for a in sys.argv[1:]):
        try:
            preflight(overrides, multirun)
        except ConfigError as err:
            print(f"error: {err}", file=sys.stderr)
            sys.exit(2)
    main()


if __name__ == "__main__":
    cli()
