"""Figures of scenarios: each against the baseline, overlaid, and their paired effects.

:func:`sweep_figures` writes the figures of a collected sweep (``python -m experiments.collect``);
notebook 02 draws the same figures. The panels default to the key outcomes of the catalogue
(:data:`study.outcomes.KEY`), given as ``(metric, region, bloc, label, unit)`` tuples.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D

from study.compare import summary_params
from study.figures import budgets
from study.figures.response import response_figure
from study.figures.run import regional_shares_figure
from study.figures.style import (BASELINE, BASELINE_LABEL, REGIONS, band_note, date_axis,
                                 format_axis, is_share, line_band, new_ax, order_scenarios,
                                 scenario_colour, scenario_event_months, scenario_label,
                                 scenario_rows, scenario_style, wrap)
from study.outcomes import KEY, select
from study.tables import LEVEL, dim_column, runs_per, series, slim, to_dates

def _key_outcomes() -> list[tuple]:
    """``(metric, region, bloc, label, unit)`` of the key outcomes (:data:`study.outcomes.KEY`)."""
    return [o.panel for o in select(KEY)]


def plot_scenario_bands(df: pd.DataFrame, metric: str, region: str, bloc: str, label: str,
                        unit: str = "", ax=None, level: float = LEVEL,
                        scenarios: Sequence[str] | None = None, legend: bool = False):
    """One outcome per scenario over time, overlaid: mean across seeds with a band across seeds.

    Overlaying more than four or five scenarios gets cluttered; pass ``scenarios`` to pick a
    subset, or use :func:`scenario_outcomes_figure` (each scenario against the baseline in its
    own panel).
    """
    ax = new_ax(ax)
    sel = series(df, metric, region=region, bloc=bloc)
    names = order_scenarios(sel.scenario.unique())
    if scenarios is not None:
        names = [s for s in order_scenarios(scenarios) if s in set(names)]
    for name in names:
        line_band(ax, sel[sel.scenario == name], level, label=scenario_label(name),
                  alpha=0.12, **scenario_style(name))
    ax.set_title(label)
    format_axis(ax, unit)
    date_axis(ax)
    if legend:
        ax.legend(frameon=False, fontsize=8)
    return ax


def scenario_bands_figure(df: pd.DataFrame, scenarios: Sequence[str] | None = None,
                          outcomes: Sequence[tuple] | None = None, level: float = LEVEL):
    """Every key outcome over time with a few scenarios overlaid (default: the first four)."""
    outcomes = list(outcomes or _key_outcomes())
    df = slim(df, [o[0] for o in outcomes])
    names = order_scenarios(scenarios or order_scenarios(df.scenario.unique())[:4])
    cols = 3 if len(outcomes) > 4 else 2
    rows = (len(outcomes) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5.0 * cols, 3.5 * rows + 0.8), squeeze=False,
                             constrained_layout=True)
    for ax, (metric, region, bloc, label, unit) in zip(axes.flat, outcomes, strict=False):
        plot_scenario_bands(df, metric, region, bloc, label, unit, ax, level, scenarios=names)
    for ax in list(axes.flat)[len(outcomes):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=min(len(names), 4),
               frameon=False, fontsize=9)
    note = band_note(df[df.scenario == names[0]], level, "seeds")
    fig.suptitle("Key outcomes by scenario" + (f"\n({note})" if note else ""))
    return fig


def mark_events(ax, scenario: str, rows: pd.DataFrame) -> list:
    """Dotted vertical lines at the months the scenario's events happen (none for baseline).

    Month 0 events (in force from the start) are not marked: they are the scenario itself.

    Args:
        ax: the time-series axes.
        scenario: the scenario key.
        rows: rows with ``month`` and ``date`` columns, to date the event months.
    """
    months = [m for m in scenario_event_months(scenario) if m > 0]
    dated = rows.loc[rows.month.isin(months), "date"].astype(str).unique()
    return [ax.axvline(d, color=scenario_colour(scenario), ls=":", lw=1.1, alpha=0.8,
                       zorder=1) for d in to_dates(sorted(dated))]


def plot_scenario_vs_baseline(df: pd.DataFrame, scenario: str, metric: str, region: str,
                              bloc: str, label: str, unit: str = "", ax=None,
                              level: float = LEVEL, small: bool = False):
    """One outcome of one scenario (its colour) against the baseline (grey), bands across seeds.

    ``small=True`` sizes the labels for a panel in a grid of small multiples.
    """
    ax = new_ax(ax, (4, 3))
    sel = series(df, metric, region=region, bloc=bloc)
    if scenario != BASELINE:
        line_band(ax, sel[sel.scenario == BASELINE], level, label=BASELINE_LABEL,
                  color="#888888", lw=1.4, alpha=0.25)
    line_band(ax, sel[sel.scenario == scenario], level, label=scenario_label(scenario),
              alpha=0.2, **{**scenario_style(scenario), "lw": 2.0})
    mark_events(ax, scenario, sel)
    ax.set_title(label, fontsize=9.5 if small else None)
    format_axis(ax, unit)
    date_axis(ax, maxticks=4 if small else 7)
    if small:
        ax.yaxis.label.set_text(wrap(ax.yaxis.label.get_text(), 22))
        ax.yaxis.label.set_fontsize(8.5)
        ax.tick_params(labelsize=8)
    return ax


def scenario_outcomes_figure(df: pd.DataFrame, outcomes: Sequence[tuple] | None = None,
                             scenarios: Sequence[str] | None = None, level: float = LEVEL):
    """Small multiples: each scenario (a row) against the baseline for each key outcome (a column).

    Each panel shows one scenario in its colour and the baseline in grey, with bands across
    seeds; a column shares one y range so the rows compare at a glance.

    Args:
        df: tidy rows of several scenarios and seeds (e.g. the collected sweep table).
        outcomes: ``(metric, region, bloc, title, unit)`` tuples (default:
            :data:`study.compare.KEY_OUTCOMES`).
        scenarios: scenarios to show (default: every one in ``df`` except the baseline, or the
            baseline alone if it is the only one).
        level: coverage of the bands across seeds.

    Returns:
        The figure.
    """
    outcomes = list(outcomes or _key_outcomes())
    df = slim(df, [o[0] for o in outcomes])
    present = order_scenarios(df.scenario.unique())
    rows = order_scenarios(list(scenarios) if scenarios is not None else
                           [s for s in present if s != BASELINE] or present)
    fig = plt.figure(figsize=(2.9 * len(outcomes) + 0.4, 2.3 * len(rows) + 1.2),
                     constrained_layout=True)
    grid = []
    for r, (sub_fig, name) in enumerate(zip(scenario_rows(fig, rows), rows, strict=True)):
        axes = sub_fig.subplots(1, len(outcomes), squeeze=False)[0]
        for ax, (metric, region, bloc, title, unit) in zip(axes, outcomes, strict=True):
            plot_scenario_vs_baseline(df, name, metric, region, bloc, wrap(title, 30), unit, ax,
                                      level, small=True)
            if r:
                ax.set_title("")
            if r < len(rows) - 1:
                ax.set_xlabel("")
        grid.append(axes)
    for c in range(len(outcomes)):  # one y range per outcome, so rows compare at a glance
        lims = [row[c].get_ylim() for row in grid]
        for row in grid:
            row[c].set_ylim(min(lo for lo, _ in lims), max(hi for _, hi in lims))
    handles = [Line2D([], [], color="#888888", lw=1.4, label=BASELINE_LABEL),
               Line2D([], [], color="#444444", lw=2.0,
                      label="the scenario named above the row (in its own colour)")]
    fig.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False, fontsize=9)
    lo = round(100 * (1 - level) / 2)
    seeds = runs_per(df, ["scenario"])
    fig.suptitle(f"Key outcomes: each scenario against the baseline\n(lines: mean of {seeds} "
                 f"seeds; bands: {lo}th-{100 - lo}th percentile across seeds)")
    return fig


def plot_effects(summary: pd.DataFrame, metric: str, region: str, bloc: str, label: str,
                 unit: str = "", month: int | None = None, ax=None,
                 scenarios: Sequence[str] | None = None):
    """Forest plot: each scenario's paired effect versus baseline with its 90% interval.

    Args:
        summary: :func:`study.compare.scenario_summary` output (or ``scenario_summary.csv``).
        metric: metric name.
        region: the metric's region ("" where none).
        bloc: the metric's bloc ("" where none).
        label: panel title.
        unit: unit of the metric; effects on shares are shown in percentage points.
        month: month of the effect (default: the last month in ``summary``).
        ax: axes to draw on (default: a new figure).
        scenarios: scenarios to show (default: all but the baseline).

    Returns:
        The axes.

    Raises:
        ValueError: if the summary holds several rows per scenario (several swept parameter
            values): filter it to one parameter set first.
    """
    ax = new_ax(ax, (6, 4))
    sel = summary[(summary.metric == metric) & (dim_column(summary.region) == region)
                  & (dim_column(summary.bloc) == bloc) & (dim_column(summary.lab) == "")
                  & (summary.scenario != BASELINE)]
    if scenarios is not None:
        sel = sel[sel.scenario.isin(list(scenarios))]
    month = sel.month.max() if month is None else month
    sel = sel[sel.month == month].dropna(subset=["effect_mean"])
    if sel.scenario.duplicated().any():
        raise ValueError("the summary has several rows per scenario (swept parameters?): "
                         "filter it to one parameter set first")
    # one order in every panel (the scenario files' order, first at the top), so a scenario
    # keeps its row across outcomes instead of moving with its effect's size
    order = order_scenarios(list(sel.scenario))
    sel = sel.set_index("scenario").loc[order[::-1]].reset_index()
    scale = 100.0 if is_share(unit) else 1.0
    for i, row in enumerate(sel.itertuples()):
        mean = scale * row.effect_mean
        err = [[scale * (row.effect_mean - row.effect_lo)], [scale * (row.effect_hi
                                                                      - row.effect_mean)]]
        ax.errorbar([mean], [i], xerr=err, fmt="o", color=scenario_colour(row.scenario),
                    elinewidth=2, capsize=3, label=scenario_label(row.scenario))
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_ylim(-0.6, max(len(sel), 1) - 0.4)
    ax.set_yticks(range(len(sel)), [scenario_label(s) for s in sel.scenario], fontsize=8)
    shown = "percentage points" if is_share(unit) else unit
    ax.set_title(label)
    ax.set_xlabel(f"difference from baseline, same seed ({shown})")
    return ax


def scenario_effects_figure(summary: pd.DataFrame, outcomes: Sequence[tuple] | None = None,
                            month: int | None = None, scenarios: Sequence[str] | None = None,
                            when: str | None = None):
    """Forest plots of every key outcome: each scenario's paired effect versus baseline.

    Args:
        summary: :func:`study.compare.scenario_summary` output (or ``scenario_summary.csv``).
        outcomes: ``(metric, region, bloc, title, unit)`` tuples (default:
            :data:`study.compare.KEY_OUTCOMES`).
        month: month of the effects (default: the last month in ``summary``).
        scenarios: scenarios to show (default: all but the baseline).
        when: the month in words for the title (e.g. ``"2030-12"``; default: ``month N``).

    Returns:
        The figure.
    """
    outcomes = list(outcomes or _key_outcomes())
    month = summary.month.max() if month is None else month
    cols = 2 if len(outcomes) > 1 else 1
    rows = (len(outcomes) + cols - 1) // cols
    n = summary.loc[summary.scenario != BASELINE, "scenario"].nunique()
    fig, axes = plt.subplots(rows, cols, figsize=(14 if cols == 2 else 7,
                                                  (0.28 * n + 1.6) * rows + 0.6),
                             squeeze=False, constrained_layout=True)
    for ax, (metric, region, bloc, label, unit) in zip(axes.flat, outcomes, strict=False):
        plot_effects(summary, metric, region, bloc, label, unit, month=month, ax=ax,
                     scenarios=scenarios)
    for ax in list(axes.flat)[len(outcomes):]:
        ax.set_visible(False)
    when = when or f"month {month} (counted from 0)"
    fig.suptitle(f"Effect of each scenario versus baseline in {when} (paired by seed; "
                 "bars: 90% confidence interval of the mean difference)")
    return fig


def sweep_figures(series_df: pd.DataFrame, summary: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Figures of a collected sweep, written as PNG files into ``out_dir``.

    ``scenario_outcomes.png``: each scenario against the baseline, every key outcome over time
    with bands across seeds; ``scenario_effects.png`` (if the sweep has a baseline): paired
    effects versus baseline; ``scenario_regions.png`` (if ``series_df`` holds the bloc shares of
    every region, not only the key outcomes' rows): whose models each region builds on;
    ``budgets.png`` (if ``series_df`` holds the baseline's bloc compute, spending and revenue):
    the accelerators, spending and revenue of each bloc's labs in the baseline
    (:func:`study.figures.budgets.budget_figure`).

    A sweep of parameters (a column of ``summary`` with several values) gets instead one
    ``response_<parameter>.png`` per swept parameter (:func:`study.figures.response.
    response_figure`; other swept parameters held at their smallest value): time series and
    effects would pool the runs of different values.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    swept = [p for p in summary_params(summary) if summary[p].nunique() > 1]
    figures = _response_figures(summary, swept) if swept else _scenario_figures(series_df,
                                                                                 summary)
    paths = []
    for name, draw in figures:
        fig = draw()
        paths.append(out_dir / name)
        fig.savefig(paths[-1], dpi=90)
        plt.close(fig)
    return paths


def _response_figures(summary: pd.DataFrame, swept: list[str]) -> list[tuple]:
    figures = []
    for param in swept:
        sel = summary
        for other in swept:
            if other != param:
                sel = sel[sel[other] == sel[other].min()]
        figures.append((f"response_{param}.png",
                        lambda sel=sel, param=param: response_figure(sel, param)))
    return figures


def _scenario_figures(series_df: pd.DataFrame, summary: pd.DataFrame) -> list[tuple]:
    money = slim(series_df, budgets.METRICS)
    series_df = slim(series_df, sorted({o[0] for o in _key_outcomes()} | {"bloc_share",
                                                                         "open_bloc_share"}))
    figures = [("scenario_outcomes.png", lambda: scenario_outcomes_figure(series_df))]
    if summary["effect_mean"].notna().any():
        last = summary.month.max()
        dates = series_df.loc[series_df.month == last, "date"]
        when = str(dates.iloc[0]) if len(dates) else None
        figures.append(("scenario_effects.png",
                        lambda: scenario_effects_figure(summary, month=last, when=when)))
    regions = set(series(series_df, "bloc_share").region.astype(str))
    if set(REGIONS) <= regions:  # only if the table holds every region's bloc shares
        figures.append(("scenario_regions.png", lambda: regional_shares_figure(series_df)))
    if budgets.has_budgets(money):  # tables from before the model recorded budgets have none
        figures.append(("budgets.png", lambda: budgets.budget_figure(money)))
    return figures
