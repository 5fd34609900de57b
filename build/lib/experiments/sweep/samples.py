"""Running a list of parameter samples as one sweep, and reading back what each run gave.

A sensitivity design, a scenario-discovery design, a batch of calibration trials or a set of
configs to validate is a table of samples. :func:`run_samples` writes it as the ``samples``
sweeper's jobs file (``hydra_plugins/openmarket_samples``: one job per sample, its replicates as
``seeds_per_job`` seeds), launches it as one multirun of ``experiments.run`` (so any Hydra
launcher runs it, results are written atomically, and finished jobs are skipped when the same
command runs again) and measures every finished run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd
import pyarrow.parquet as pq

from experiments.sweep.collection import find_runs
from experiments.sweep.outputs import RESULTS
from experiments.sweep.provenance import ROOT
from sim.validate import ConfigError
from study.results_io import write_atomic
from study.uncertainty import OUTCOMES, Factor, job_overrides, outcome_metrics, outcome_table


@dataclass
class SampleRun:
    """Where a set of samples ran and what they gave."""

    out_dir: Path
    samples: pd.DataFrame  # one row per sample: factor values
    outcomes: pd.DataFrame  # one row per (sample, replicate): outcome values


def job_name(sample: int) -> str:
    """Folder name of one sample's job (its seeds run in ``seed=<k>`` subfolders if several)."""
    return f"s{sample:05d}"


def check_no_conflict(factors: Sequence[Factor], overrides: Sequence[str]) -> None:
    """Raise ConfigError if a sampled factor is also fixed on the command line."""
    fixed = {o.split("=", 1)[0].lstrip("+~") for o in overrides}
    for f in factors:
        if f.path in fixed:
            raise ConfigError(f.path, "set on the command line",
                              f"not a sampled factor ({f.name}); drop it or use factors=...")


def write_jobs(samples: pd.DataFrame, factors: Sequence[Factor], seeds: Sequence[int],
               out_dir: Path, extra: Sequence[Sequence[str]] | None = None) -> Path:
    """Write ``samples.csv`` and the sweeper's ``jobs.json``: one job per sample.

    A job runs the sample's seeds one after another (``seeds_per_job``), which spares Hydra's
    per-job cost for every replicate. ``extra`` holds additional overrides per sample (e.g.
    ``+calibration=...``).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    samples.rename_axis("sample").to_csv(out_dir / "samples.csv")
    seeds = list(seeds)
    if seeds != list(range(seeds[0], seeds[0] + len(seeds))):
        raise ValueError("seeds must be consecutive")
    per_job = [f"seed={seeds[0]}"] + ([f"seeds_per_job={len(seeds)}"] if len(seeds) > 1 else [])
    jobs = []
    for i, (_, row) in enumerate(samples.iterrows()):
        overrides = job_overrides(row, factors) + list(extra[i] if extra else [])
        jobs.append({"name": job_name(i), "overrides": [*per_job, *overrides]})
    path = out_dir / "jobs.json"
    write_atomic(path, lambda tmp: Path(tmp).write_text(json.dumps({"jobs": jobs}, indent=0)))
    return path


def _job_of(run: Path, out_dir: Path) -> int | None:
    """Sample index of a run folder (``s<sample>`` or ``s<sample>/seed=<k>``), else None."""
    job = run.parent if run.name.startswith("seed=") else run
    if job.parent.resolve() != out_dir.resolve() or not job.name.startswith("s") \
            or not job.name[1:].isdigit():
        return None
    return int(job.name[1:])


def launch(jobs_file: Path, out_dir: Path, overrides: Sequence[str], quiet: bool = False,
           batch_size: int | None = None) -> None:
    """Run the jobs file as one multirun of ``experiments.run`` (the project's sweep runner)."""
    cmd = [sys.executable, "-m", "experiments.run", "-m", "hydra/sweeper=samples",
           f"hydra.sweeper.jobs_file={jobs_file.resolve()}",
           f"hydra.sweep.dir={out_dir.resolve()}",
           "output.collect=false", "output.figures=false", "output.summary=false",
           *([f"hydra.sweeper.max_batch_size={batch_size}"] if batch_size else []),
           *overrides]
    env = dict(os.environ)
    if (ROOT / "hydra_plugins").is_dir():
        # in a clone, the sweeper plugin lives in the repository's hydra_plugins/ namespace
        # folder (installed, it is in site-packages with the rest)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    res = subprocess.run(cmd, env=env, text=True,
                         capture_output=quiet)
    if res.returncode != 0:
        tail = ((res.stdout or "")[-3000:] + (res.stderr or "")[-3000:]) if quiet else ""
        raise RuntimeError(f"sweep failed (exit {res.returncode}): {' '.join(cmd)}\n{tail}")


