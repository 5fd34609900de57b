"""Scenario comparison: outcomes per scenario across seeds, and paired effects versus baseline.

Runs with the same seed share their random streams across scenarios (common random numbers),
so the effect of a scenario is measured seed by seed against the baseline run with that seed:
``effect_k = outcome(scenario, seed k) - outcome(baseline, seed k)``. The interval of the mean
effect is a t interval over those paired differences.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
# scipy.stats is imported with the module, not lazily: no command imports this module at
# start-up, and collecting a sweep imports it in a thread while the runs are copied
# (experiments/sweep/collection.py), which a lazy import would defeat.
from scipy import stats

from study.outcomes import KEY, TABLE, select
from study.tables import dim_column

BASELINE = "baseline"
DIMS = ["metric", "region", "bloc", "lab"]

#: The key outcomes (:data:`study.outcomes.KEY`) as sweep figures draw them:
#: ``(metric, region, bloc, label, unit)``.
KEY_OUTCOMES = [o.panel for o in select(KEY)]


def checkpoint_months(horizon: int) -> list[int]:
    """Year-end months (11, 23, ...) within the horizon, plus the final month."""
    return sorted({*range(11, horizon, 12), horizon - 1})


def t_half_width(sd: np.ndarray, n: np.ndarray, level: float = 0.90) -> np.ndarray:
    """Half width of the t confidence interval of a mean (0 where fewer than two values).

    Args:
        sd: sample standard deviations (with ``ddof=1``), one per mean.
        n: numbers of values behind each mean.
        level: coverage of the interval (0.90: a 90% interval, as ``scipy.stats.t.interval``).

    Returns:
        ``t.ppf(0.5 + level / 2, n - 1) * sd / sqrt(n)``, 0 where ``n < 2``.
    """
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        quantile = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1))
        half = quantile * np.asarray(sd) / np.sqrt(n)
    return np.where(n >= 2, np.nan_to_num(half), 0.0)


def scenario_summary(df: pd.DataFrame, params: list[str] | None = None,
                     level: float = 0.90) -> pd.DataFrame:
    """Per scenario, metric (with dimensions) and month: spread across seeds and paired effect.

    Args:
        df: tidy rows of several runs (``scenario, seed, month, metric, region, bloc, lab,
            value`` plus any parameter columns), e.g. the collected table at checkpoint months.
        params: swept parameter columns; effects are paired within equal parameters.
        level: coverage of the intervals (0.90: 5th-95th percentile across seeds, and a 90%
            confidence interval of the mean paired difference).

    Returns:
        One row per (params, scenario, metric, region, bloc, lab, month) with ``n_seeds, mean,
        lo, hi`` and, where a baseline with the same seed exists, ``effect_mean, effect_lo,
        effect_hi`` (NaN for the baseline itself).
    """
    params = [p for p in (params or []) if p in df.columns]
    if df.empty:
        return _summary(df, params, level)
    # a few metrics at a time: the temporaries of grouping stay small for very large sweeps,
    # and a small sweep is summarised in one pass (each pass costs tens of milliseconds)
    batches, batch, size = [], [], 0
    for metric, rows in df.groupby("metric", observed=True, sort=False).size().items():
        if batch and size + rows > _ROWS_PER_PASS:
            batches.append(batch)
            batch, size = [], 0
        batch.append(metric)
        size += rows
    batches.append(batch)
    if len(batches) == 1:
        return _summary(df, params, level)
    return pd.concat([_summary(df[df.metric.isin(b)], params, level) for b in batches],
                     ignore_index=True)


#: Rows summarised in one grouping pass (bounds the memory of very large sweeps).
_ROWS_PER_PASS = 2_000_000


def _summary(df: pd.DataFrame, params: list[str], level: float) -> pd.DataFrame:
    keys = params + ["scenario"] + DIMS + ["month"]
    q = (1 - level) / 2
    grouped = df.groupby(keys, sort=True, observed=True).value
    out = grouped.agg(n_seeds="count", mean="mean").reset_index()
    out["lo"] = grouped.quantile(q).to_numpy()
    out["hi"] = grouped.quantile(1 - q).to_numpy()
    base = df[df.scenario == BASELINE]
    if base.empty:
        return out.assign(effect_mean=np.nan, effect_lo=np.nan, effect_hi=np.nan)
    pair_keys = params + DIMS + ["month", "seed"]
    paired = df[df.scenario != BASELINE].merge(base[pair_keys + ["value"]], on=pair_keys,
                                               suffixes=("", "_base"))
    paired["effect"] = paired["value"] - paired["value_base"]
    effects = paired.groupby(keys, sort=True, observed=True).effect \
        .agg(["mean", "std", "count"]).reset_index()
    half = t_half_width(effects["std"].to_numpy(), effects["count"].to_numpy(), level)
    effects = effects.assign(effect_mean=effects["mean"], effect_lo=effects["mean"] - half,
                             effect_hi=effects["mean"] + half)
    return out.merge(effects[keys + ["effect_mean", "effect_lo", "effect_hi"]], on=keys,
                     how="left")


#: Columns of :func:`scenario_summary` other than the swept parameters.
SUMMARY_COLUMNS = ["scenario", *DIMS, "month", "n_seeds", "mean", "lo", "hi", "effect_mean",
                   "effect_lo", "effect_hi"]


def summary_params(summary: pd.DataFrame) -> list[str]:
    """The swept parameter columns of a scenario summary (every column but the standard ones)."""
    return [c for c in summary.columns if c not in SUMMARY_COLUMNS]


def comparison_table(summary: pd.DataFrame, month: int | None = None,
                     compact: bool = False) -> pd.DataFrame:
    """Key outcomes per scenario (and swept value) in one month: mean and paired effect (text).

    One row per scenario and set of swept parameter values (the parameters that take several
    values are index levels after the scenario). Shares are shown in percent and their effects
    in percentage points. With ``compact``, each cell is ``mean (effect)`` with a ``*`` when the
    90% interval of the effect excludes zero, and columns have the catalogue's short names (for
    a terminal); otherwise the catalogue's labels and the interval of the effect in brackets.
    """
    month = summary.month.max() if month is None else month
    params = [p for p in summary_params(summary) if summary[p].nunique() > 1]  # swept, not set
    keys = ["scenario", *params]
    rows: dict[tuple, dict[str, str]] = {}
    for o in select(TABLE):
        sel = summary[(summary.metric == o.metric) & (dim_column(summary.region) == o.region)
                      & (dim_column(summary.bloc) == o.bloc) & (dim_column(summary.lab) == "")
                      & (summary.month == month)]
        for r in sel.to_dict("records"):
            rows.setdefault(tuple(r[k] for k in keys), {})[o.short if compact else o.label] = \
                _cell(o, r, compact)
    table = pd.DataFrame.from_dict(rows, orient="index")
    if table.empty:
        return table
    table.index = pd.MultiIndex.from_tuples(table.index, names=keys)
    order = sorted(table.index, key=lambda k: (k[0] != BASELINE, k[0], *k[1:]))
    table = table.loc[order]
    return table.droplevel(list(range(1, len(keys)))) if not params else table


def _cell(o, r: dict, compact: bool) -> str:
    """One cell of :func:`comparison_table`: the mean, and the effect with its interval or star."""
    cell = o.shown(r["mean"])
    if np.isnan(r["effect_mean"]):
        return cell
    if compact:
        star = "*" if r["effect_lo"] > 0 or r["effect_hi"] < 0 else " "
        return f"{cell} ({o.shown_change(r['effect_mean'])}){star}"
    return (f"{cell} ({o.shown_change(r['effect_mean'])} [{o.shown_change(r['effect_lo'])}, "
            f"{o.shown_change(r['effect_hi'])}])")
