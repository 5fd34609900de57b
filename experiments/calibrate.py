"""Calibrate the uncertain parameters to the observed 2024-2025 patterns (Optuna).

    python -m experiments.calibrate                       # 160 trials, 4 seeds each
    python -m experiments.calibrate trials=400 batch=32 sampler=tpe
    python -m experiments.adopt_calibration               # make the result the defaults

Searches the declared uncertain parameters (``configs/uncertainty/default.yaml``, without the
policy levers, which are the 2025 policies, and without control parameters) for the values that
minimise the distance to the targets of ``study.calibration_targets`` (each seed-averaged
target's deviation from its point value, in units of its tolerance). Trials are asked from an
Optuna study in batches; each batch runs ``seeds`` seeds per trial for 2025 (12 months) through
the sweep machinery (``experiments.sweep.samples.run_samples``: one multirun of
``experiments.run``), so any Hydra launcher works and a re-run of the same command resumes. The
default parameter values are the first trial, so the result is never worse than the default on
the search seeds.

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

import sys
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from experiments.cli import OUT_ROOT, command_main, folder_name, names_list, parse_kv
from experiments.sweep.samples import run_samples
from sim.validate import ConfigError
from study.calibration import (CALIBRATION_DIR, TARGET_NAMES, Calibration, Settings,
                               best_parameters, measure_table, save, search)
from study.calibration_targets import HORIZON_MONTHS, TARGET_METRICS, summarise
from study.uncertainty import Factor, load_space

DEFAULTS: dict[str, Any] = {
    "trials": 160, "batch": 16, "seeds": 4, "validate_seeds": 10, "sampler": "tpe",
    "search_seed": 0, "uncertainty": "default", "factors": "", "name": "calibrated",
    "config_dir": "", "out": "", "quiet": False,
}


def evaluate(samples: pd.DataFrame, factors: Sequence[Factor], out_dir: Path,
             overrides: Sequence[str], seeds: int, quiet: bool) -> pd.DataFrame:
    """Run each sample on ``seeds`` seeds for 2025 and measure every target per run."""
    run = run_samples(samples, factors, out_dir, overrides, replicates=seeds, first_seed=0,
                      outcomes=TARGET_NAMES, quiet=quiet, measure=measure_table,
                      metrics=TARGET_METRICS)
    return run.outcomes


def _options(argv: Sequence[str]) -> tuple[dict[str, Any], list[str]]:
    """Parse and check the arguments; the overrides run 2025 at least (the targets' year)."""
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
    return opts, overrides


def calibrate(argv: Sequence[str]) -> Calibration:
    """Run the calibration for ``key=value`` arguments (see the module doc)."""
    opts, overrides = _options(argv)
    space = load_space(opts["uncertainty"])
    factors = space.factors(levers=False, controls=False,
                            names=names_list(opts["factors"]) or None)
    if not factors:
        raise ConfigError("factors", opts["factors"], "at least one uncertain parameter")
    design = {k: v for k, v in opts.items() if k not in ("validate_seeds", "config_dir", "name")}
    out_dir = Path(opts["out"] or OUT_ROOT / "calibrate") / folder_name("fit", design, overrides)
    settings = Settings(opts["trials"], opts["batch"], opts["seeds"], opts["validate_seeds"],
                        opts["sampler"], opts["search_seed"])
    print(f"calibration: {opts['trials']} trials x {opts['seeds']} seeds over {len(factors)} "
          f"parameters in {out_dir}", flush=True)
    trials = search(factors, lambda samples, k: evaluate(
        samples, factors, out_dir / f"batch{k:03d}", overrides, opts["seeds"], opts["quiet"]),
        settings, progress=lambda line: print(line, flush=True))
    trials.to_csv(out_dir / "trials.csv", index=False)
    # validation: the best set on more seeds
    values = evaluate(pd.DataFrame([best_parameters(trials, factors)]), factors,
                      out_dir / "validation", overrides, opts["validate_seeds"], opts["quiet"])
    return save(Path(opts["config_dir"] or CALIBRATION_DIR), opts["name"],
                "python -m experiments.calibrate " + " ".join(argv), factors, trials,
                summarise(values), settings, out_dir, overrides)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m experiments.calibrate [trials=...] [seeds=...] ...``."""
    return command_main(argv, __doc__, calibrate, lambda r: r.describe())


if __name__ == "__main__":
    sys.exit(main())
