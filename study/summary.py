"""A short summary table of a results table: the headline outcomes at the start and the end."""

from __future__ import annotations

import pandas as pd

from study.outcomes import select

#: The outcomes of the summary table, in its row order (labelled by ``Outcome.summary``).
HEADLINES = select(("open_share", "cn_share", "cn_open_share", "row_cn_share", "us_china_gap",
                    "open_closed_gap", "closed_premium", "open_labs", "cn_chip_access"))


def summary_table(df: pd.DataFrame) -> pd.DataFrame:
    """Headline outcomes in the first and last month (mean over runs if several), as text.

    Shares are shown in percent. The columns are the two calendar months, and their name (the
    top-left corner of the printed table) says which run this is: ``baseline, seed 0`` (or
    how many runs were averaged).
    """
    first, last = df["month"].min(), df["month"].max()
    rows = []
    for o in HEADLINES:
        # region and bloc only: none of these metrics has a lab dimension
        sel = df[(df.metric == o.metric) & (df.region == o.region) & (df.bloc == o.bloc)]
        start = sel.loc[sel.month == first, "value"].mean()
        end = sel.loc[sel.month == last, "value"].mean()
        rows.append({"outcome": o.summary, f"{_date(df, first)}": o.shown(start),
                     f"{_date(df, last)}": o.shown(end)})
    table = pd.DataFrame(rows).set_index("outcome")
    table.columns.name = which_runs(df)
    return table


def which_runs(df: pd.DataFrame) -> str:
    """The scenario and seed of the runs in ``df`` in words (``baseline, seed 0``)."""
    scenarios = sorted(map(str, df["scenario"].unique())) if "scenario" in df else []
    seeds = sorted(int(s) for s in df["seed"].unique()) if "seed" in df else []
    where = ", ".join(scenarios) or "scenario unknown"
    if len(seeds) == 1:
        return f"{where}, seed {seeds[0]}"
    return f"{where}, mean of {len(seeds)} seeds" if seeds else where


def _date(df: pd.DataFrame, month: int) -> str:
    dates = df.loc[df.month == month, "date"]
    return str(dates.iloc[0]) if len(dates) else f"month {month}"
