"""Hydra's basic sweeper that launches only unfinished jobs, with one progress bar.

Hydra's basic sweeper composes every job's config in the main process before launching ("validate
batch"), and the launcher composes it again in the worker. ``experiments.run`` has already composed
and validated every distinct job config in its preflight, so the repeat only costs time (about a
tenth of a second a job, in series, before any job starts). This sweeper skips it when the preflight
ran; otherwise it validates as Hydra does.

The preflight has also recorded each job's config hash and seeds (:mod:`experiments.sweep.resume`):
a job whose runs are all finished in the sweep folder is not launched at all (a finished sweep
run again launches nothing), and the runs still to do are shown as one progress bar
(:mod:`experiments.sweep.progress`).
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import Any, List, Sequence

from omegaconf import OmegaConf

from experiments.sweep import private_apis, progress, resume, worker_server

PREFLIGHT_ENV = "OPENMARKET_PREFLIGHT_DONE"
#: the job folder naming that :func:`experiments.sweep.resume.override_dirname` reproduces
_OVERRIDE_DIRNAME = "${hydra.job.override_dirname}"


class CheckedSweeper(private_apis.basic_sweeper()):  # Hydra's basic sweeper: a private class
    """Basic sweeper that trusts ``experiments.sweep.preflight`` and skips finished jobs."""

    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        """Skip re-composition when the preflight validated every job."""
        if os.environ.get(PREFLIGHT_ENV) != "1":
            super().validate_batch_is_legal(batch)

    def split_arguments(self, overrides: List[Any],  # type: ignore[override]
                        max_batch_size: int | None) -> List[List[List[str]]]:
        """The basic sweeper's batches of jobs, without the finished jobs; starts the bar.

        Hydra's sweep calls this once, with the parsed overrides (a static method of the basic
        sweeper, called through the instance, so that this one can see the sweep's config).
        """
        jobs = private_apis.sweep_jobs(overrides)
        todo = self._unfinished(jobs)
        if todo is None:  # not every job was planned by the preflight: launch all, as Hydra
            return super().split_arguments(overrides, max_batch_size)
        hydra_cfg = self.config.hydra
        progress.start(Path(hydra_cfg.sweep.dir), todo.n_runs, todo.n_finished,
                       str(hydra_cfg.runtime.choices.get("hydra/launcher", "")))
        if not todo.jobs:
            worker_server.stop()  # no worker to fork: its imports would only take a core
            return []
        return list(self.split_overrides_to_chunks(todo.jobs, max_batch_size))

    def sweep(self, arguments: List[str]) -> Any:
        """Hydra's sweep; the progress bar ends with it (before the sweep is collected)."""
        try:
            return super().sweep(arguments)
        finally:
            progress.stop()

    def _unfinished(self, jobs: list[list[str]]) -> resume.Todo | None:
        hydra_cfg = self.config.hydra
        folder_of = None
        if OmegaConf.to_container(hydra_cfg.sweep, resolve=False).get("subdir") \
                == _OVERRIDE_DIRNAME:
            naming = hydra_cfg.job.config.override_dirname
            folder_of = partial(resume.override_dirname, exclude_keys=list(naming.exclude_keys),
                                item_sep=naming.item_sep, kv_sep=naming.kv_sep)
        return resume.unfinished_jobs(jobs, Path(hydra_cfg.sweep.dir), folder_of)
