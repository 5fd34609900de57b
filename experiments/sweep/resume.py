"""Resuming a sweep: which runs are finished, decided before any job is launched.

A run is finished when its folder holds ``run_config.json`` naming this exact config (its hash)
and seed, and ``results.parquet`` (written last, atomically: :mod:`experiments.sweep.outputs`).
As the preflight (:mod:`experiments.sweep.preflight`) checks a sweep it records each job's config
hash and seeds (:func:`plan_job`); the ``checked`` sweeper then drops every job whose runs are all
finished (:func:`unfinished_jobs`), so a finished sweep run again launches no job at all. A job
that is launched still skips each of its finished seeds itself (:mod:`experiments.sweep.job`).

Standard library only: the sweep's main process imports no numerical library before launching.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

RESULTS = "results.parquet"
RUN_CONFIG = "run_config.json"


def run_dirs(job_dir: Path, first_seed: int, n_seeds: int) -> list[Path]:
    """The folder of each run of a job: the job's own for one seed, else ``seed=<k>/`` in it."""
    if n_seeds == 1:
        return [job_dir]
    return [job_dir / f"seed={seed}" for seed in range(first_seed, first_seed + n_seeds)]


def finished(run_dir: Path, digest: str, seed: int) -> bool:
    """True if ``run_dir`` holds the complete results of the config hashed ``digest`` and seed."""
    if not (run_dir / RESULTS).exists():
        return False
    try:
        meta = json.loads((run_dir / RUN_CONFIG).read_text())
    except (OSError, ValueError):
        return False
    return meta.get("config_hash") == digest and meta.get("seed") == seed


@dataclass(frozen=True)
class JobRuns:
    """The runs of one job: its config's hash (seed left out), first seed and number of seeds."""

    digest: str
    first_seed: int
    n_seeds: int

    def n_finished(self, job_dir: Path) -> int:
        """How many of the job's runs are finished in ``job_dir``."""
        dirs = run_dirs(job_dir, self.first_seed, self.n_seeds)
        return sum(finished(d, self.digest, self.first_seed + i) for i, d in enumerate(dirs))


_plans: dict[frozenset[str], JobRuns] = {}


def job_key(overrides: Sequence[str]) -> frozenset[str]:
    """A job by its overrides, in any order, leaving out Hydra's own (``hydra.*``, ``hydra/*``).

    Hydra hands its sweeper the job's task overrides only, while the preflight sees the whole
    command line.
    """
    return frozenset(o for o in overrides if not _key(o).startswith(("hydra.", "hydra/")))


def plan_job(overrides: Sequence[str], runs: JobRuns) -> None:
    """Record a job's runs, as the preflight has composed its config."""
    _plans[job_key(overrides)] = runs


def planned(overrides: Sequence[str]) -> JobRuns | None:
    """The runs the preflight recorded for a job, or None."""
    return _plans.get(job_key(overrides))


def clear_plans() -> None:
    """Forget every recorded job (a new command line is checked)."""
    _plans.clear()


@dataclass
class Todo:
    """The jobs of a sweep still to launch, with its count of runs (all, finished already)."""

    jobs: list[list[str]]
    n_runs: int
    n_finished: int


def unfinished_jobs(jobs: Sequence[Sequence[str]], sweep_dir: Path,
                    folder_of: Callable[[Sequence[str]], str] | None) -> Todo | None:
    """The jobs that have a run to do, or None if some job was not planned by the preflight.

    ``folder_of`` names a job's folder in ``sweep_dir`` from its overrides; None if the folders
    are not named by the overrides (then every job is launched and skips itself).
    """
    todo, n_runs, n_finished = [], 0, 0
    for job in jobs:
        runs = planned(job)
        if runs is None:
            return None
        done = runs.n_finished(sweep_dir / folder_of(job)) if folder_of else 0
        n_runs += runs.n_seeds
        if done == runs.n_seeds:
            n_finished += done
        else:
            todo.append(list(job))
    return Todo(todo, n_runs, n_finished)


def override_dirname(overrides: Sequence[str], exclude_keys: Sequence[str], item_sep: str,
                     kv_sep: str) -> str:
    """A job's folder name, as Hydra's ``hydra.job.override_dirname`` gives it.

    The overrides (as typed) whose key is not excluded, sorted, joined by ``item_sep``, with
    every ``=`` replaced by ``kv_sep`` (a test compares it with Hydra's own).
    """
    kept = sorted(o for o in overrides if _key(o) not in exclude_keys)
    return item_sep.join(kept).replace("=", kv_sep)


def _key(override: str) -> str:
    """The key or config group of an override (``+a.b@pkg=1`` -> ``a.b``)."""
    return override.split("=", 1)[0].lstrip("+~").split("@", 1)[0]
