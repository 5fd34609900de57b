"""A short summary table of a results table: the headline outcomes at the start and the end."""

from __future__ import annotations

import pandas as pd

#: (label, metric, region, bloc) of the headline outcomes
HEADLINES = [
    ("open-weight share of developers (global)", "open_share", "global", ""),
    ("developers on Chinese open models (global)", "open_bloc_share", "global", "CN"),
    ("rest-of-world developers on Chinese models", "bloc_share", "ROW", "CN"),
    ("US-China capability gap (months)", "us_china_gap_months", "", ""),
    ("open-closed capability gap (months)", "open_closed_gap_months", "", ""),
    ("closed price premium (x serving cost)", "closed_price_premium", "", ""),
    ("labs with open posture", "n_open_labs", "", ""),
    ("China chip access (share of wanted)", "chip_access", "", "CN"),
]


def summary_table(df: pd.DataFrame) -> pd.DataFrame:
    """Headline outcomes in the first and last month (mean over runs if several)."""
    first, last = df["month"].min(), df["month"].max()
    rows = []
    for label, metric, region, bloc in HEADLINES:
        sel = df[(df.metric == metric) & (df.region == region) & (df.bloc == bloc)]
        start = sel.loc[sel.month == first, "value"].mean()
        end = sel.loc[sel.month == last, "value"].mean()
        rows.append({"outcome": label, f"{_date(df, first)}": start, f"{_date(df, last)}": end})
    return pd.DataFrame(rows).set_index("outcome").round(3)


def _date(df: pd.DataFrame, month: int) -> str:
    dates = df.loc[df.month == month, "date"]
    return str(dates.iloc[0]) if len(dates) else f"month {month}"
