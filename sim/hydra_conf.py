"""Hydra layer: the structured-config schema and composing configs from Python.

``configs/config.yaml`` starts from the schema registered here (``app_schema``), so every YAML
value is type-checked against :class:`~sim.config.SimConfig`. :func:`load_config` composes a
scenario with overrides the same way the command line does, for notebooks and tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional, Sequence

from hydra import compose, initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, OmegaConf

from sim.config import SimConfig
from sim.params import param

def _config_dir() -> Path:
    """The project's ``configs/`` folder.

    The installed ``openmarket_configs`` package, else the clone's own folder (a checkout on
    ``PYTHONPATH`` without an install).
    """
    try:
        import openmarket_configs
    except ImportError:
        return Path(__file__).resolve().parents[1] / "configs"
    return Path(openmarket_configs.__file__).resolve().parent


#: The configs every command composes from (``configs/`` in a clone, package data installed).
CONFIG_DIR = _config_dir()


@dataclass
class OutputConfig:
    """What a command-line run writes besides the results table."""

    figures: bool = True  # PNG figures of the main outcomes (single runs and collected sweeps)
    summary: bool = True  # print the summary table
    #: Folder name of a sweep under outputs/sweeps/. Empty: derived from the command line, so
    #: the same command always writes to (and resumes) the same folder.
    sweep_name: str = ""
    collect: bool = True  # gather a finished sweep into one table, summary and figures


@dataclass
class AppConfig(SimConfig):
    """The command-line config: the model's config plus output options."""

    output: OutputConfig = field(default_factory=OutputConfig)
    #: Seeds run one after another in each sweep job (seed, seed+1, ...), each into its own
    #: ``seed=<k>`` subfolder: amortises the per-job cost of Hydra for large sweeps, e.g.
    #: ``seed=range(0,200,20) seeds_per_job=20`` runs 200 seeds in 10 jobs.
    seeds_per_job: int = param(1, lo=1, hi=100_000, source="run setting")


@dataclass
class CheckedSweeperConf:
    """Hydra's basic sweeper minus its repeated validation (hydra_plugins.openmarket_sweeper)."""

    _target_: str = "hydra_plugins.openmarket_sweeper.checked_sweeper.CheckedSweeper"
    max_batch_size: Optional[int] = None
    params: Optional[Dict[str, str]] = None


def scenario_names(folder: Path | None = None) -> list[str]:
    """The scenario files (what ``scenario=`` accepts): the baseline first, then by file name.

    Args:
        folder: the folder of scenario files (default: ``scenario/`` of :data:`CONFIG_DIR`).
    """
    names = sorted(p.stem for p in (folder or CONFIG_DIR / "scenario").glob("*.yaml"))
    return sorted(names, key=lambda n: n != "baseline")


def register() -> None:
    """Register the schema and the sweeper with Hydra's ConfigStore (idempotent)."""
    store = ConfigStore.instance()
    if "app_schema.yaml" in store.repo and \
            "checked.yaml" in store.repo.get("hydra", {}).get("sweeper", {}):
        return  # storing again costs 0.07 s (the schema is converted each time)
    store.store(name="app_schema", node=AppConfig)
    store.store(group="hydra/sweeper", name="checked", node=CheckedSweeperConf,
                provider="openmarket")


def to_sim_config(cfg: DictConfig) -> SimConfig:
    """Convert a composed Hydra config to the plain :class:`SimConfig` the model takes."""
    obj = OmegaConf.to_object(cfg)
    fields = {k: getattr(obj, k) for k in SimConfig.__dataclass_fields__}
    return SimConfig(**fields)


def compose_config(scenario: str | Sequence[str] | None = "baseline",
                   overrides: Sequence[str] = (), return_hydra_config: bool = False) -> DictConfig:
    """Compose ``configs/config.yaml`` with a scenario (or several) and Hydra overrides.

    This is the one place the project composes a config outside ``@hydra.main``.

    Args:
        scenario: the scenario file (or files, composed in order); None leaves the choice to
            the config's defaults and the overrides, as on the command line.
        overrides: Hydra overrides, as on the command line.
        return_hydra_config: keep Hydra's own node (``hydra.*``: launcher, sweeper,
            callbacks), which the preflight checks.
    """
    register()
    head = []
    if scenario is not None:
        names = [scenario] if isinstance(scenario, str) else list(scenario)
        choice = names[0] if len(names) == 1 else "[" + ",".join(names) + "]"
        head = [f"scenario={choice}"]
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        return compose("config", overrides=[*head, *overrides],
                       return_hydra_config=return_hydra_config)


def load_config(scenario: str | Sequence[str] = "baseline",
                overrides: Sequence[str] = ()) -> SimConfig:
    """A validated-type :class:`SimConfig` for a scenario, as ``python -m experiments.run`` builds.

    Example: ``load_config("alibaba_closes", ["seed=3", "model.horizon_months=36"])``.
    """
    return to_sim_config(compose_config(scenario, overrides))


def config_from_dict(data: dict) -> SimConfig:
    """Rebuild a typed :class:`SimConfig` from its plain-data form (``run_config.json``)."""
    schema = OmegaConf.structured(SimConfig)
    return OmegaConf.to_object(OmegaConf.merge(schema, data))
