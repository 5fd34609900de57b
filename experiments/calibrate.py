"""Calibrate the uncertain parameters to the observed 2024-2025 patterns (Optuna).

    python -m experiments.calibrate                       # 160 trials, 4 seeds each
    python -m experiments.calibrate trials=400 batch=32 sampler=tpe
    python -m experiments.run calibration=calibrated      # use the result (see select_override)

Searches the declared uncertain parameters (``configs/uncertainty/default.yaml``, without the
policy levers, which are the 2025 policies, and without control parameters) for the values that
minimise the distance to the targets of ``study.calibration_targets`` (each seed-averaged target's
deviation from its point value, in units of its tolerance). Trials are asked from an Optuna
study in batches; each batch runs ``seeds`` seeds per trial for 2025 (12 months) through the
sweep machinery (``experiments.sensitivity.run_samples``: one multirun of ``experiments.run``),
so any Hydra launcher works and a re-run of the same command resumes. The default parameter
values are the first trial, so the result is never worse than the default on the search seeds.

The best trial is then re-run on ``validate_seeds`` seeds and written as a config users can
select, ``configs/calibration/<name>.yaml`` (a ``# @package _global_`` file setting the
parameters), with ``<name>.fit.json`` beside it: the search, the targets' values on the
validation seeds, and the targets the config *claims* (those it reproduces there), which the
test suite checks stay within tolerance.

Keys: ``trials``, ``batch``, ``seeds``, ``validate_seeds``, ``sampler`` (tpe|random|qmc),
``search_seed``, ``uncertainty``, ``factors``, ``name``, ``config_dir``, ``out``, ``quiet``;
anything else is a Hydra override of every job (e.g. ``model.n_developers=4000``).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
import yaml

from experiments.cli import OUT_ROOT, ROOT, command_main, folder_name, names_list, parse_kv
from experiments.sweep.samples import run_samples
from study.calibration_targets import (HORIZON_MONTHS, TARGET_METRICS, TARGETS, distance,
                                     measure_run, summarise)
from study.uncertainty import Factor, load_space
from sim.validate import ConfigError

CALIBRATION_DIR = ROOT / "configs" / "calibration"
DEFAULTS: dict[str, Any] = {
    "trials": 160, "batch": 16, "seeds": 4, "validate_seeds": 10, "sampler": "tpe",
    "search_seed": 0, "uncertainty": "default", "factors": "", "name": "calibrated",
    "config_dir": "", "out": "", "quiet": False,
}
TARGET_NAMES = [t.name for t in TARGETS]


def select_override(name: str) -> str:
    """The Hydra override that selects calibration config ``name``.

    ``calibration=<name>`` if ``configs/config.yaml`` lists the group in its defaults
    (``- calibration: null``), else ``+calibration=<name>`` (appending it).
    """
    data = yaml.safe_load((ROOT / "configs" / "config.yaml").read_text()) or {}
    listed = any(isinstance(d, dict) and "calibration" in d for d in data.get("defaults", []))
    return f"{'' if listed else '+'}calibration={name}"


def measure_table(table: pd.DataFrame) -> pd.DataFrame:
    """One run's target measurements as a one-row frame (for ``run_samples``)."""
    run_id = table.run_id.iloc[0] if len(table) else ""
    return pd.DataFrame([{"run_id": run_id, **measure_run(table)}])


def evaluate(samples: pd.DataFrame, factors: Sequence[Factor], out_dir: Path,
             overrides: Sequence[str], seeds: int, quiet: bool) -> pd.DataFrame:
    """Run each sample on ``seeds`` seeds for 2025 and measure every target per run."""
    run = run_samples(samples, factors, out_dir, overrides, replicates=seeds, first_seed=0,
                      outcomes=TARGET_NAMES, quiet=quiet, measure=measure_table,
                      metrics=TARGET_METRICS)
    return run.outcomes


def sample_loss(values: pd.DataFrame) -> tuple[float, pd.DataFrame]:
    """Distance to the targets of one sample's runs, and its per-target summary."""
    summary = summarise(values)
    return distance(summary), summary


def _distributions(factors: Sequence[Factor]) -> dict:
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


def _value(f: Factor, v: Any) -> Any:
    """A trial value as it is run: rounded exactly as written into the job's override."""
    text = f.format(v)
    return int(text) if f.integer else float(text)


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


@dataclass
class Calibration:
    """Result of :func:`calibrate`."""

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


def write_config(path: Path, factors: Sequence[Factor], best: dict[str, Any],
                 header: list[str]) -> Path:
    """Write the calibrated parameter set as a Hydra config (``# @package _global_``)."""
    values = {f.path: best[f.name] for f in factors}
    body = yaml.safe_dump(nested(values), sort_keys=True, default_flow_style=False)
    lines = ["# @package _global_", *[f"# {h}" if h else "#" for h in header], body]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text("\n".join(lines))
    tmp.replace(path)
    return path


