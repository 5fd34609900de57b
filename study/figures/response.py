"""Response curves: an outcome at the last month against a swept parameter, one line a scenario.

Drawn from the scenario summary (:func:`study.compare.scenario_summary`), which holds per
scenario and swept value the mean across seeds and the 5th-95th percentile band across seeds.
"""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import pandas as pd

from study.figures.style import format_axis, order_scenarios, scenario_label, scenario_style
from study.outcomes import KEY, select
from study.tables import dim_column


def plot_response(summary: pd.DataFrame, param: str, outcome, month: int, ax) -> None:
    """One outcome against ``param`` in ``month``: a line and band per scenario."""
    sel = summary[(summary.metric == outcome.metric)
                  & (dim_column(summary.region) == outcome.region)
                  & (dim_column(summary.bloc) == outcome.bloc)
                  & (dim_column(summary.lab) == "") & (summary.month == month)]
    for name in order_scenarios(sel.scenario.unique()):
        rows = sel[sel.scenario == name].sort_values(param)
        x = rows[param].to_numpy()
        (line,) = ax.plot(x, rows["mean"], marker="o", ms=3, label=scenario_label(name),
                          **scenario_style(name))
        if (rows["n_seeds"] > 1).any():
            ax.fill_between(x, rows["lo"], rows["hi"], color=line.get_color(), alpha=0.15, lw=0)
    ax.set_title(outcome.label, fontsize=10)
    format_axis(ax, outcome.unit)
    ax.set_xlabel(param)


def response_figure(summary: pd.DataFrame, param: str, outcomes: Sequence[str] = KEY,
                    month: int | None = None):
    """Each outcome (a panel) at ``month`` (default: the last) against the swept ``param``.

    Args:
        summary: :func:`study.compare.scenario_summary` output with ``param`` as a column; it
            must not vary any other swept parameter (filter it to one value of each first).
        param: the swept parameter (``developers.network_effect``).
        outcomes: names of catalogue outcomes (default: :data:`study.outcomes.KEY`).
        month: month of the values (default: the last month of ``summary``).

    Returns:
        The figure.
    """
    month = summary.month.max() if month is None else month
    chosen = select(outcomes)
    cols = 3 if len(chosen) > 4 else 2
    rows = (len(chosen) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5.0 * cols, 3.4 * rows + 1.0), squeeze=False,
                             constrained_layout=True)
    for ax, outcome in zip(axes.flat, chosen, strict=False):
        plot_response(summary, param, outcome, month, ax)
    for ax in list(axes.flat)[len(chosen):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=min(len(labels), 3),
               frameon=False, fontsize=9)
    seeds = summary.loc[summary.month == month, "n_seeds"]
    counted = f"{seeds.min()}" if seeds.min() == seeds.max() else f"{seeds.min()}-{seeds.max()}"
    fig.suptitle(f"Key outcomes in month {month} against {param}\n(lines: mean of {counted} "
                 "seeds per value; bands: 5th-95th percentile across seeds)")
    return fig
