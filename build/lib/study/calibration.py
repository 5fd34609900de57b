"""Calibration to the observed 2024-2025 patterns: the loss, the Optuna search and its outputs.

The loss of a parameter set is the distance of its seed-averaged targets to the observed
patterns (:func:`study.calibration_targets.distance`). :func:`search` asks an Optuna study for
trials in batches and hands each batch to an ``evaluate`` function that runs it (the command,
``python -m experiments.calibrate``, runs them through the sweep machinery), starting from the
default parameter values, so the result is never worse than the defaults on the search seeds.
:func:`save` writes the best set as a config users can select (``configs/calibration/<name>.yaml``,
a ``# @package _global_`` file) with ``<name>.fit.json`` beside it: the search, the targets'
values on the validation seeds, and the targets the config *claims* (those it reproduces there).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd
import yaml

from sim.hydra_conf import CONFIG_DIR
from sim.validate import ConfigError
from study.calibration_targets import TARGETS, distance, measure_run, summarise
from study.results_io import write_atomic
from study.uncertainty import Factor

CALIBRATION_DIR = CONFIG_DIR / "calibration"
TARGET_NAMES = [t.name for t in TARGETS]


@dataclass(frozen=True)
class Settings:
    """How the search runs: the ``experiments.calibrate`` keys of the same names."""

    trials: int
    batch: int
    seeds: int
    validate_seeds: int
    sampler: str
    search_seed: int


def select_override(name: str) -> str:
    """The Hydra override that selects calibration config ``name``.

    ``calibration=<name>`` if ``configs/config.yaml`` lists the group in its defaults
    (``- calibration: null``), else ``+calibration=<name>`` (appending it).
    """
    data = yaml.safe_load((CONFIG_DIR / "config.yaml").read_text()) or {}
    listed = any(isinstance(d, dict) and "calibration" in d for d in data.get("defaults", []))
    return f"{'' if listed else '+'}calibration={name}"


def measure_table(table: pd.DataFrame) -> pd.DataFrame:
    """One run's target measurements as a one-row frame (for ``run_samples``)."""
    run_id = table.run_id.iloc[0] if len(table) else ""
    return pd.DataFrame([{"run_id": run_id, **measure_run(table)}])


def sample_loss(values: pd.DataFrame) -> tuple[float, pd.DataFrame]:
    """Distance to the targets of one sample's runs, and its per-target summary."""
    summary = summarise(values)
    return distance(summary), summary


def _distributions(factors: Sequence[Factor]) -> dict:
    """Each factor's Optuna search distribution (integer or real, log-scaled if declared so)."""
    import optuna
    out = {}
    for f in factors:
        if f.integer:
            out[f.name] = optuna.distributions.IntDistribution(int(f.lo), int(f.hi),
                                                               log=f.log)
        else:
            out[f.name] = optuna.distributions.FloatDistribution(f.lo, f.hi, log=f.log)
    return out


def make_sampler(kind: str, seed: int, batch: int):
    """The Optuna sampler: TPE (multivariate, constant liar for batches), random or QMC."""
    import optuna
    if kind == "tpe":
        return optuna.samplers.TPESampler(seed=seed, multivariate=True, constant_liar=True,
                                          n_startup_trials=max(2 * batch, 10))
    if kind == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if kind == "qmc":
        return optuna.samplers.QMCSampler(seed=seed, scramble=True)
    raise ConfigError("sampler", kind, "tpe, random, qmc")


def trial_value(f: Factor, v: Any) -> Any:
    """A trial value as it is run: rounded exactly as written into the job's override."""
    text = f.format(v)
    return int(text) if f.integer else float(text)


def _batch(study: Any, dists: dict, factors: Sequence[Factor], size: int,
           evaluate: Callable[[pd.DataFrame, int], pd.DataFrame], k: int) -> list[dict]:
    """Ask ``size`` trials, run them as batch ``k``, tell the study their losses.

    Returns:
        One record per trial (a row of :func:`search`'s table).
    """
    asked = [study.ask(dists) for _ in range(size)]
    samples = pd.DataFrame([{f.name: trial_value(f, t.params[f.name]) for f in factors}
                            for t in asked])
    values = evaluate(samples, k)
    records = []
    for i, trial in enumerate(asked):
        loss, summary = sample_loss(values[values["sample"] == i])
        study.tell(trial, loss)
        records.append({"trial": trial.number, "loss": loss, **samples.iloc[i].to_dict(),
                        **{f"mean_{r.target}": r.mean for r in summary.itertuples()},
                        "passes": int(summary["pass"].sum())})
    return records