def calibrate(argv: Sequence[str]) -> Calibration:
    """Run the calibration for ``key=value`` arguments (see the module doc)."""
    import optuna
    opts, overrides = parse_kv(argv, DEFAULTS)
    if opts["trials"] < 1 or opts["batch"] < 1 or opts["seeds"] < 1 \
            or opts["validate_seeds"] < 1:
        raise ConfigError("trials", opts["trials"], "trials, batch, seeds, validate_seeds >= 1")
    if not str(opts["name"]).replace("_", "").replace("-", "").isalnum():
        raise ConfigError("name", opts["name"], "a plain config name (letters, digits, _ -)")
    horizon = [o for o in overrides if o.startswith("model.horizon_months=")]
    if horizon and int(horizon[-1].split("=", 1)[1]) < HORIZON_MONTHS:
        raise ConfigError("model.horizon_months", horizon[-1].split("=", 1)[1],
                          f">= {HORIZON_MONTHS} (the targets are 2025 patterns)")
    if not horizon:
        overrides = [*overrides, f"model.horizon_months={HORIZON_MONTHS}"]
    space = load_space(opts["uncertainty"])
    factors = space.factors(levers=False, controls=False,
                            names=names_list(opts["factors"]) or None)
    if not factors:
        raise ConfigError("factors", opts["factors"], "at least one uncertain parameter")
    design = {k: v for k, v in opts.items() if k not in ("validate_seeds", "config_dir", "name")}
    out_dir = Path(opts["out"] or OUT_ROOT / "calibrate") / folder_name("fit", design, overrides)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="minimize",
                                sampler=make_sampler(opts["sampler"], opts["search_seed"],
                                                     opts["batch"]))
    dists = _distributions(factors)
    defaults = {f.name: min(max(f.default, f.lo), f.hi) for f in factors}
    study.enqueue_trial(defaults)
    records, n_done, k = [], 0, 0
    print(f"calibration: {opts['trials']} trials x {opts['seeds']} seeds over {len(factors)} "
          f"parameters in {out_dir}", flush=True)
    while n_done < opts["trials"]:
        size = min(opts["batch"], opts["trials"] - n_done)
        asked = [study.ask(dists) for _ in range(size)]
        samples = pd.DataFrame([{f.name: _value(f, t.params[f.name]) for f in factors}
                                for t in asked])
        values = evaluate(samples, factors, out_dir / f"batch{k:03d}", overrides,
                          opts["seeds"], opts["quiet"])
        for i, trial in enumerate(asked):
            loss, summary = sample_loss(values[values["sample"] == i])
            study.tell(trial, loss)
            records.append({"trial": trial.number, "loss": loss, **samples.iloc[i].to_dict(),
                            **{f"mean_{r.target}": r.mean for r in summary.itertuples()},
                            "passes": int(summary["pass"].sum())})
        n_done += size
        k += 1
        best = min(records, key=lambda r: r["loss"])
        print(f"  {n_done}/{opts['trials']} trials, best distance {best['loss']:.3f} "
              f"({best['passes']}/{len(TARGETS)} targets in tolerance)", flush=True)
    trials = pd.DataFrame(records)
    trials.to_csv(out_dir / "trials.csv", index=False)
    best_row = trials.loc[trials.loss.idxmin()]
    best = {f.name: _value(f, best_row[f.name]) for f in factors}
    default_loss = float(trials.loss.iloc[0])
    # validation: the best set on more seeds
    vsamples = pd.DataFrame([best])
    vvalues = evaluate(vsamples, factors, out_dir / "validation", overrides,
                       opts["validate_seeds"], opts["quiet"])
    summary = summarise(vvalues)
    claims = summary.loc[summary["pass"], "target"].tolist()
    config_dir = Path(opts["config_dir"] or CALIBRATION_DIR)
    name = opts["name"]
    created = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d")
    command = "python -m experiments.calibrate " + " ".join(argv)
    header = [f"Calibrated parameter set '{name}' ({created}), written by", f"  {command}",
              f"Distance to the 2024-2025 targets: {float(best_row.loss):.3f} (defaults: "
              f"{default_loss:.3f}) on {opts['seeds']} seeds;",
              f"reproduces {len(claims)}/{len(summary)} patterns on {opts['validate_seeds']} "
              f"validation seeds (claims and values: {name}.fit.json; docs/VALIDATION.md).",
              f"Select: python -m experiments.run {select_override(name)}", ""]
    config = write_config(config_dir / f"{name}.yaml", factors, best, header)
    fit = {
        "name": name, "created": created, "command": command,
        "parameters": {f.name: {"path": f.path, "value": best[f.name],
                                "default": _value(f, f.default), "range": [f.lo, f.hi]}
                       for f in factors},
        "search": {"trials": int(len(trials)), "batch": opts["batch"], "seeds": opts["seeds"],
                   "sampler": opts["sampler"], "search_seed": opts["search_seed"],
                   "best_trial": int(best_row.trial), "best_distance": float(best_row.loss),
                   "default_distance": default_loss, "folder": str(out_dir)},
        "validation": {"seeds": list(range(opts["validate_seeds"])),
                       "overrides": list(overrides),
                       "distance": distance(summary)},
        "claims": claims,
        "targets": {r["target"]: {"mean": r["mean"], "sd": r["sd"], "lo": r["lo"],
                                  "hi": r["hi"], "pass": bool(r["pass"])}
                    for r in summary.to_dict("records")},
    }
    fit_path = config_dir / f"{name}.fit.json"
    fit_path.write_text(json.dumps(_finite(fit), indent=1) + "\n")
    return Calibration(config, fit_path, best, float(best_row.loss), default_loss, summary,
                       claims, trials)


def _finite(obj: Any) -> Any:
    """JSON-safe copy: infinities and NaN as strings."""
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finite(v) for v in obj]
    if isinstance(obj, (float, np.floating)):
        v = float(obj)
        return v if np.isfinite(v) else str(v)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m experiments.calibrate [trials=...] [seeds=...] ...``."""
    return command_main(argv, __doc__, calibrate, lambda r: r.describe())


if __name__ == "__main__":
    sys.exit(main())
