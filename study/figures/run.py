"""Figures of one run, or of a few runs averaged with bands: what the command line draws.

:func:`run_figures` writes ``outcomes.png``, ``postures.png`` and ``regions.png`` next to a run's
results table (``python -m experiments.run``); notebook 01 draws the same figures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from study.figures.style import (BLOC_COLOURS, BLOC_NAMES, BLOCS, IN_REGION, OKABE_ITO,
                                 POSTURE_CMAP, POSTURE_COLOURS, REGION_COLOURS, REGION_NAMES,
                                 REGIONS, band_note, date_axis, format_axis, line_band, new_ax,
                                 order_scenarios, scenario_label, scenario_rows)
from study.outcomes import CATALOGUE, metrics
from study.tables import LEVEL, bloc_lab_metrics, default_lab_blocs, n_runs, series, slim, to_dates

#: The outcome :func:`plot_open_share` draws for every region.
OPEN_SHARE = CATALOGUE["open_share"]

def plot_open_share(df: pd.DataFrame, ax=None, level: float = LEVEL):
    """Share of developers building on open-weight models, by region, over time."""
    ax = new_ax(ax)
    for region, colour in REGION_COLOURS.items():
        line_band(ax, series(df, OPEN_SHARE.metric, region=region), level, color=colour,
                  lw=2.6 if region == "global" else 1.6, label=REGION_NAMES[region])
    ax.set_title("Developers building on open-weight models")
    ax.set_ylim(0, 1)
    format_axis(ax, "share of the region's developers")
    date_axis(ax)
    ax.legend(frameon=False, fontsize=8, title="developers in", title_fontsize=8)
    return ax


def plot_bloc_shares(df: pd.DataFrame, region: str = "ROW", ax=None, level: float = LEVEL,
                     legend: bool = True, title: str | None = None):
    """Share of a region's developers on each bloc's models (solid) and open models (dashed)."""
    ax = new_ax(ax)
    for bloc, colour in BLOC_COLOURS.items():
        for metric, style, suffix in (("bloc_share", "-", "all models"),
                                      ("open_bloc_share", "--", "open-weight only")):
            line_band(ax, series(df, metric, region=region, bloc=bloc), level, color=colour,
                      linestyle=style, lw=1.8 if style == "-" else 1.4,
                      alpha=0.15 if style == "-" else 0.08,
                      label=f"{BLOC_NAMES[bloc]} ({suffix})")
    ax.set_title(f"Whose models developers in {IN_REGION[region]} build on" if title is None
                 else title)
    ax.set_ylim(0, 1)
    format_axis(ax, "share of the region's developers")
    date_axis(ax)
    if legend:
        ax.legend(frameon=False, fontsize=7.5, ncol=2)
    return ax


def bloc_legend_handles() -> list:
    """Legend entries for bloc-share panels: one colour per bloc, solid all / dashed open."""
    handles = [Patch(color=c, label=BLOC_NAMES[b]) for b, c in BLOC_COLOURS.items()]
    return handles + [Line2D([], [], color="grey", ls="-", label="models of any kind"),
                      Line2D([], [], color="grey", ls="--", label="open-weight models only")]


def plot_capability(df: pd.DataFrame, ax=None, level: float = LEVEL):
    """US-China and open-closed capability gaps over time, in months of frontier progress."""
    ax = new_ax(ax)
    line_band(ax, series(df, CATALOGUE["us_china_gap"].metric), level, color=BLOC_COLOURS["CN"],
              lw=2, label="Chinese frontier behind the US frontier")
    line_band(ax, series(df, CATALOGUE["open_closed_gap"].metric), level, color=OKABE_ITO[6],
              lw=2, linestyle="--", label="best open model behind the best closed model")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_title("Capability gaps")
    format_axis(ax, "gap (months of frontier progress)")
    date_axis(ax)
    ax.legend(frameon=False, fontsize=8)
    return ax


def plot_premium(df: pd.DataFrame, ax=None, level: float = LEVEL):
    """Closed price premium (user-weighted closed API price over serving cost) over time."""
    ax = new_ax(ax)
    premium = CATALOGUE["closed_premium"]
    line_band(ax, series(df, premium.metric), level, color=OKABE_ITO[4], lw=2)
    ax.set_title(premium.label)
    ax.set_ylim(0, None)
    format_axis(ax, premium.axis)
    date_axis(ax)
    return ax


def plot_open_labs(df: pd.DataFrame, ax=None, level: float = LEVEL):
    """Number of labs with an open posture, in all and by bloc, over time."""
    ax = new_ax(ax)
    open_labs = CATALOGUE["open_labs"]
    line_band(ax, series(df, open_labs.metric), level, color="black", lw=2.4, label="all labs")
    derived = bloc_lab_metrics(df)
    for bloc, colour in BLOC_COLOURS.items():
        line_band(ax, series(derived, "bloc_open_labs", bloc=bloc), level, color=colour,
                  lw=1.5, label=BLOC_NAMES[bloc])
    ax.set_title(open_labs.label)
    ax.set_ylim(0, None)
    format_axis(ax, open_labs.unit)
    date_axis(ax)
    ax.legend(frameon=False, fontsize=8)
    return ax


def _lab_order(labs: Sequence[str], lab_blocs: dict[str, str]) -> list[str]:
    roster = list(lab_blocs)
    rank = {b: i for i, b in enumerate(BLOCS)}
    return sorted(labs, key=lambda lab: (rank.get(lab_blocs.get(lab, ""), len(rank)),
                                         roster.index(lab) if lab in roster else len(roster),
                                         lab))


def plot_postures(df: pd.DataFrame, ax=None, lab_blocs: dict[str, str] | None = None,
                  title: str | None = None, colorbar: bool = True):
    """Which lab is open when: each lab's posture over time as a heat map (a timeline).

    Rows are labs grouped by home bloc; one cell per month coloured closed / hybrid / open. For
    several runs a cell shows the mean posture across runs on the same colour scale.
    """
    ax = new_ax(ax, (9, 4.8))
    lab_blocs = lab_blocs or default_lab_blocs()
    sel = series(df, "lab_openness")
    grid = sel.groupby(["lab", "date"], observed=True).value.mean().unstack("date") \
        .sort_index(axis=1).dropna(how="all")
    grid = grid.loc[_lab_order(list(grid.index), lab_blocs)]
    start = to_dates(grid.columns)
    edges = start.append(pd.DatetimeIndex([start[-1] + pd.DateOffset(months=1)]))
    several = n_runs(sel) > 1
    if several:
        cmap, norm = POSTURE_CMAP, None
    else:
        cmap = ListedColormap([POSTURE_COLOURS[p] for p in ("closed", "hybrid", "open")])
        norm = BoundaryNorm([-0.25, 0.25, 0.75, 1.25], cmap.N)
    mesh = ax.pcolormesh(edges, np.arange(len(grid) + 1) - 0.5, grid.to_numpy(), cmap=cmap,
                         norm=norm, vmin=None if norm else 0, vmax=None if norm else 1,
                         shading="flat")
    ax.set_ylim(len(grid) - 0.5, -0.5)
    ax.set_yticks(range(len(grid)),
                  [f"{lab} ({lab_blocs.get(lab, '?')})" for lab in grid.index], fontsize=8)
    blocs = [lab_blocs.get(lab, "?") for lab in grid.index]
    for i in range(1, len(blocs)):
        if blocs[i] != blocs[i - 1]:
            ax.axhline(i - 0.5, color="white", lw=2.5)
    for tick, bloc in zip(ax.get_yticklabels(), blocs, strict=True):
        tick.set_color(BLOC_COLOURS.get(bloc, "black"))
    ax.set_ylabel("lab (home bloc)")
    date_axis(ax)
    names = order_scenarios(sel.scenario.unique()) if "scenario" in sel.columns else []
    which = f": {scenario_label(names[0])}" if len(names) == 1 else ""
    ax.set_title(title or (f"Which lab is open when{which}"
                           + (f" (mean of {n_runs(sel)} runs)" if several else "")))
    if colorbar:
        bar = ax.figure.colorbar(mesh, ax=ax, ticks=[0, 0.5, 1], pad=0.01, fraction=0.04)
        bar.ax.set_yticklabels(["closed", "hybrid", "open"])
        bar.set_label("posture" + (" (mean across runs)" if several else ""))
    return ax


#: The outcomes the panels of :func:`outcomes_figure` show (the analyses' outcomes
#: ``study.uncertainty.OUTCOMES`` add the Chinese share by tokens and the Chinese labs' posture).
FIGURE_OUTCOMES = ("open_share", "row_cn_share", "cn_open_share", "us_china_gap",
                   "open_closed_gap", "closed_premium")
#: Metrics drawn by :func:`outcomes_figure`: those of the outcomes its panels show.
OUTCOME_METRICS = metrics(FIGURE_OUTCOMES)


def outcomes_figure(df: pd.DataFrame, level: float = LEVEL, title: str | None = None):
    """The main outcomes of one run (or several, with bands) on one page.

    Panels: open-weight share by region; whose models rest-of-world developers use; capability
    gaps; the closed price premium.
    """
    df = slim(df, OUTCOME_METRICS)
    fig, axes = plt.subplots(2, 2, figsize=(13, 8), constrained_layout=True)
    plot_open_share(df, axes[0, 0], level)
    plot_bloc_shares(df, "ROW", axes[0, 1], level)
    plot_capability(df, axes[1, 0], level)
    plot_premium(df, axes[1, 1], level)
    names = "; ".join(scenario_label(s) for s in order_scenarios(df.scenario.unique()))
    note = band_note(df, level)
    fig.suptitle(title or f"Main outcomes: {names}" + (f"\n({note})" if note else ""))
    return fig


def postures_figure(df: pd.DataFrame, title: str | None = None):
    """The lab posture timeline on its own page."""
    fig, ax = plt.subplots(figsize=(10, 4.8), constrained_layout=True)
    plot_postures(df, ax, title=title)
    return fig


def regional_shares_figure(df: pd.DataFrame, scenarios: Sequence[str] | None = None,
                           regions: Sequence[str] = REGIONS, level: float = LEVEL):
    """Who builds on whose models in each region: one row per scenario, one column per region.

    Args:
        df: tidy table of one or more runs.
        scenarios: scenarios to show, one row each (default: all in ``df``, in fixed order).
        regions: developer regions, one column each.
        level: coverage of the bands across runs.

    Returns:
        The figure.
    """
    df = slim(df, ["bloc_share", "open_bloc_share"])
    scenarios = order_scenarios(scenarios or df.scenario.unique())
    rows = len(scenarios)
    fig = plt.figure(figsize=(3.6 * len(regions) + 0.4, (2.9 if rows == 1 else 2.6) * rows + 1.0),
                     constrained_layout=True)
    for r, (sub_fig, name) in enumerate(zip(scenario_rows(fig, scenarios, rows > 1), scenarios,
                                            strict=True)):
        sub = df[df.scenario == name]
        axes = sub_fig.subplots(1, len(regions), sharey=True, squeeze=False)[0]
        for c, (ax, region) in enumerate(zip(axes, regions, strict=True)):
            plot_bloc_shares(sub, region, ax, level, legend=False,
                             title=f"Developers in {IN_REGION[region]}" if r == 0 else "")
            ax.title.set_fontsize(10)
            if c:
                ax.set_ylabel("")
            if r < rows - 1:
                ax.set_xlabel("")
    fig.legend(handles=bloc_legend_handles(), loc="outside lower center", ncol=5, frameon=False,
               fontsize=9)
    note = band_note(df[df.scenario == scenarios[0]], level, "runs" if rows == 1 else "seeds")
    single = scenario_label(scenarios[0]) if rows == 1 else "each scenario in a row"
    fig.suptitle(f"Whose models developers build on, by region: {single}"
                 + (f"\n({note})" if note else ""))
    return fig


def run_figures(df: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Write the main outcome figures of one run (or a few runs, averaged) as PNG files.

    Returns:
        Paths of ``outcomes.png``, ``postures.png``, ``regions.png`` and ``shares.png``
        (developers by bloc and by lab as stacked areas, :mod:`study.figures.shares`) in
        ``out_dir``.
    """
    from study.figures.shares import share_areas_figure

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, fig in (("outcomes.png", outcomes_figure(df)), ("postures.png", postures_figure(df)),
                      ("regions.png", regional_shares_figure(df)),
                      ("shares.png", share_areas_figure(df))):
        paths.append(out_dir / name)
        fig.savefig(paths[-1], dpi=110)
        plt.close(fig)
    return paths
