"""Table helpers: select, slim and summarise the tidy results table, and derive bloc metrics.

The tidy table of :func:`sim.run.run` (one run), a concatenation of such tables or a collected
sweep table (``sweep_results.parquet``) has one row per run, month, metric and dimension
(``region``, ``bloc``, ``lab``; "" where a metric has none). These helpers are what figures and
notebooks use to read it; none of them draws.
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd

#: Band of a figure drawn from several runs: 5th to 95th percentile across runs.
LEVEL = 0.90


def dim_column(col: pd.Series) -> pd.Series:
    """A dimension column with missing values as "" (CSV readers turn "" into NaN)."""
    if not col.hasnans:
        return col
    return (col.astype(object) if isinstance(col.dtype, pd.CategoricalDtype) else col).fillna("")


#: Columns the figures read; others (provenance, swept parameters) are dropped by :func:`slim`.
FIGURE_COLUMNS = ["run_id", "scenario", "seed", "month", "date", "metric", "region", "bloc", "lab",
                  "value"]


def slim(df: pd.DataFrame, metrics: Sequence[str] | None = None,
         keep: Sequence[str] = ()) -> pd.DataFrame:
    """The rows of ``metrics`` with only the columns figures read, text columns as categories.

    Selecting rows of a large table (a collected sweep has millions) is much faster on
    categories than on strings; figure functions call this once before drawing many panels.
    """
    if metrics is not None:
        df = df[df.metric.isin(list(metrics))]
    cols = [c for c in FIGURE_COLUMNS + list(keep) if c in df.columns]
    df = df[cols].copy()
    for col in ("run_id", "scenario", "date", "metric", "region", "bloc", "lab"):
        if col in df.columns and not isinstance(df[col].dtype, pd.CategoricalDtype):
            df[col] = dim_column(df[col]).astype("category")
    return df


def series(df: pd.DataFrame, metric: str, **dims: str) -> pd.DataFrame:
    """Rows of one metric, optionally filtered by dimension (``region="ROW", bloc="CN"``)."""
    sel = df[df.metric == metric]
    for key, value in dims.items():
        sel = sel[dim_column(sel[key]) == value]
    return sel


def to_dates(values) -> pd.DatetimeIndex:
    """Calendar months (``"2025-01"`` strings or categories) as dates, for a time axis."""
    return pd.DatetimeIndex(pd.to_datetime(pd.Series(values).astype(str), format="%Y-%m"))


def band(sel: pd.DataFrame, level: float = LEVEL, by: str = "date") -> pd.DataFrame:
    """Mean, lower and upper quantile and number of runs of ``value`` per ``by`` (default date).

    Args:
        sel: rows of one metric and dimension, from one or several runs.
        level: coverage of the band (0.90: 5th to 95th percentile across runs).
        by: column to group by.

    Returns:
        A frame indexed by ``by`` with columns ``mean, lo, hi, n``.
    """
    q = (1 - level) / 2
    grp = sel.groupby(by, sort=True, observed=True).value
    return pd.DataFrame({"mean": grp.mean(), "lo": grp.quantile(q), "hi": grp.quantile(1 - q),
                         "n": grp.count()})


def n_runs(df: pd.DataFrame) -> int:
    """Number of runs in a table (distinct ``run_id``, else scenario and seed)."""
    if "run_id" in df.columns:
        return int(df["run_id"].nunique())
    return int(df.groupby(["scenario", "seed"]).ngroups) if "seed" in df.columns else 1


def runs_per(df: pd.DataFrame, by: Sequence[str]) -> str:
    """Runs in each group of ``by`` in words: ``"20"``, or ``"18-20"`` where groups differ.

    Runs are counted by ``run_id``, else by ``seed`` (one run per seed in a group).
    """
    run = "run_id" if "run_id" in df.columns else "seed" if "seed" in df.columns else None
    if run is None or df.empty:
        return "1"
    by = [c for c in by if c in df.columns]
    counts = df.groupby(by, observed=True)[run].nunique() if by else pd.Series(
        [df[run].nunique()])
    low, high = int(counts.min()), int(counts.max())
    return f"{low}" if low == high else f"{low}-{high}"


def default_lab_blocs() -> dict[str, str]:
    """Home bloc of every lab of the default roster (``{"deepseek": "CN", ...}``)."""
    from sim.config import SimConfig
    return {name: str(getattr(lab.bloc, "value", lab.bloc)) for name, lab in SimConfig().labs
            .items()}


#: Bloc-level metrics derived from the per-lab rows by :func:`bloc_lab_metrics` (the model
#: records others itself, such as ``bloc_compute_h100e``).
#: How each derived metric is made: (metric, the per-lab metric it reads, ``open``: count of
#: labs at 1, ``mean``: mean over the bloc's labs).
DERIVATIONS = (("bloc_open_labs", "lab_openness", "open"),
               ("bloc_openness", "lab_openness", "mean"),
               ("bloc_expected_openness", "lab_expected_openness", "mean"))
#: The per-lab metric each derived metric reads.
DERIVED_FROM = {metric: source for metric, source, _ in DERIVATIONS}

DERIVED_METRICS = {
    "bloc_open_labs": "number of the bloc's labs whose posture is open",
    "bloc_openness": "mean posture of the bloc's labs: 0 closed, 0.5 hybrid, 1 open",
    "bloc_expected_openness": "mean openness the bloc's labs' last posture decisions were "
                              "expected to give (before the draw)",
}


def bloc_lab_metrics(df: pd.DataFrame, lab_blocs: dict[str, str] | None = None) -> pd.DataFrame:
    """Tidy rows of :data:`DERIVED_METRICS`: the labs' postures counted or averaged by home bloc.

    Args:
        df: tidy table with ``lab_openness`` (and ``lab_expected_openness``) rows.
        lab_blocs: lab name -> bloc (default: :func:`default_lab_blocs`).

    Returns:
        Rows with the same columns as ``df``, ``bloc`` set and ``lab`` and ``region`` empty;
        concatenate them to ``df`` to plot them like any metric.
    """
    lab_blocs = lab_blocs or default_lab_blocs()
    keys = [c for c in df.columns if c not in ("metric", "region", "bloc", "lab", "value")]
    keys = keys + ["bloc"]
    rows = df[df.metric.isin(set(DERIVED_FROM.values()))]
    rows = rows.assign(bloc=dim_column(rows["lab"].astype(object)).map(lab_blocs)
                       .fillna("other"))
    frames = []
    for metric, source, how in DERIVATIONS:
        labs = rows[rows.metric == source]
        if labs.empty:
            continue
        values = labs["value"] if how != "open" else (labs["value"] >= 1.0).astype(float)
        agg = values.groupby([labs[k] for k in keys], dropna=False, sort=False, observed=True)
        agg = (agg.sum() if how == "open" else agg.mean()).reset_index()
        frames.append(agg.assign(metric=metric, region="", lab=""))
    if not frames:
        return df.iloc[:0][list(df.columns)]
    return pd.concat(frames, ignore_index=True)[list(df.columns)]
