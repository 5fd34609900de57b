"""Figures of how the model works: the price premium and the gap, and a lever's chain.

:func:`premium_gap_figure` shows the closed price premium following the open-closed capability
gap; :func:`lever_chain_figure` shows how a swept lever flows through the model (the
export-control transmission chain, :data:`CONTROLS_CHAIN`). Notebook 03 draws both.
"""

from __future__ import annotations

from typing import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.config import MarketConfig
from sim.market import closed_markup
from study.figures.scenarios import plot_scenario_bands
from study.figures.style import (SEQUENTIAL_CMAP, band_note, date_axis, format_axis, line_band,
                                 new_ax, order_scenarios, scenario_colour, scenario_label, wrap)
from study.outcomes import CATALOGUE, select
from study.tables import DERIVED_METRICS, LEVEL, band, bloc_lab_metrics, series, slim

#: The two outcomes of :func:`premium_gap_figure`.
PREMIUM, GAP = CATALOGUE["closed_premium"], CATALOGUE["open_closed_gap"]

def plot_premium_vs_gap(df: pd.DataFrame, market=None, ax=None, colour_by: str = "year"):
    """How the closed price premium responds to the open-closed capability gap.

    Dots: every month of every run in ``df`` (the user-weighted premium against the gap between
    the best closed and the best open model), coloured by calendar year. Line: the model's
    pricing rule :func:`sim.market.closed_markup` for the frontier closed model, as price /
    cost = 1 + markup. Closed models behind the frontier earn less, so the average lies on or
    below the line.

    Args:
        df: tidy table of one or more runs.
        market: a :class:`sim.config.MarketConfig` with the rule's parameters (default: the
            calibrated baseline).
        ax: axes to draw on.
        colour_by: ``"year"`` (sequential colours with a colour bar) or ``"scenario"``.

    Returns:
        The axes.
    """
    market = market or MarketConfig()
    ax = new_ax(ax, (7, 4.5))
    keys = [c for c in ("run_id", "scenario", "seed", "month", "date") if c in df.columns]
    wide = df[df.metric.isin([PREMIUM.metric, GAP.metric])] \
        .pivot_table(index=keys, columns="metric", values="value", observed=True).dropna() \
        .reset_index()
    x, y = wide[GAP.metric], wide[PREMIUM.metric]
    if colour_by == "scenario":
        for name in order_scenarios(wide.scenario.unique()):
            pick = wide.scenario == name
            ax.scatter(x[pick], y[pick], s=9, alpha=0.5, color=scenario_colour(name),
                       label=scenario_label(name), edgecolor="none")
        ax.legend(frameon=False, fontsize=8, markerscale=2)
    else:
        year = wide["date"].astype(str).str[:4].astype(int) + \
            (wide["date"].astype(str).str[5:7].astype(int) - 1) / 12
        dots = ax.scatter(x, y, c=year, cmap=SEQUENTIAL_CMAP, s=9, alpha=0.6, edgecolor="none")
        bar = ax.figure.colorbar(dots, ax=ax, pad=0.01)
        bar.set_label("calendar year")
    lo, hi = min(float(x.min()) - 0.3, -1.0), max(float(x.max()) * 1.15, 2.0)
    grid = np.linspace(lo, hi, 300)
    curve = 1 + closed_markup(grid, floor=market.premium_floor, ceiling=market.premium_max,
                              scale_months=market.premium_gap_scale_months)
    ax.plot(grid, curve, color="black", lw=2,
            label="pricing rule for the frontier closed model: 1 + markup(lead)")
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_ylim(0, None)
    ax.set_title("Closed price premium against the open-closed capability gap")
    ax.set_xlabel("open-closed gap (months the best open model trails the best closed one)")
    ax.set_ylabel("closed API price / serving cost (x)")
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[-1:] if colour_by != "scenario" else handles,
              labels[-1:] if colour_by != "scenario" else labels, frameon=False, fontsize=8,
              loc="upper left")
    return ax


def premium_gap_figure(df: pd.DataFrame, market=None, level: float = LEVEL):
    """The closed price premium and the open-closed gap over time, and one against the other.

    Left and middle: the premium and the gap per scenario over time (bands across seeds). Right:
    :func:`plot_premium_vs_gap`, every month of every run with the model's pricing rule.
    """
    df = slim(df, [PREMIUM.metric, GAP.metric])
    fig, axes = plt.subplots(1, 3, figsize=(18, 4.8), constrained_layout=True)
    for ax, o in zip(axes, (PREMIUM, GAP), strict=False):
        plot_scenario_bands(df, o.metric, o.region, o.bloc, o.label, o.axis, ax, level)
    axes[1].axhline(0, color="grey", lw=0.8)
    plot_premium_vs_gap(df, market, axes[2])
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=min(len(labels), 4),
               frameon=False, fontsize=9)
    fig.suptitle("Why pay for a closed model if an equally capable one is free? The closed price "
                 "premium follows the open-closed capability gap")
    return fig


#: The links of the export-control transmission chain, in causal order (catalogue names).
CONTROLS_LINKS = ("cn_chip_access", "cn_compute", "us_china_gap", "cn_openness", "cn_open_share",
                  "open_share")
#: The chain as :func:`lever_chain_figure` draws it: ``(metric, region, bloc, title, unit, log
#: scale)`` per link, titled with its number.
CONTROLS_CHAIN = [(o.metric, o.region, o.bloc, f"{i}. {o.brief}", o.axis, o.log)
                  for i, o in enumerate(select(CONTROLS_LINKS), start=1)]