def read_job_outcomes(out_dir: Path, outcomes: Sequence[str],
                      measure: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
                      metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """Measures of every finished job in ``out_dir`` with its sample and replicate index.

    Args:
        out_dir: the sweep folder (one ``s<sample>`` folder per job, with ``seed=<k>``
            subfolders when a job runs several seeds).
        outcomes: names of the measured columns.
        measure: turns one run's rows into a one-row frame of measures (default: the final
            month of :data:`~study.uncertainty.OUTCOMES`, :func:`~study.uncertainty.outcome_table`).
        metrics: metrics to read from each results table (default: those of the outcomes).
    """
    metrics = list(metrics or outcome_metrics())
    measure = measure or (lambda table: outcome_table(table, outcomes))
    frames = []
    for run in find_runs(out_dir):
        sample = _job_of(run, out_dir)
        if sample is None:
            continue
        table = pq.read_table(run / RESULTS, columns=["run_id", "seed", "month", "metric",
                                                      "region", "bloc", "lab", "value"],
                              filters=[("metric", "in", metrics)]).to_pandas()
        row = measure(table)
        frames.append(row.assign(sample=sample,
                                 seed=int(table.seed.iloc[0]) if len(table) else -1))
    if not frames:
        return pd.DataFrame(columns=["sample", "replicate", "seed", "run_id", *outcomes])
    df = pd.concat(frames, ignore_index=True).sort_values(["sample", "seed"])
    df["replicate"] = df.groupby("sample").cumcount()
    return df[["sample", "replicate", "seed", "run_id", *outcomes]].reset_index(drop=True)


def run_samples(samples: pd.DataFrame, factors: Sequence[Factor], out_dir: Path,
                overrides: Sequence[str] = (), replicates: int = 1, first_seed: int = 0,
                outcomes: Sequence[str] | None = None, quiet: bool = False,
                extra: Sequence[Sequence[str]] | None = None,
                batch_size: int | None = None,
                measure: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
                metrics: Sequence[str] | None = None) -> SampleRun:
    """Run every sample ``replicates`` times through the sweep machinery; return the outcomes.

    Args:
        samples: one row per point, a column of values per factor.
        factors: the sampled factors (columns of ``samples``).
        out_dir: sweep folder (finished jobs in it are skipped).
        overrides: Hydra overrides applied to every job (``model.n_developers=2000``).
        replicates: runs per sample, seeds ``first_seed ..``, shared by all samples.
        first_seed: seed of the first replicate.
        outcomes: names of the measured columns (default all of
            :data:`~study.uncertainty.OUTCOMES`).
        quiet: capture the sweep's output (shown only if it fails).
        extra: additional overrides per sample.
        batch_size: jobs handed to the launcher at once.
        measure: one run's rows -> one-row frame with the ``outcomes`` columns (default: the
            final month of each outcome).
        metrics: metrics ``measure`` needs.
    """
    outcomes = list(outcomes or OUTCOMES)
    check_no_conflict(factors, overrides)
    seeds = list(range(first_seed, first_seed + replicates))
    jobs_file = write_jobs(samples, factors, seeds, out_dir, extra)
    if len(samples):
        launch(jobs_file, out_dir, overrides, quiet=quiet, batch_size=batch_size)
    result = read_job_outcomes(out_dir, outcomes, measure, metrics)
    keep = (result["sample"] < len(samples)) & result["seed"].isin(seeds)
    return SampleRun(out_dir, samples, result[keep].reset_index(drop=True))
