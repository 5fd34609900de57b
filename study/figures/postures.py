"""Postures explained: the payoff terms behind each lab's decisions, as a figure and a table.

Reads the ``lab_payoff_<term>`` rows of one run or several: at each decision the model records,
per lab, the open-minus-closed difference of every payoff term (``sim.agents.lab.payoff_terms``,
in months of capability). A positive total pushes the lab towards open release, a negative one
towards closing. The table averages each term over a lab's decisions in a period; the figure
draws one panel per lab with the terms stacked by year.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.agents.lab import TERMS

#: plain words for each term, in the order they are stacked
TERM_WORDS = {
    "money": "money (months of compute it buys)",
    "community": "community's improvements",
    "reach": "developer reach",
    "political": "home government's politics",
    "security": "security cost of open weights",
    "bias": "lab's own taste",
}
TERM_COLOURS = {"money": "#c0392b", "community": "#27ae60", "reach": "#2980b9",
                "political": "#8e44ad", "security": "#7f8c8d", "bias": "#f39c12"}


def decision_terms(df: pd.DataFrame) -> pd.DataFrame:
    """One row per run, month and lab at which the lab decided, a column per term.

    A lab's recorded terms change only at its decisions, so a decision is a month whose terms
    differ from the month before (or the first month with any term non-zero).
    """
    rows = df[df.metric.str.startswith("lab_payoff_")].copy()
    rows["term"] = rows.metric.str.removeprefix("lab_payoff_")
    keys = [c for c in ("run_id", "seed") if c in rows.columns][:1]
    wide = rows.pivot_table(index=[*keys, "lab", "month"], columns="term", values="value")
    wide = wide[[t for t in TERMS if t in wide.columns]]
    changed = wide.groupby(level=[*keys, "lab"]).diff().abs().sum(axis=1) > 0
    first = wide.groupby(level=[*keys, "lab"]).cumcount() == 0
    return wide[changed | (first & (wide.abs().sum(axis=1) > 0))].reset_index()


def terms_table(df: pd.DataFrame, periods: dict[str, tuple[int, int]] | None = None
                ) -> pd.DataFrame:
    """Mean open-minus-closed payoff of each term per lab and period (months of capability).

    Args:
        df: tidy rows of one or several runs.
        periods: label -> (first month, last month); default 2025-2026 and 2027-2030.
    """
    periods = periods or {"2025-26": (0, 23), "2027-30": (24, 10_000)}
    terms = decision_terms(df)
    out = []
    for label, (lo, hi) in periods.items():
        sel = terms[(terms.month >= lo) & (terms.month <= hi)]
        mean = sel.groupby("lab")[[t for t in TERMS if t in sel.columns]].mean()
        mean["total"] = mean.sum(axis=1)
        mean["decisions"] = sel.groupby("lab").size()
        mean.insert(0, "period", label)
        out.append(mean.reset_index())
    return pd.concat(out, ignore_index=True)


def postures_figure(df: pd.DataFrame, start_year: int = 2025) -> Figure:
    """A panel per lab: each term's mean open-minus-closed payoff by year, stacked, and the total.

    Bars above zero push towards open release, below towards closing; the black dots are the
    totals. Months of capability on the y axis.
    """
    terms = decision_terms(df)
    terms["year"] = start_year + terms.month // 12
    labs = sorted(terms.lab.unique())
    cols = 4
    rows = int(np.ceil(len(labs) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.6 * rows), sharex=True,
                             squeeze=False)
    present = [t for t in TERMS if t in terms.columns]
    for ax, lab in zip(axes.ravel(), labs, strict=False):
        by_year = terms[terms.lab == lab].groupby("year")[present].mean()
        years = by_year.index.to_numpy()
        up, down = np.zeros(len(years)), np.zeros(len(years))
        for term in present:
            v = by_year[term].to_numpy()
            base = np.where(v >= 0, up, down)
            ax.bar(years, v, bottom=base, color=TERM_COLOURS[term], width=0.8,
                   label=TERM_WORDS[term])
            up, down = up + np.maximum(v, 0), down + np.minimum(v, 0)
        ax.plot(years, by_year.sum(axis=1), "ko", ms=3, label="total")
        ax.axhline(0, color="black", lw=0.6)
        ax.set_title(lab, fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[len(labs):]:
        ax.axis("off")
    for ax in axes[:, 0]:
        ax.set_ylabel("open minus closed\n(months of capability)", fontsize=7)
    handles, labels = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=7, frameon=False)
    fig.suptitle("Why labs open or close: payoff of open release minus closing, by term",
                 fontsize=10)
    fig.tight_layout(rect=(0, 0.06, 1, 0.96))
    return fig