def lever_colours(values: Sequence[float]) -> dict[float, tuple]:
    """A sequential colour-blind-safe colour for each level of a swept lever (low dark)."""
    levels = sorted(set(values))
    cmap = plt.get_cmap(SEQUENTIAL_CMAP)
    pos = np.linspace(0.0, 0.9, len(levels)) if len(levels) > 1 else [0.0]
    return {v: cmap(p) for v, p in zip(levels, pos, strict=True)}


def _with_derived(df: pd.DataFrame, chain: Sequence[tuple], keep: Sequence[str] = ()):
    """``df`` with the :data:`DERIVED_METRICS` rows added if ``chain`` needs them."""
    if any(m in DERIVED_METRICS for m, *_ in chain) and \
            not df.metric.isin(list(DERIVED_METRICS)).any():
        return slim(pd.concat([df, bloc_lab_metrics(df)], ignore_index=True), keep=keep)
    return df


def plot_lever(df: pd.DataFrame, by: str, metric: str, region: str = "", bloc: str = "",
               label: str = "", unit: str = "", ax=None, log: bool = False,
               fmt: Callable[[float], str] = "{:g}".format, level: float = LEVEL):
    """One outcome over time, one line per level of a swept lever (column ``by``) with bands."""
    ax = new_ax(ax, (5, 3.5))
    sel = series(_with_derived(df, [(metric,)], [by]), metric, region=region, bloc=bloc)
    colours = lever_colours(sel[by].unique())
    for value, colour in colours.items():
        line_band(ax, sel[sel[by] == value], level, label=fmt(value), color=colour, lw=1.8,
                  alpha=0.12)
    ax.set_title(label or metric, fontsize=10)
    if log:
        ax.set_yscale("log")
    format_axis(ax, unit)
    date_axis(ax)
    return ax


def plot_lever_response(df: pd.DataFrame, by: str, metric: str, region: str = "",
                        bloc: str = "", label: str = "", unit: str = "", ax=None,
                        log: bool = False, month: int | None = None, by_unit: str = "",
                        level: float = LEVEL):
    """An outcome in one month (default: the last) against the lever level: mean and band."""
    ax = new_ax(ax, (4, 3.2))
    sel = series(_with_derived(df, [(metric,)], [by]), metric, region=region, bloc=bloc)
    month = sel.month.max() if month is None else month
    stats = band(sel[sel.month == month], level, by=by)
    colours = lever_colours(stats.index)
    ax.plot(stats.index, stats["mean"], color="grey", lw=1, zorder=1)
    for value, row in stats.iterrows():
        ax.errorbar([value], [row["mean"]], yerr=[[row["mean"] - row["lo"]],
                                                  [row["hi"] - row["mean"]]],
                    fmt="o", color=colours[value], capsize=3, zorder=2)
    ax.set_title(label or metric, fontsize=10)
    if log:
        ax.set_yscale("log")
    format_axis(ax, unit)
    format_axis(ax, by_unit or by, axis="x")
    return ax


def lever_chain_figure(df: pd.DataFrame, by: str, by_label: str,
                       chain: Sequence[tuple] = CONTROLS_CHAIN, by_unit: str = "",
                       fmt: Callable[[float], str] = "{:g}".format, level: float = LEVEL,
                       title: str | None = None):
    """How a swept lever flows through the model: each link of ``chain`` over time and at the end.

    Top rows: each outcome over time, one line per lever level (dark = low). Bottom row: each
    outcome in the last month against the lever level, mean and band across seeds.

    Args:
        df: tidy rows of runs with a column ``by`` holding each run's lever level.
        by: the lever column (e.g. ``"controls"``).
        by_label: the lever in words, for the legend and title.
        chain: ``(metric, region, bloc, title, unit, log)`` tuples, in causal order.
        by_unit: the lever's unit (``"share of frontier chips denied"``) for the x axes.
        fmt: formats a lever level for the legend.
        level: coverage of the bands across seeds.
        title: figure title (default: from ``by_label``).

    Returns:
        The figure.
    """
    metrics = [m for m, *_ in chain] + ["lab_compute_h100e", "lab_openness"]
    df = _with_derived(slim(df, metrics, keep=[by]), chain, keep=[by])
    cols = 3
    rows = (len(chain) + cols - 1) // cols
    fig = plt.figure(figsize=(5.0 * cols, 3.4 * rows + 3.4), constrained_layout=True)
    top, bottom = fig.subfigures(2, 1, height_ratios=[rows, 1.05])
    axes = top.subplots(rows, cols, squeeze=False)
    for ax, (metric, region, bloc, label, unit, log) in zip(axes.flat, chain, strict=False):
        plot_lever(df, by, metric, region, bloc, label, unit, ax, log, fmt, level)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    top.legend(handles, labels, loc="outside right center", frameon=False, fontsize=9,
               title=wrap(by_label, 18), title_fontsize=9)
    axes2 = bottom.subplots(1, len(chain), squeeze=False)[0]
    for ax, (metric, region, bloc, label, unit, log) in zip(axes2, chain, strict=True):
        plot_lever_response(df, by, metric, region, bloc, wrap(label, 26), unit, ax, log,
                            by_unit=by_unit or by, level=level)
        ax.title.set_fontsize(8.5)
        ax.yaxis.label.set_fontsize(8)
    last = df.loc[df.month == df.month.max(), "date"]
    when = str(last.iloc[0]) if len(last) else "the last month"
    bottom.suptitle(f"In {when}, against the lever (mean and band across seeds)", fontsize=10)
    note = band_note(df[df[by] == df[by].iloc[0]], level, "seeds")
    fig.suptitle(title or f"How {by_label} flows through the model" + (f"\n({note})" if note
                                                                         else ""))
    return fig
