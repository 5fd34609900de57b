"""Run one scenario (or, with ``-m``, a sweep) from the command line.

    python -m experiments.run                                   # baseline, seed 0
    python -m experiments.run scenario=alibaba_closes seed=3 model.horizon_months=36
    python -m experiments.run -m scenario=baseline,alibaba_closes 'seed=range(0,8)'

Each run writes ``results.parquet`` (the tidy table), ``run_config.json`` and, unless
``output.figures=false``, PNG figures into its Hydra output folder, and prints a summary.
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    # First of all, so that the sweep's worker processes import the model on another core while
    # this one imports Hydra and checks the sweep (experiments.sweep.worker_server)
    from experiments.sweep import worker_server
    worker_server.start(sys.argv[1:])

import gc
import hashlib
import json
import logging
import os
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from experiments.sweep import worker_server
from hydra_plugins.openmarket_sweeper.checked_sweeper import PREFLIGHT_ENV
from sim.hydra_conf import CONFIG_DIR, register, to_sim_config
from sim.config import SimConfig
from sim.run import config_dict, config_hash, results_arrow, simulate
from sim.validate import ConfigError

log = logging.getLogger(__name__)
register()


def run_job(cfg: DictConfig, out_dir: Path) -> list[Path]:
    """Run the model for a composed config (``seeds_per_job`` seeds) and write the outputs."""
    gc.enable()  # paused by cli() while it starts; runs make reference cycles (Mesa agents)
    sim_cfg = to_sim_config(cfg)
    n = cfg.seeds_per_job
    # the seeds of a job differ only in the seed, which the hash leaves out
    digest, plain = config_hash(sim_cfg), config_dict(sim_cfg)
    paths = []
    for seed in range(sim_cfg.seed, sim_cfg.seed + n):
        folder = out_dir if n == 1 else out_dir / f"seed={seed}"
        paths.append(run_one(replace(sim_cfg, seed=seed), folder, cfg.output, digest,
                             {**plain, "seed": seed}))
    return paths


def run_one(sim_cfg: SimConfig, out_dir: Path, output, digest: str | None = None,
            plain: dict | None = None) -> Path:
    """Run one seed into ``out_dir`` unless its results are already there.

    ``digest`` and ``plain`` are ``config_hash(sim_cfg)`` and ``config_dict(sim_cfg)`` when the
    caller has them already.
    """
    with gc_paused():
        from experiments.sweep.outputs import finished, write_results  # Arrow: not needed to launch
        import sim.model  # noqa: F401  (Mesa is imported before the clock starts: not model time)

    digest = digest or config_hash(sim_cfg)
    if finished(out_dir, sim_cfg, digest):
        log.info("already finished, skipped: %s", out_dir)
        return out_dir / "results.parquet"
    start = time.perf_counter()
    model = simulate(sim_cfg)
    model_seconds = time.perf_counter() - start
    table = results_arrow(model, digest, encoded=True)
    path = write_results(table, out_dir, sim_cfg, digest, plain)
    # kept apart from run_config.json so that a run's recorded inputs stay byte-identical
    (out_dir / "timing.json").write_text(json.dumps(
        {"model_seconds": model_seconds, "job_seconds": time.perf_counter() - start}))
    single = not _is_multirun()
    df = _plain_frame(table) if single and (output.figures or output.summary) else None
    if output.figures and single:
        from study.figures.run import run_figures
        for fig_path in run_figures(df, out_dir):
            log.info("figure: %s", fig_path)
    if output.summary and single:
        from study.summary import summary_table
        print(summary_table(df).to_string())
    log.info("results: %s", path)
    return path


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector, e.g. while importing Mesa, pandas, SciPy and Arrow.

    An import creates hundreds of thousands of long-lived objects, and the collector traverses
    them again and again while they load: paused, a worker imports what a run needs in 0.55 s
    instead of 0.7 s (benchmarks/results_sweep.md).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _plain_frame(table):
    """The table as pandas with plain string columns, as :func:`sim.run.results_table` gives."""
    import pyarrow as pa

    plain = pa.schema([f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f
                       for f in table.schema])
    return table.cast(plain).to_pandas()


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
    # Paused while the command starts (imports, Hydra's compositions: 10% faster); resumed
    # when a sweep starts (experiments.sweep.callbacks) or a run starts (run_job).
    gc.disable()
    worker_server.start(sys.argv[1:])  # started already when run as python -m experiments.run
    from experiments.sweep.preflight import preflight
    overrides, multirun = split_argv(sys.argv[1:])
    named = any(o.split("=", 1)[0].lstrip("+") in ("output.sweep_name", "hydra.sweep.dir", "sweep")
                for o in overrides)
    if multirun and not named:
        sys.argv.append(f"output.sweep_name={sweep_name(overrides)}")
    if not any(a in ("--help", "-h", "--hydra-help", "--info", "-i") for a in sys.argv[1:]):
        hints: list[str] = []
        try:
            preflight(overrides, multirun, hints)
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
