"""Global sensitivity analysis: which uncertain parameters drive the outcomes (SALib).

    python -m experiments.sensitivity method=sobol n=64
    python -m experiments.sensitivity method=morris n=20 replicates=3 model.n_developers=2000
    python -m experiments.sensitivity method=sobol n=128 hydra/launcher=ray   # any launcher

The declared uncertain parameters (``configs/uncertainty/default.yaml``; ``levers=true`` adds the
policy levers) are sampled with SALib (Saltelli/Sobol' or Morris trajectories). Every sample is
run ``replicates`` times with seeds ``first_seed, first_seed + 1, ...`` (the same seeds for every
sample: common random numbers; one job per sample running its seeds with ``seeds_per_job``) as
one Hydra multirun of ``experiments.run`` through the ``samples`` sweeper
(``hydra_plugins/openmarket_samples``), so the configured launcher (joblib by default, Ray or
SLURM) runs them, results are written atomically and a re-run of the same
command skips finished jobs. The outcomes (final month) are averaged over replicates and
analysed; how much of the outcome variance is seed noise rather than parameter effects is
reported separately.

With ``effect_of=<scenario>`` the analysis is of that scenario's *effect*: every sample runs
twice with the same seeds, as the baseline (or the ``scenario=`` given) and with the scenario
composed on top, and the outcome of each run is the paired difference (scenario minus
baseline). Which parameters decide the size of an answer, and its sign (Morris ``mu`` is the
mean signed effect of a factor; a factor whose ``mu`` is large against the mean effect can
flip it):

    python -m experiments.sensitivity method=morris n=8 effect_of=us_tightens_controls \
        outcomes=cn_openness

Keys: ``method`` (sobol|morris), ``n`` (Sobol base sample, a power of 2; Morris trajectories),
``replicates``, ``first_seed``, ``outcomes`` (comma list of names in
``study.uncertainty.OUTCOMES``),
``uncertainty`` (config name or YAML path), ``levers`` (true: sample levers too), ``factors``
(comma list: only these), ``sample_seed``, ``num_levels`` (Morris), ``conf_level``,
``resamples`` (bootstrap), ``effect_of`` (a scenario: analyse its paired effect), ``name``
(output folder name), ``out`` (folder root), ``quiet``.
Anything else (``model.n_developers=2000``, ``scenario=...``, ``hydra.launcher.n_jobs=2``) is
passed to every job as a Hydra override.

Writes into ``outputs/sensitivity/<name>/``: ``samples.csv``, ``jobs.json``, one folder per
sample (``s<sample>``, its replicates in ``seed=<k>`` subfolders), ``outcomes.csv`` (per sample
and replicate), ``indices.csv``, ``noise.csv`` and ``sensitivity.png``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from experiments.cli import OUT_ROOT, check_outcomes, command_main, folder_name, names_list, \
    parse_kv
from experiments.sweep.samples import run_samples
from sim.validate import ConfigError
from study.figures.sensitivity import plot_indices
from study.sensitivity import METHODS, analyse, convergence_problems, convergence_warnings, \
    design, index_table, seed_noise
from study.uncertainty import DEFAULT_OUTCOMES, OUTCOMES, load_space, unit_to_values

DEFAULTS: dict[str, Any] = {
    "method": "sobol", "n": 64, "replicates": 2, "first_seed": 0,
    "outcomes": ",".join(DEFAULT_OUTCOMES), "uncertainty": "default", "levers": False,
    "factors": "", "sample_seed": 0, "num_levels": 4, "conf_level": 0.95, "resamples": 200,
    "effect_of": "", "name": "", "out": "", "quiet": False,
}


@dataclass
class SensitivityResult:
    """What :func:`sensitivity` computed and wrote."""

    out_dir: Path
    indices: pd.DataFrame
    noise: pd.DataFrame
    outcomes: pd.DataFrame
    figure: Path | None
    n_runs: int


def sensitivity(argv: Sequence[str]) -> SensitivityResult:
    """Run the analysis for command-line arguments ``key=value ...`` (see the module doc)."""
    opts, overrides = parse_kv(argv, DEFAULTS)
    method = opts["method"]
    if method not in METHODS:
        raise ConfigError("method", method, ", ".join(METHODS))
    if opts["n"] < 2 or opts["replicates"] < 1:
        raise ConfigError("n", opts["n"], "n >= 2 and replicates >= 1")
    names = check_outcomes(names_list(opts["outcomes"]))
    space = load_space(opts["uncertainty"])
    factors = space.factors(levers=opts["levers"], names=names_list(opts["factors"]) or None)
    unit = design(method, factors, opts["n"], opts["sample_seed"], opts["num_levels"])
    samples = unit_to_values(unit, factors)
    name = opts["name"] or folder_name(method, opts, overrides)
    out_dir = Path(opts["out"] or OUT_ROOT / "sensitivity") / name
    print(f"sensitivity ({method}): {len(samples)} samples x {opts['replicates']} replicates "
          f"= {len(samples) * opts['replicates']} runs in {out_dir}", flush=True)
    if opts["effect_of"]:
        outcomes = scenario_effect(samples, factors, out_dir, overrides, opts, names)
    else:
        outcomes = run_samples(samples, factors, out_dir, overrides, opts["replicates"],
                               opts["first_seed"], names, quiet=opts["quiet"]).outcomes
    outcomes.to_csv(out_dir / "outcomes.csv", index=False)
    indices = analyse(method, unit, factors, outcomes, names, opts["conf_level"],
                      opts["resamples"], opts["sample_seed"], opts["num_levels"])
    noise = seed_noise(outcomes, names)
    indices.to_csv(out_dir / "indices.csv", index=False)
    noise.to_csv(out_dir / "noise.csv", index=False)
    problems = convergence_problems(indices)
    for line in convergence_warnings(problems, opts["n"]):
        print(line, file=sys.stderr, flush=True)
    figure = plot_indices(indices, noise, out_dir / "sensitivity.png",
                          {n: OUTCOMES[n].label for n in names}, factors,
                          problems) if len(indices) else None
    return SensitivityResult(out_dir, indices, noise, outcomes, figure, len(outcomes))


def scenario_effect(samples: pd.DataFrame, factors, out_dir: Path, overrides: Sequence[str],
                    opts: dict[str, Any], names: Sequence[str]) -> pd.DataFrame:
    """Per sample and replicate, the paired effect of ``opts["effect_of"]`` on each outcome.

    Runs the samples twice with the same seeds (common random numbers), in ``out_dir/base``
    and in ``out_dir/<scenario>`` with the scenario composed after any ``scenario=`` override,
    and returns scenario minus base, in the columns :func:`run_samples` returns.
    """
    scenario = opts["effect_of"]
    base_parts = [o.split("=", 1)[1].strip("[]") for o in overrides if o.startswith("scenario=")]
    rest = [o for o in overrides if not o.startswith("scenario=")]
    parts = [p for p in ",".join(base_parts).split(",") if p and p != "baseline"]
    with_it = [*rest, f"scenario=[{','.join([*parts, scenario])}]"]
    runs = {}
    for label, jobs in (("base", overrides), (scenario, with_it)):
        runs[label] = run_samples(samples, factors, out_dir / label, jobs, opts["replicates"],
                                  opts["first_seed"], names, quiet=opts["quiet"]).outcomes
    # pair runs by sample and seed (a run's id names its scenario, so it differs)
    keys = [c for c in runs["base"].columns if c not in names and c != "run_id"]
    merged = runs["base"].drop(columns="run_id", errors="ignore").merge(
        runs[scenario].drop(columns="run_id", errors="ignore"), on=keys, suffixes=("_base", ""))
    for name in names:
        merged[name] = merged[name] - merged[f"{name}_base"]
    return merged[keys + list(names)]


def report(result: SensitivityResult) -> str:
    """Text summary for the terminal."""
    lines = [f"{result.n_runs} runs in {result.out_dir}"]
    for name in dict.fromkeys(result.indices.outcome):
        lines.append(f"\n{OUTCOMES[name].label} ({OUTCOMES[name].unit})")
        with pd.option_context("display.width", 200):
            lines.append(index_table(result.indices, name).to_string())
    lines.append("\nseed noise (share of run-to-run variance within samples):")
    lines.append(result.noise.to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    if result.figure:
        lines.append(f"\nfigure: {result.figure}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m experiments.sensitivity method=sobol n=64 ...``."""
    return command_main(argv, __doc__, sensitivity, report)


if __name__ == "__main__":
    sys.exit(main())
