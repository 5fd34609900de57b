"""One job of a run or a sweep: its seeds run one after another, each into its own folder.

Hydra calls :func:`run_job` through ``experiments.run`` with the job's composed config. Each seed
is skipped when its folder already holds the results of this exact config (a re-run of the same
sweep resumes; :mod:`experiments.sweep.resume`), otherwise run, and written atomically
(:mod:`experiments.sweep.outputs`); in a sweep, each seed done is counted for the progress bar
(:mod:`experiments.sweep.progress`). Log lines go to the job's ``run.log``. A single run (not a
sweep) also draws its figures and prints its summary.
"""

from __future__ import annotations

import gc
import json
import logging
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from experiments.sweep.progress import record
from experiments.sweep.resume import RESULTS, finished, run_dirs
from sim.config import SimConfig
from sim.hydra_conf import to_sim_config
from sim.run import config_dict, config_hash, results_arrow, simulate

log = logging.getLogger(__name__)


def run_job(cfg: DictConfig, out_dir: Path) -> list[Path]:
    """Run the model for a composed config (``seeds_per_job`` seeds) and write the outputs."""
    # paused by experiments.run.cli while it starts; runs make reference cycles (Mesa agents)
    gc.enable()
    sim_cfg = to_sim_config(cfg)
    n = cfg.seeds_per_job
    # the seeds of a job differ only in the seed, which the hash leaves out
    digest, plain = config_hash(sim_cfg), config_dict(sim_cfg)
    sweep_dir = _sweep_dir()
    paths = []
    for seed, folder in enumerate(run_dirs(out_dir, sim_cfg.seed, n), start=sim_cfg.seed):
        paths.append(run_one(replace(sim_cfg, seed=seed), folder, cfg.output, digest,
                             {**plain, "seed": seed}))
        if sweep_dir is not None:
            record(sweep_dir, folder)  # the sweep's progress bar counts it
    return paths


def run_one(sim_cfg: SimConfig, out_dir: Path, output, digest: str | None = None,
            plain: dict | None = None) -> Path:
    """Run one seed into ``out_dir`` unless its results are already there.

    ``digest`` and ``plain`` are ``config_hash(sim_cfg)`` and ``config_dict(sim_cfg)`` when the
    caller has them already.
    """
    with gc_paused():
        from experiments.sweep.outputs import write_results  # Arrow: not needed to launch
        import sim.model  # noqa: F401  (Mesa is imported before the clock starts: not model time)

    digest = digest or config_hash(sim_cfg)
    if finished(out_dir, digest, sim_cfg.seed):
        log.info("already finished, skipped: %s", out_dir)
        return out_dir / RESULTS
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
    if single:
        print(f"outputs: {out_dir}")
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


def _sweep_dir() -> str | None:
    """The folder of the sweep this job belongs to, or None outside a sweep."""
    return str(HydraConfig.get().sweep.dir) if _is_multirun() else None


def _is_multirun() -> bool:
    try:
        return HydraConfig.get().mode.name == "MULTIRUN"
    except ValueError:
        return False
