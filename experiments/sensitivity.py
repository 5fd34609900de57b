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

Keys: ``method`` (sobol|morris), ``n`` (Sobol base sample, a power of 2; Morris trajectories),
``replicates``, ``first_seed``, ``outcomes`` (comma list of names in
``study.uncertainty.OUTCOMES``),
``uncertainty`` (config name or YAML path), ``levers`` (true: sample levers too), ``factors``
(comma list: only these), ``sample_seed``, ``num_levels`` (Morris), ``conf_level``,
``resamples`` (bootstrap), ``name`` (output folder name), ``out`` (folder root), ``quiet``.
Anything else (``model.n_developers=2000``, ``scenario=...``, ``hydra.launcher.n_jobs=2``) is
passed to every job as a Hydra override.

Writes into ``outputs/sensitivity/<name>/``: ``samples.csv``, ``jobs.json``, one folder per
sample (``s<sample>``, its replicates in ``seed=<k>`` subfolders), ``outcomes.csv`` (per sample
and replicate), ``indices.csv``, ``noise.csv`` and ``sensitivity.png``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from experiments.command import command_main
from experiments.sweep.collection import find_runs
from experiments.sweep.outputs import RESULTS
from study.uncertainty import (DEFAULT_OUTCOMES, OUTCOMES, Factor, job_overrides, load_space,
                             outcome_metrics, outcome_table, salib_problem, unit_to_values)
from sim.validate import ConfigError

ROOT = Path(__file__).resolve().parents[1]
OUT_ROOT = ROOT / "outputs"
#: Top-level config keys (and groups) a command may pass on to the jobs as Hydra overrides.
PASS_THROUGH = ("model", "developers", "lab_behaviour", "capability", "chips", "market", "labs",
                "governments", "events", "scenario", "output", "hydra")


