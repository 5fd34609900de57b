"""Money and compute by bloc: the accelerators of each bloc's labs, their spending and revenue.

:func:`budget_figure` draws one scenario (the baseline by default) of one or several seeds: three
panels side by side, one line per bloc (the median across seeds) with a band across seeds.
:func:`study.figures.scenarios.sweep_figures` writes it as ``budgets.png`` when a collected sweep
holds the baseline and these metrics (:func:`has_budgets`); tables from before the model recorded
budgets have none, and the figure is skipped.
"""

from __future__ import annotations

from typing import NamedTuple

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D

from study.figures.style import (BASELINE, BLOC_COLOURS, BLOC_NAMES, BLOCS, date_axis, new_ax,
                                 scenario_label)
from study.tables import LEVEL, band, n_runs, runs_per, series, slim, to_dates


class Panel(NamedTuple):
    """One panel of :func:`budget_figure`: a bloc metric drawn per bloc."""

    metric: str
    title: str
    axis: str
    factor: float  # the metric times this is drawn (12: a monthly flow shown per year)
    log: bool


ANNUALISED = "USD bn per year, annualised (month x 12)"
#: The panels, left to right.
PANELS = (
    Panel("bloc_compute_h100e", "Accelerators the labs own", "H100 equivalents (H100e)", 1.0,
          True),
    Panel("bloc_capex_usd_bn", "Spending on accelerators", ANNUALISED, 12.0, False),
    Panel("bloc_revenue_usd_bn", "Revenue", ANNUALISED, 12.0, False),
)
#: The metrics the figure reads (all recorded by the model per bloc).
METRICS = [p.metric for p in PANELS]


def _of_scenario(df: pd.DataFrame, scenario: str) -> pd.DataFrame:
    return df[df.scenario == scenario] if "scenario" in df.columns else df


def has_budgets(df: pd.DataFrame, scenario: str = BASELINE) -> bool:
    """True if ``df`` holds rows of every metric of :data:`METRICS` for ``scenario``."""
    present = set(_of_scenario(df, scenario).metric.astype(str))
    return set(METRICS) <= present


def plot_median_band(ax, sel: pd.DataFrame, level: float = LEVEL, factor: float = 1.0,
                     **style) -> Line2D | None:
    """Median across runs per month (times ``factor``) as a line, with the band across runs."""
    if sel.empty:
        return None
    sel = sel.assign(value=factor * sel["value"])
    stats = band(sel, level)
    median = sel.groupby("date", sort=True, observed=True).value.median()
    x = to_dates(stats.index)
    (line,) = ax.plot(x, median.reindex(stats.index), **style)
    if (stats["n"] > 1).any():
        ax.fill_between(x, stats["lo"], stats["hi"], color=line.get_color(), alpha=0.15, lw=0)
    return line


def plot_bloc_panel(df: pd.DataFrame, panel: Panel, ax=None, level: float = LEVEL):
    """One bloc metric over time, a line per bloc (median across runs) with bands."""
    ax = new_ax(ax, (5, 3.6))
    for bloc in BLOCS:
        plot_median_band(ax, series(df, panel.metric, bloc=bloc), level, panel.factor,
                         color=BLOC_COLOURS[bloc], lw=1.8, label=BLOC_NAMES[bloc])
    ax.set_title(panel.title)
    ax.set_ylabel(panel.axis)
    if panel.log:
        ax.set_yscale("log")
    else:
        ax.set_ylim(0, None)
    date_axis(ax)
    return ax


def _note(df: pd.DataFrame, level: float) -> str:
    if n_runs(df) <= 1:
        return ""
    lo = round(100 * (1 - level) / 2)
    return (f"lines: median of {runs_per(df, ['bloc'])} seeds; bands: {lo}th-{100 - lo}th "
            "percentile across seeds")


def budget_figure(df: pd.DataFrame, scenario: str = BASELINE, level: float = LEVEL):
    """Compute, spending and revenue of each bloc's labs over time, for one scenario.

    Args:
        df: tidy rows of one or several runs (e.g. the collected sweep table) with the rows of
            :data:`METRICS`.
        scenario: the scenario to draw (default: the baseline).
        level: coverage of the bands across seeds (0.90: 5th to 95th percentile).

    Returns:
        The figure: accelerators owned (H100e, log scale), spending on accelerators and revenue
        (both monthly, shown per year), one line per bloc.
    """
    df = _of_scenario(slim(df, METRICS), scenario)
    fig, axes = plt.subplots(1, len(PANELS), figsize=(5.0 * len(PANELS), 4.4),
                             constrained_layout=True)
    for ax, panel in zip(axes, PANELS, strict=True):
        plot_bloc_panel(df, panel, ax, level)
    handles = [Line2D([], [], color=BLOC_COLOURS[b], lw=1.8, label=BLOC_NAMES[b]) for b in BLOCS]
    fig.legend(handles=handles, loc="outside lower center", ncol=len(BLOCS), frameon=False,
               fontsize=9)
    note = _note(df, level)
    fig.suptitle(f"Compute, spending and revenue of each bloc's labs: {scenario_label(scenario)}"
                 + (f"\n({note})" if note else ""))
    return fig
