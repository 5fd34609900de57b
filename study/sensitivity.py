"""Global sensitivity analysis with SALib: the design, the indices and the seed noise.

The design samples the unit hypercube of the declared factors (:mod:`study.uncertainty`): the
Saltelli scheme for Sobol' indices, or Morris trajectories. Each sample is run with several
seeds (common random numbers: the same seeds for every sample), and :func:`analyse` computes
the indices of the replicate means; :func:`seed_noise` says how much of the run-to-run
variance is seed noise rather than parameter effects. ``python -m experiments.sensitivity``
runs the samples.
"""

from __future__ import annotations

import sys
from typing import Sequence

import numpy as np
import pandas as pd

from sim.validate import ConfigError
from study.uncertainty import Factor, salib_problem

METHODS = ("sobol", "morris")


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


#: Confidence half-width (on the 0-1 scale of Sobol' indices) above which an index is too
#: uncertain to read: the sample is too small.
MAX_CONF = 0.1


def convergence_problems(indices: pd.DataFrame, max_conf: float = MAX_CONF) -> pd.DataFrame:
    """Sobol' indices that have not converged: outside [0, 1] beyond their interval, or vague.

    A variance share lies in [0, 1]; an estimate outside it by more than its confidence
    half-width, or a half-width above ``max_conf``, means the base sample ``n`` is too small.

    Args:
        indices: rows of :func:`analyse` (``outcome, factor, index, value, conf``); Morris rows
            are ignored.
        max_conf: the largest acceptable confidence half-width.

    Returns:
        One row per problem: ``outcome, factor, index, value, conf, problem``, where
        ``problem`` is ``"S1 < 0"``, ``"ST > 1"`` (and so on) or ``"S1 interval wider than ± 0.1"``.
    """
    rows = []
    sobol = indices[indices["index"].isin(["S1", "ST"])]
    for r in sobol.itertuples():
        conf = r.conf if np.isfinite(r.conf) else 0.0
        if r.value < -conf:
            problem = f"{r.index} < 0"
        elif r.value > 1 + conf:
            problem = f"{r.index} > 1"
        elif conf > max_conf:
            problem = f"{r.index} interval wider than ± {max_conf:g}"
        else:
            continue
        rows.append({"outcome": r.outcome, "factor": r.factor, "index": r.index,
                     "value": r.value, "conf": r.conf, "problem": problem})
    return pd.DataFrame(rows, columns=["outcome", "factor", "index", "value", "conf", "problem"])


def convergence_note(problems: pd.DataFrame, outcome: str,
                     names: dict[str, str] | None = None) -> str:
    """The problems of one outcome in words ("" if none), e.g. ``S1 < 0 for a, b; ...``.

    Args:
        problems: rows of :func:`convergence_problems`.
        outcome: the outcome's name.
        names: a name in words per factor (default: the factor's name).
    """
    sel = problems[problems.outcome == outcome]
    return "; ".join(f"{problem} for {', '.join((names or {}).get(f, f) for f in rows.factor)}"
                     for problem, rows in sel.groupby("problem", sort=False))


def convergence_warnings(problems: pd.DataFrame, n: int) -> list[str]:
    """One warning line per outcome with unconverged indices, suggesting a larger ``n``.

    Args:
        problems: rows of :func:`convergence_problems`.
        n: the Sobol' base sample of the analysis (intervals shrink as ``1 / sqrt(n)``, so
            four times the sample halves them).
    """
    return [f"warning: Sobol' indices of {outcome} not converged at n={n}: "
            f"{convergence_note(problems, outcome)}; use a larger n (e.g. n={4 * n})"
            for outcome in dict.fromkeys(problems.outcome)]