def search(factors: Sequence[Factor], evaluate: Callable[[pd.DataFrame, int], pd.DataFrame],
           settings: Settings, progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Search the factors' ranges for the parameters closest to the targets.

    Args:
        factors: the searched parameters; their default values are the first trial.
        evaluate: ``evaluate(samples, k)`` runs batch ``k`` (one row of parameter values per
            trial) and returns the target measurements of every run with its ``sample`` index
            (as :func:`experiments.sweep.samples.run_samples` gives them).
        settings: trials, batch size, sampler and its seed.
        progress: called with a line of text after every batch.

    Returns:
        One row per trial: ``trial``, ``loss``, the parameter values, each target's mean and
        the number of targets in tolerance (``passes``).
    """
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="minimize",
                                sampler=make_sampler(settings.sampler, settings.search_seed,
                                                     settings.batch))
    dists = _distributions(factors)
    study.enqueue_trial({f.name: min(max(f.default, f.lo), f.hi) for f in factors})
    records: list[dict] = []
    k = 0
    while len(records) < settings.trials:
        size = min(settings.batch, settings.trials - len(records))
        records += _batch(study, dists, factors, size, evaluate, k)
        k += 1
        best = min(records, key=lambda r: r["loss"])
        if progress is not None:
            progress(f"  {len(records)}/{settings.trials} trials, best distance "
                     f"{best['loss']:.3f} ({best['passes']}/{len(TARGETS)} targets in tolerance)")
    return pd.DataFrame(records)


def best_parameters(trials: pd.DataFrame, factors: Sequence[Factor]) -> dict[str, Any]:
    """The parameter values of the trial with the smallest loss, as they were run."""
    best_row = trials.loc[trials.loss.idxmin()]
    return {f.name: trial_value(f, best_row[f.name]) for f in factors}


def nested(values: dict[str, Any]) -> dict:
    """``{"a.b.c": 1}`` -> ``{"a": {"b": {"c": 1}}}``."""
    out: dict = {}
    for path, value in values.items():
        node = out
        keys = path.split(".")
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value
    return out


def write_config(path: Path, factors: Sequence[Factor], best: dict[str, Any],
                 header: list[str]) -> Path:
    """Write the calibrated parameter set as a Hydra config (``# @package _global_``)."""
    values = {f.path: best[f.name] for f in factors}
    body = yaml.safe_dump(nested(values), sort_keys=True, default_flow_style=False)
    lines = ["# @package _global_", *[f"# {h}" if h else "#" for h in header], body]
    write_atomic(path, lambda tmp: Path(tmp).write_text("\n".join(lines)))
    return path


@dataclass
class Calibration:
    """Result of a calibration: the files written, the best set and how it fits."""

    config: Path
    fit: Path
    best: dict[str, Any]
    best_loss: float
    default_loss: float
    validation: pd.DataFrame
    claims: list[str]
    trials: pd.DataFrame

    def describe(self) -> str:
        """Text for the terminal."""
        cols = ["target", "band", "mean", "sd", "pass"]
        lines = [f"best distance {self.best_loss:.3f} (default parameters: "
                 f"{self.default_loss:.3f}) after {len(self.trials)} trials",
                 "validation seeds:", self.validation[cols].to_string(
                     index=False, float_format=lambda v: f"{v:.3g}"),
                 f"claims ({len(self.claims)}/{len(self.validation)}): "
                 f"{', '.join(self.claims)}",
                 f"config: {self.config}  (select with {select_override(self.config.stem)})",
                 f"fit:    {self.fit}"]
        return "\n".join(lines)


def save(config_dir: Path, name: str, command: str, factors: Sequence[Factor],
         trials: pd.DataFrame, summary: pd.DataFrame, settings: Settings, folder: Path,
         overrides: Sequence[str]) -> Calibration:
    """Write ``<name>.yaml`` and ``<name>.fit.json`` into ``config_dir``.

    Args:
        config_dir: the folder of calibration configs (``configs/calibration``).
        name: the config's name.
        command: the command line that ran the calibration (recorded in both files).
        factors: the searched parameters.
        trials: the rows of :func:`search`.
        summary: the best set's per-target summary on the validation seeds.
        settings: how the search ran.
        folder: where its runs are.
        overrides: the Hydra overrides every run had.
    """
    best_row = trials.loc[trials.loss.idxmin()]
    best = best_parameters(trials, factors)
    default_loss = float(trials.loss.iloc[0])
    claims = summary.loc[summary["pass"], "target"].tolist()
    created = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d")
    header = [f"Calibrated parameter set '{name}' ({created}), written by", f"  {command}",
              f"Distance to the 2024-2025 targets: {float(best_row.loss):.3f} (defaults: "
              f"{default_loss:.3f}) on {settings.seeds} seeds;",
              f"reproduces {len(claims)}/{len(summary)} patterns on {settings.validate_seeds} "
              f"validation seeds (claims and values: {name}.fit.json; docs/VALIDATION.md).",
              f"Select: python -m experiments.run {select_override(name)}", ""]
    config = write_config(config_dir / f"{name}.yaml", factors, best, header)
    fit = {
        "name": name, "created": created, "command": command,
        "parameters": {f.name: {"path": f.path, "value": best[f.name],
                                "default": trial_value(f, f.default), "range": [f.lo, f.hi]}
                       for f in factors},
        "search": {"trials": int(len(trials)), "batch": settings.batch, "seeds": settings.seeds,
                   "sampler": settings.sampler, "search_seed": settings.search_seed,
                   "best_trial": int(best_row.trial), "best_distance": float(best_row.loss),
                   "default_distance": default_loss, "folder": str(folder)},
        "validation": {"seeds": list(range(settings.validate_seeds)),
                       "overrides": list(overrides), "distance": distance(summary)},
        "claims": claims,
        "targets": {r["target"]: {"mean": r["mean"], "sd": r["sd"], "lo": r["lo"],
                                  "hi": r["hi"], "pass": bool(r["pass"])}
                    for r in summary.to_dict("records")},
    }
    fit_path = config_dir / f"{name}.fit.json"
    fit_path.write_text(json.dumps(finite(fit), indent=1) + "\n")
    return Calibration(config, fit_path, best, float(best_row.loss), default_loss, summary,
                       claims, trials)


def finite(obj: Any) -> Any:
    """JSON-safe copy: infinities and NaN as strings, numpy scalars as Python ones."""
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [finite(v) for v in obj]
    if isinstance(obj, (float, np.floating)):
        v = float(obj)
        return v if np.isfinite(v) else str(v)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj
