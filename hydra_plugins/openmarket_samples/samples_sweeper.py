"""A Hydra sweeper that launches a precomputed list of jobs read from a file.

Hydra's basic sweeper launches the cartesian product of the values given on the command line.
A sensitivity analysis, a scenario-discovery design or a calibration batch is instead a list of
points in parameter space, each one job with its own overrides. This sweeper reads that list
from a JSON file and hands it, in batches, to whatever launcher is configured (joblib by default;
Ray and SLURM work the same), so every job goes through ``experiments.run`` exactly like a sweep
job: atomic results, finished jobs skipped on a re-run, the same output layout.

    python -m experiments.run -m hydra/sweeper=samples hydra.sweeper.jobs_file=jobs.json \
        hydra.sweep.dir=outputs/sensitivity/x model.n_developers=2000

The jobs file is ``{"jobs": [{"name": "s00000-r0", "overrides": ["seed=0", "a.b=1.5"]}, ...]}``.
Each job runs in ``<hydra.sweep.dir>/<name>``. Overrides given on the command line apply to every
job (before the job's own, so a job's value wins); a swept command-line override
(``scenario=a,b``) multiplies the list, the extra combinations going to ``<name>-x<k>``.
"""

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Optional, Sequence

from hydra.core.config_store import ConfigStore
from hydra.core.utils import JobReturn
from hydra.errors import HydraException
from hydra.plugins.launcher import Launcher
from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf

from experiments.sweep import progress

log = logging.getLogger(__name__)


@dataclass
class SamplesSweeperConf:
    """Config of ``hydra/sweeper=samples``."""

    _target_: str = "hydra_plugins.openmarket_samples.samples_sweeper.SamplesSweeper"
    #: JSON file with the list of jobs (absolute, or relative to the working directory).
    jobs_file: str = ""
    #: Jobs handed to the launcher at once (None: all in one batch).
    max_batch_size: Optional[int] = None


ConfigStore.instance().store(group="hydra/sweeper", name="samples", node=SamplesSweeperConf,
                             provider="openmarket-sim")


def read_jobs(path: str | Path) -> list[tuple[str, list[str]]]:
    """Read a jobs file; return ``(name, overrides)`` pairs. Raises HydraException if invalid."""
    path = Path(path)
    if not str(path) or not path.is_file():
        raise HydraException(f"samples sweeper: jobs file not found: '{path}' "
                             "(set hydra.sweeper.jobs_file)")
    try:
        data = json.loads(path.read_text())
        jobs = [(str(job["name"]), [str(o) for o in job["overrides"]]) for job in data["jobs"]]
    except (ValueError, KeyError, TypeError) as err:
        raise HydraException(f"samples sweeper: {path} is not a jobs file "
                             f"({{'jobs': [{{'name': ..., 'overrides': [...]}}]}}): {err}") \
            from None
    names = [name for name, _ in jobs]
    if len(set(names)) != len(names):
        raise HydraException(f"samples sweeper: job names in {path} are not unique")
    bad = [n for n in names if not n or "/" in n or n.startswith(".")]
    if bad:
        raise HydraException(f"samples sweeper: job name {bad[0]!r} is not a plain folder name")
    return jobs


class SamplesSweeper(Sweeper):
    """Launch the jobs listed in ``jobs_file`` through the configured launcher."""

    def __init__(self, jobs_file: str = "", max_batch_size: Optional[int] = None) -> None:
        super().__init__()
        self.jobs_file = jobs_file
        self.max_batch_size = max_batch_size
        self.hydra_context: Optional[HydraContext] = None
        self.config: Optional[DictConfig] = None
        self.launcher: Optional[Launcher] = None

    def setup(self, *, hydra_context: HydraContext, task_function: TaskFunction,
              config: DictConfig) -> None:
        """Instantiate the configured launcher."""
        from hydra.core.plugins import Plugins
        self.hydra_context = hydra_context
        self.config = config
        self.launcher = Plugins.instance().instantiate_launcher(
            hydra_context=hydra_context, task_function=task_function, config=config)

    def job_batches(self, arguments: List[str]) -> list[list[list[str]]]:
        """Every job's full override list, in batches of at most ``max_batch_size``."""
        # the project's one sweep expander (imported here: plugins are imported by every
        # process that starts Hydra, and only the sweeping one needs it)
        from experiments.sweep.preflight import expand_jobs

        loader = self.hydra_context.config_loader if self.hydra_context else None
        combos = expand_jobs(arguments, loader)
        jobs = []
        for name, overrides in read_jobs(self.jobs_file):
            for k, combo in enumerate(combos):
                subdir = name if len(combos) == 1 else f"{name}-x{k}"
                jobs.append([*combo, *overrides, f"hydra.sweep.subdir={subdir}"])
        size = self.max_batch_size or max(len(jobs), 1)
        if size < 1:
            raise HydraException("samples sweeper: max_batch_size must be positive")
        return [jobs[i:i + size] for i in range(0, len(jobs), size)]

    def sweep(self, arguments: List[str]) -> Any:
        """Launch all jobs; return the launcher's results per batch."""
        assert self.config is not None and self.launcher is not None
        batches = self.job_batches(arguments)
        sweep_dir = Path(self.config.hydra.sweep.dir)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        OmegaConf.save(self.config, sweep_dir / "multirun.yaml")
        n_jobs = sum(map(len, batches))
        log.info("samples sweeper: %d jobs from %s", n_jobs, self.jobs_file)
        # one progress bar of the runs (a job runs seeds_per_job seeds; finished ones count)
        progress.start(sweep_dir, n_jobs * int(self.config.get("seeds_per_job", 1)), 0,
                       str(self.config.hydra.runtime.choices.get("hydra/launcher", "")))
        try:
            return self._launch(batches)
        finally:
            progress.stop()

    def _launch(self, batches: list[list[list[str]]]) -> List[Sequence[JobReturn]]:
        returns: List[Sequence[JobReturn]] = []
        index = 0
        for batch in batches:
            if not batch:
                continue
            # composing every job twice is slow for thousands of jobs: check the first one only
            # (the jobs differ in values whose ranges were validated when the file was written)
            self.validate_batch_is_legal(batch[:1])
            results = self.launcher.launch(batch, initial_job_idx=index)
            for r in results:
                _ = r.return_value  # raises if the job failed
            index += len(batch)
            returns.append(results)
        return returns