# ----------------------------------------------------------------------------- command line
def parse_kv(argv: Sequence[str], defaults: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Split ``key=value`` arguments into the command's options and Hydra overrides for the jobs.

    Options are the keys of ``defaults`` (values converted to the default's type); keys with a
    dot, a slash or a ``+``/``~`` prefix, and the config's top-level keys, are Hydra overrides.

    Raises:
        ConfigError: an argument that is neither (naming the command's keys).
    """
    opts, overrides = dict(defaults), []
    for arg in argv:
        key, eq, value = arg.partition("=")
        if key in defaults and eq:
            opts[key] = _convert(key, value, defaults[key])
        elif eq and (key.startswith(("+", "~")) or "/" in key or "." in key
                     or key in PASS_THROUGH):
            overrides.append(arg)
        else:
            raise ConfigError(key, value if eq else arg,
                              "key=value with a key of " + ", ".join(defaults)
                              + ", or a Hydra override of the jobs (model.n_developers=2000, "
                                "scenario=..., hydra/launcher=...)")
    return opts, overrides


def _convert(key: str, value: str, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(value)
            return value.lower() in ("true", "1", "yes")
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
    except ValueError:
        raise ConfigError(key, value, f"a {type(default).__name__}") from None
    return value


def names_list(text: str) -> list[str]:
    """A comma-separated option as a list (empty string -> empty list)."""
    return [t.strip() for t in str(text).split(",") if t.strip()]


def check_outcomes(names: Sequence[str]) -> list[str]:
    """Raise ConfigError for an unknown outcome name; return the names."""
    for name in names:
        if name not in OUTCOMES:
            raise ConfigError("outcomes", name, ", ".join(OUTCOMES))
    return list(names)


def folder_name(prefix: str, opts: dict[str, Any], overrides: Sequence[str]) -> str:
    """Output folder fixed by the command's arguments, so the same command resumes there."""
    keep = {k: v for k, v in opts.items() if k not in ("name", "out", "quiet")}
    text = json.dumps([keep, sorted(overrides)], sort_keys=True, default=str)
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:10]}"


def check_no_conflict(factors: Sequence[Factor], overrides: Sequence[str]) -> None:
    """Raise ConfigError if a sampled factor is also fixed on the command line."""
    fixed = {o.split("=", 1)[0].lstrip("+~") for o in overrides}
    for f in factors:
        if f.path in fixed:
            raise ConfigError(f.path, "set on the command line",
                              f"not a sampled factor ({f.name}); drop it or use factors=...")


# ----------------------------------------------------------------------------- running
@dataclass
class SampleRun:
    """Where a set of samples ran and what they gave."""

    out_dir: Path
    samples: pd.DataFrame  # one row per sample: factor values
    outcomes: pd.DataFrame  # one row per (sample, replicate): outcome values
    n_jobs: int = 0
    extra: dict = field(default_factory=dict)


def job_name(sample: int) -> str:
    """Folder name of one sample's job (its seeds run in ``seed=<k>`` subfolders if several)."""
    return f"s{sample:05d}"


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
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"jobs": jobs}, indent=0))
    os.replace(tmp, path)
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
    # the sweeper plugin lives in the repository's hydra_plugins/ namespace folder
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    res = subprocess.run(cmd, cwd=ROOT, env=env, text=True,
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
    return SampleRun(out_dir, samples, result[keep].reset_index(drop=True),
                     n_jobs=len(samples) * replicates)


# ----------------------------------------------------------------------------- analysis
def design(method: str, factors: Sequence[Factor], n: int, seed: int = 0,
           num_levels: int = 4) -> np.ndarray:
    """Sample points of the unit hypercube with SALib (rows: samples)."""
    problem = salib_problem(factors)
    if method == "sobol":
        from SALib.sample import sobol
        return sobol.sample(problem, n, calc_second_order=False, seed=seed)
    if method == "morris":
        from SALib.sample import morris
        return morris.sample(problem, n, num_levels=num_levels, seed=seed)
    raise ConfigError("method", method, "sobol, morris")


def seed_noise(outcomes: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """Per outcome: how much of the run-to-run variance is seed noise rather than parameters.

    With ``R`` replicates per sample, the noise variance ``E[Var(Y | x)]`` is the mean variance
    within samples, and the parameter variance ``Var(E[Y | x])`` the variance of the sample means
    less the noise left in them (``noise / R``, floored at 0). ``noise_share`` is the noise
    variance over their sum: 0 when the seed does not matter, 1 when the parameters do not.
    Needs at least two replicates (NaN otherwise).
    """
    rows = []
    for name in names:
        y = outcomes[["sample", name]].dropna()
        groups = y.groupby("sample")[name]
        reps = float(groups.size().mean()) if len(y) else 0.0
        noise_var = float(groups.var(ddof=1).mean()) if reps >= 2 else float("nan")
        means = groups.mean()
        param_var = max(float(means.var(ddof=1)) - noise_var / reps, 0.0) \
            if len(means) > 1 and reps >= 2 else float("nan")
        total = noise_var + param_var
        rows.append({"outcome": name, "runs": len(y), "param_sd": np.sqrt(param_var),
                     "noise_sd": np.sqrt(noise_var),
                     "noise_share": noise_var / total if total > 0 else float("nan")})
    return pd.DataFrame(rows)


def analyse(method: str, unit: np.ndarray, factors: Sequence[Factor], outcomes: pd.DataFrame,
            names: Sequence[str], conf_level: float = 0.95, resamples: int = 200,
            seed: int = 0, num_levels: int = 4) -> pd.DataFrame:
    """Sensitivity indices of each outcome (replicate means) with confidence intervals.

    Returns:
        Tidy rows ``method, outcome, factor, kind, index, value, conf``; Sobol gives ``S1`` and
        ``ST``, Morris ``mu_star`` (with conf), ``mu`` and ``sigma`` (in outcome units per unit
        of the factor's range).
    """
    problem = salib_problem(factors)
    means = outcomes.groupby("sample")[list(names)].mean().reindex(range(len(unit)))
    kinds = {f.name: f.kind + (" (control)" if f.control else "") for f in factors}
    rows = []
    for name in names:
        y = means[name].to_numpy(dtype=float)
        if np.isnan(y).any():
            print(f"warning: {name}: {int(np.isnan(y).sum())} samples without a value "
                  "(skipped)", file=sys.stderr)
            continue
        if method == "sobol":
            from SALib.analyze import sobol
            res = sobol.analyze(problem, y, calc_second_order=False, num_resamples=resamples,
                                conf_level=conf_level, seed=seed)
            pairs = [("S1", "S1", "S1_conf"), ("ST", "ST", "ST_conf")]
        else:
            from SALib.analyze import morris
            res = morris.analyze(problem, unit, y, num_resamples=resamples,
                                 conf_level=conf_level, num_levels=num_levels, seed=seed)
            pairs = [("mu_star", "mu_star", "mu_star_conf"), ("mu", "mu", None),
                     ("sigma", "sigma", None)]
        for j, f in enumerate(factors):
            for label, key, conf in pairs:
                rows.append({"method": method, "outcome": name, "factor": f.name,
                             "kind": kinds[f.name], "index": label,
                             "value": float(np.asarray(res[key])[j]),
                             "conf": float(np.asarray(res[conf])[j]) if conf else np.nan})
    return pd.DataFrame(rows, columns=["method", "outcome", "factor", "kind", "index", "value",
                                       "conf"])


def index_table(indices: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """One outcome's indices as text, factors sorted by total (or mu*) effect."""
    sel = indices[indices.outcome == outcome]
    main = "ST" if "ST" in set(sel["index"]) else "mu_star"
    order = sel[sel["index"] == main].sort_values("value", ascending=False).factor.tolist()
    cells = {}
    for r in sel.itertuples():
        text = f"{r.value:.3f}" + (f" ± {r.conf:.3f}" if np.isfinite(r.conf) else "")
        cells.setdefault(r.factor, {})[r.index] = text
    return pd.DataFrame.from_dict(cells, orient="index").loc[order]


def plot_indices(indices: pd.DataFrame, noise: pd.DataFrame, path: Path,
                 labels: dict[str, str] | None = None) -> Path:
    """Bar chart: per outcome, each factor's indices with confidence bars, plus seed noise."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    outcomes = list(dict.fromkeys(indices.outcome))
    method = indices.method.iloc[0] if len(indices) else "sobol"
    pairs = [("S1", "first order"), ("ST", "total")] if method == "sobol" else \
        [("mu_star", "mu* (mean |elementary effect|)"), ("sigma", "sigma (interactions)")]
    nf = indices.factor.nunique() if len(indices) else 1
    fig, axes = plt.subplots(1, max(len(outcomes), 1), figsize=(4.2 * max(len(outcomes), 1),
                                                                   0.32 * nf + 2.2),
                             squeeze=False, sharey=True)
    order = None
    for ax, name in zip(axes[0], outcomes, strict=False):
        sel = indices[indices.outcome == name]
        if order is None:
            main = sel[sel["index"] == pairs[1 if method == "sobol" else 0][0]]
            order = main.sort_values("value").factor.tolist()
        y = np.arange(len(order))
        for k, (idx, lab) in enumerate(pairs):
            part = sel[sel["index"] == idx].set_index("factor").reindex(order)
            err = part["conf"].to_numpy() if part["conf"].notna().any() else None
            ax.barh(y + (k - 0.5) * 0.38, part["value"].to_numpy(), height=0.38, xerr=err,
                    label=lab, capsize=2, color=["tab:blue", "tab:orange"][k])
        row = noise[noise.outcome == name]
        title = (labels or {}).get(name, name)
        if method == "sobol" and len(row) and np.isfinite(row.noise_share.iloc[0]):
            share = float(row.noise_share.iloc[0])
            ax.axvline(share, color="grey", ls="--", lw=1)
            title += f"\nseed noise: {share:.0%} of the variance (dashed line)"
        elif len(row) and np.isfinite(row.noise_sd.iloc[0]):
            title += f"\nseed noise sd: {row.noise_sd.iloc[0]:.3g}"
        ax.set_title(title, fontsize=8)
        ax.set_yticks(y, order, fontsize=7)
        ax.axvline(0, color="black", lw=0.5)
    axes[0][0].legend(fontsize=7, loc="lower right")
    if method == "sobol":
        for ax in axes[0]:
            lo, hi = ax.get_xlim()
            ax.set_xlim(max(lo, -0.5), min(max(hi, 1.05), 1.5))
    fig.suptitle(f"Global sensitivity ({method}): bars are estimates, whiskers their "
                 f"bootstrap confidence intervals", fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


DEFAULTS: dict[str, Any] = {
    "method": "sobol", "n": 64, "replicates": 2, "first_seed": 0,
    "outcomes": ",".join(DEFAULT_OUTCOMES), "uncertainty": "default", "levers": False,
    "factors": "", "sample_seed": 0, "num_levels": 4, "conf_level": 0.95, "resamples": 200,
    "name": "", "out": "", "quiet": False,
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
    if method not in ("sobol", "morris"):
        raise ConfigError("method", method, "sobol, morris")
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
    run = run_samples(samples, factors, out_dir, overrides, opts["replicates"],
                      opts["first_seed"], names, quiet=opts["quiet"])
    run.outcomes.to_csv(out_dir / "outcomes.csv", index=False)
    indices = analyse(method, unit, factors, run.outcomes, names, opts["conf_level"],
                      opts["resamples"], opts["sample_seed"], opts["num_levels"])
    noise = seed_noise(run.outcomes, names)
    indices.to_csv(out_dir / "indices.csv", index=False)
    noise.to_csv(out_dir / "noise.csv", index=False)
    figure = plot_indices(indices, noise, out_dir / "sensitivity.png",
                          {n: OUTCOMES[n].label for n in names}) if len(indices) else None
    return SensitivityResult(out_dir, indices, noise, run.outcomes, figure, len(run.outcomes))


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
