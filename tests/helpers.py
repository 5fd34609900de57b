"""Small helpers for reading the tidy results table in tests."""

from __future__ import annotations

import pandas as pd


def values(df: pd.DataFrame, metric: str, **dims) -> pd.Series:
    """Values of one metric (filtered by dimension columns), indexed by month."""
    sel = df[df.metric == metric]
    for key, value in dims.items():
        sel = sel[sel[key] == value]
    return sel.set_index("month")["value"]


def final(df: pd.DataFrame, metric: str, **dims) -> float:
    """Value of a metric in the last month."""
    return float(values(df, metric, **dims).iloc[-1])
