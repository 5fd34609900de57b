"""Figures drawn from the tidy results table (never from model internals).

One function draws each figure; the command line (:func:`run_figures`), the sweep report
(:func:`sweep_figures`) and the notebooks in ``notebooks/`` all call these, so a chart looks the
same wherever it appears. The functions take the tidy table of :func:`sim.run.run` (one run), a
concatenation of such tables (several seeds or scenarios), or a collected sweep table
(``sweep_results.parquet``). Where a table holds several runs, a line is the mean across runs
and the shaded band spans the 5th to 95th percentile across them.

Conventions a reader can rely on:

* colours come from colour-blind-safe palettes (Okabe-Ito for blocs, regions and postures; Paul
  Tol's for scenarios), fixed per bloc, region, posture and scenario, so a scenario has the same
  colour in every figure;
* scenarios are named in words (the descriptions in ``configs/scenario/*.yaml``);
* every axis carries a unit; shares are shown in percent, differences of shares in percentage
  points.

Axes-level functions are named ``plot_*`` and take an optional ``ax``; figure-level functions
are named ``*_figure`` and return a :class:`matplotlib.figure.Figure`.
"""

from __future__ import annotations

import os
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import matplotlib

# Figures are written to files from scripts and worker processes (no display needed), but a
# Jupyter kernel (and Solara) chooses its inline backend through MPLBACKEND before any user code
# runs: keep that one, so that notebooks show the figures.
if not os.environ.get("MPLBACKEND"):
    matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from matplotlib.colors import BoundaryNorm, LinearSegmentedColormap, ListedColormap  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "configs" / "scenario"

# ------------------------------------------------------------------------------ palettes
#: Okabe & Ito (2008), safe for the common colour-vision deficiencies.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
             "#000000"]
BLOC_COLOURS = {"US": "#0072B2", "CN": "#D55E00", "EU": "#009E73"}
REGION_COLOURS = {"US": "#0072B2", "CN": "#D55E00", "EU": "#009E73", "ROW": "#CC79A7",
                  "global": "#000000"}
BLOC_NAMES = {"US": "US labs", "CN": "Chinese labs", "EU": "EU labs"}
REGION_NAMES = {"US": "United States", "CN": "China", "EU": "European Union",
                "ROW": "rest of world", "global": "global"}
#: A region as it reads after "developers in".
IN_REGION = {"US": "the United States", "CN": "China", "EU": "the European Union",
             "ROW": "the rest of the world", "global": "the world"}
REGIONS = ["US", "CN", "EU", "ROW"]
BLOCS = ["US", "CN", "EU"]
#: Lab postures (as in the explorer page): closed vermilion, hybrid yellow, open bluish green.
POSTURE_COLOURS = {"closed": "#D55E00", "hybrid": "#F0E442", "open": "#009E73"}
POSTURE_CMAP = LinearSegmentedColormap.from_list(
    "posture", [POSTURE_COLOURS["closed"], POSTURE_COLOURS["hybrid"], POSTURE_COLOURS["open"]])
#: Sequential, colour-blind-safe and monotone in lightness: for ordered values (years, levers).
SEQUENTIAL_CMAP = "cividis"
#: One colour per scenario: black for the baseline, then Paul Tol's "muted" palette, his "bright"
#: blue and "vibrant" orange; further (unknown) scenarios take the later entries by name.
SCENARIO_PALETTE = ["#000000", "#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE",
                    "#882255", "#44AA99", "#999933", "#AA4499", "#4477AA", "#EE7733",
                    "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#EE3377", "#0077BB"]
SCENARIO_ORDER = ["baseline", "alibaba_closes", "chinese_labs_close", "china_locks_in_open",
                  "us_tightens_controls", "us_loosens_controls", "adaptive_controls",
                  "us_bans_chinese_models", "us_open_weight_push", "eu_open_investment",
                  "domestic_chip_breakthrough", "talent_restrictions"]
LINESTYLES = ["-", "--", "-.", ":"]
BASELINE = "baseline"
BASELINE_LABEL = "baseline (policies of early 2025)"
#: Band of a figure drawn from several runs: 5th to 95th percentile across runs.
LEVEL = 0.90


# ------------------------------------------------------------------------------ scenarios
def scenario_style(name: str, others: Sequence[str] | None = None) -> dict:
    """Colour, line style and width of a scenario: the same in every figure.

    Args:
        name: scenario key (``alibaba_closes``; combinations as ``a+b``).
        others: ignored; kept for backwards compatibility (the style of a scenario never
            depends on which other scenarios a figure shows).

    Returns:
        Keyword arguments for :meth:`matplotlib.axes.Axes.plot`.
    """
    if name in SCENARIO_ORDER:
        i = SCENARIO_ORDER.index(name)
    else:  # a stable slot outside the named scenarios, chosen by the name alone
        extra = len(SCENARIO_PALETTE) - len(SCENARIO_ORDER)
        i = len(SCENARIO_ORDER) + zlib.crc32(name.encode()) % extra
    return {"color": SCENARIO_PALETTE[i % len(SCENARIO_PALETTE)],
            "linestyle": LINESTYLES[(i // 4) % len(LINESTYLES)] if i else "-",
            "lw": 2.4 if name == BASELINE else 1.6}


def scenario_colour(name: str) -> str:
    """The colour of a scenario (see :func:`scenario_style`)."""
    return scenario_style(name)["color"]


@lru_cache(maxsize=1)
def scenario_descriptions() -> dict[str, str]:
    """Each scenario's description in words, from ``configs/scenario/*.yaml``."""
    names = {BASELINE: BASELINE_LABEL}
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        parts = (yaml.safe_load(path.read_text()) or {}).get("scenario_parts") or {}
        names.update({str(k): str(v) for k, v in parts.items()})
    return names


def scenario_label(name: str) -> str:
    """A scenario's name in words (``us_tightens_controls`` -> ``US tightens chip controls``).

    Combinations (``a+b``) join their parts with `` + ``; a scenario without a description
    reads as its key with spaces (``my_case`` -> ``my case``).
    """
    words = scenario_descriptions()
    return " + ".join(words.get(part, part.replace("_", " ")) for part in name.split("+"))


def order_scenarios(names: Sequence[str]) -> list[str]:
    """Scenario keys in the fixed order of :data:`SCENARIO_ORDER` (baseline first, then others)."""
    known = [s for s in SCENARIO_ORDER if s in set(names)]
    return known + sorted(set(names) - set(known))


# ------------------------------------------------------------------------------ tables
def _dim(col: pd.Series) -> pd.Series:
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
            df[col] = _dim(df[col]).astype("category")
    return df


def series(df: pd.DataFrame, metric: str, **dims: str) -> pd.DataFrame:
    """Rows of one metric, optionally filtered by dimension (``region="ROW", bloc="CN"``)."""
    sel = df[df.metric == metric]
    for key, value in dims.items():
        sel = sel[_dim(sel[key]) == value]
    return sel


def _dates(values) -> pd.DatetimeIndex:
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


def default_lab_blocs() -> dict[str, str]:
    """Home bloc of every lab of the default roster (``{"deepseek": "CN", ...}``)."""
    from sim.config import SimConfig
    return {name: str(getattr(lab.bloc, "value", lab.bloc)) for name, lab in SimConfig().labs
            .items()}


#: Bloc-level metrics derived from the per-lab rows by :func:`bloc_lab_metrics`.
DERIVED_METRICS = {
    "bloc_compute_h100e": "training compute of the bloc's labs, H100 equivalents (sum)",
    "bloc_open_labs": "number of the bloc's labs whose posture is open",
    "bloc_openness": "mean posture of the bloc's labs: 0 closed, 0.5 hybrid, 1 open",
}


def bloc_lab_metrics(df: pd.DataFrame, lab_blocs: dict[str, str] | None = None) -> pd.DataFrame:
    """Tidy rows of :data:`DERIVED_METRICS`: per-lab metrics summed or averaged by home bloc.

    Args:
        df: tidy table with ``lab_compute_h100e`` and ``lab_openness`` rows.
        lab_blocs: lab name -> bloc (default: :func:`default_lab_blocs`).

    Returns:
        Rows with the same columns as ``df``, ``bloc`` set and ``lab`` and ``region`` empty;
        concatenate them to ``df`` to plot them like any metric.
    """
    lab_blocs = lab_blocs or default_lab_blocs()
    labs = df[df.metric.isin(["lab_compute_h100e", "lab_openness"])]
    labs = labs.assign(bloc=_dim(labs["lab"].astype(object)).map(lab_blocs).fillna("other"))
    keys = [c for c in df.columns if c not in ("metric", "region", "bloc", "lab", "value")]
    keys = keys + ["bloc"]
    frames = []
    for metric, source, how in (("bloc_compute_h100e", "lab_compute_h100e", "sum"),
                                ("bloc_open_labs", "lab_openness", "open"),
                                ("bloc_openness", "lab_openness", "mean")):
        rows = labs[labs.metric == source]
        values = rows["value"] if how != "open" else (rows["value"] >= 1.0).astype(float)
        agg = values.groupby([rows[k] for k in keys], dropna=False, sort=False, observed=True)
        agg = (agg.sum() if how in ("sum", "open") else agg.mean()).reset_index()
        frames.append(agg.assign(metric=metric, region="", lab=""))
    return pd.concat(frames, ignore_index=True)[list(df.columns)]


# ------------------------------------------------------------------------------ axes helpers
def _is_share(unit: str) -> bool:
    return unit.strip().lower().startswith("share")


def unit_label(unit: str) -> str:
    """An axis unit as shown: shares in percent (``share of developers`` -> ``% of developers``)."""
    if _is_share(unit):
        rest = unit.strip()[len("share"):].strip()
        return f"% {rest}" if rest else "% of developers"
    return unit


def _format_axis(ax, unit: str, axis: str = "y") -> None:
    """Label an axis with its unit and show shares in percent."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    if _is_share(unit):
        target.set_major_formatter(PercentFormatter(1.0, decimals=0))
    target.set_label_text(unit_label(unit))


def _date_axis(ax, label: str = "calendar month", maxticks: int = 7) -> None:
    locator = mdates.AutoDateLocator(minticks=2, maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    ax.set_xlabel(label)


def _line_band(ax, sel: pd.DataFrame, level: float = LEVEL, label: str | None = None,
               alpha: float = 0.15, **style) -> Line2D | None:
    """Mean over runs per month as a line, and the band across runs if there are several."""
    if sel.empty:
        return None
    stats = band(sel, level)
    x = _dates(stats.index)
    (line,) = ax.plot(x, stats["mean"], label=label, **style)
    if (stats["n"] > 1).any():
        ax.fill_between(x, stats["lo"], stats["hi"], color=line.get_color(), alpha=alpha, lw=0)
    return line


def _band_note(df: pd.DataFrame, level: float = LEVEL, what: str = "runs") -> str:
    n = n_runs(df)
    if n <= 1:
        return ""
    lo = round(100 * (1 - level) / 2)
    return f"lines: mean of {n} {what}; bands: {lo}th-{100 - lo}th percentile across {what}"


def _new_ax(ax, size=(7, 4)):
    return ax if ax is not None else plt.subplots(figsize=size, constrained_layout=True)[1]


# ------------------------------------------------------------------------------ one run
def plot_open_share(df: pd.DataFrame, ax=None, level: float = LEVEL):
    """Share of developers building on open-weight models, by region, over time."""
    ax = _new_ax(ax)
    for region, colour in REGION_COLOURS.items():
        _line_band(ax, series(df, "open_share", region=region), level, color=colour,
                   lw=2.6 if region == "global" else 1.6, label=REGION_NAMES[region])
    ax.set_title("Developers building on open-weight models")
    ax.set_ylim(0, 1)
    _format_axis(ax, "share of the region's developers")
    _date_axis(ax)
    ax.legend(frameon=False, fontsize=8, title="developers in", title_fontsize=8)
    return ax


def plot_bloc_shares(df: pd.DataFrame, region: str = "ROW", ax=None, level: float = LEVEL,
                     legend: bool = True, title: str | None = None):
    """Share of a region's developers on each bloc's models (solid) and open models (dashed)."""
    ax = _new_ax(ax)
    for bloc, colour in BLOC_COLOURS.items():
        for metric, style, suffix in (("bloc_share", "-", "all models"),
                                      ("open_bloc_share", "--", "open-weight only")):
            _line_band(ax, series(df, metric, region=region, bloc=bloc), level, color=colour,
                       linestyle=style, lw=1.8 if style == "-" else 1.4,
                       alpha=0.15 if style == "-" else 0.08,
                       label=f"{BLOC_NAMES[bloc]} ({suffix})")
    ax.set_title(f"Whose models developers in {IN_REGION[region]} build on" if title is None
                 else title)
    ax.set_ylim(0, 1)
    _format_axis(ax, "share of the region's developers")
    _date_axis(ax)
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
    ax = _new_ax(ax)
    _line_band(ax, series(df, "us_china_gap_months"), level, color=BLOC_COLOURS["CN"], lw=2,
               label="Chinese frontier behind the US frontier")
    _line_band(ax, series(df, "open_closed_gap_months"), level, color=OKABE_ITO[6], lw=2,
               linestyle="--", label="best open model behind the best closed model")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_title("Capability gaps")
    _format_axis(ax, "gap (months of frontier progress)")
    _date_axis(ax)
    ax.legend(frameon=False, fontsize=8)
    return ax


def plot_premium(df: pd.DataFrame, ax=None, level: float = LEVEL):
    """Closed price premium (user-weighted closed API price over serving cost) over time."""
    ax = _new_ax(ax)
    _line_band(ax, series(df, "closed_price_premium"), level, color=OKABE_ITO[4], lw=2)
    ax.set_title("Closed price premium")
    ax.set_ylim(0, None)
    _format_axis(ax, "closed API price / serving cost (x)")
    _date_axis(ax)
    return ax


def plot_open_labs(df: pd.DataFrame, ax=None, level: float = LEVEL):
    """Number of labs with an open posture, in all and by bloc, over time."""
    ax = _new_ax(ax)
    _line_band(ax, series(df, "n_open_labs"), level, color="black", lw=2.4, label="all labs")
    derived = bloc_lab_metrics(df)
    for bloc, colour in BLOC_COLOURS.items():
        _line_band(ax, series(derived, "bloc_open_labs", bloc=bloc), level, color=colour,
                   lw=1.5, label=BLOC_NAMES[bloc])
    ax.set_title("Labs with an open posture")
    ax.set_ylim(0, None)
    _format_axis(ax, "labs")
    _date_axis(ax)
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
    ax = _new_ax(ax, (9, 4.8))
    lab_blocs = lab_blocs or default_lab_blocs()
    sel = series(df, "lab_openness")
    grid = sel.groupby(["lab", "date"], observed=True).value.mean().unstack("date") \
        .sort_index(axis=1).dropna(how="all")
    grid = grid.loc[_lab_order(list(grid.index), lab_blocs)]
    start = _dates(grid.columns)
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
    _date_axis(ax)
    names = order_scenarios(sel.scenario.unique()) if "scenario" in sel.columns else []
    which = f": {scenario_label(names[0])}" if len(names) == 1 else ""
    ax.set_title(title or (f"Which lab is open when{which}"
                           + (f" (mean of {n_runs(sel)} runs)" if several else "")))
    if colorbar:
        bar = ax.figure.colorbar(mesh, ax=ax, ticks=[0, 0.5, 1], pad=0.01, fraction=0.04)
        bar.ax.set_yticklabels(["closed", "hybrid", "open"])
        bar.set_label("posture" + (" (mean across runs)" if several else ""))
    return ax


#: Metrics drawn by :func:`outcomes_figure`.
OUTCOME_METRICS = ["open_share", "bloc_share", "open_bloc_share", "us_china_gap_months",
                   "open_closed_gap_months", "closed_price_premium"]


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
    note = _band_note(df, level)
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
    for r, (sub_fig, name) in enumerate(zip(_scenario_rows(fig, scenarios, rows > 1), scenarios,
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
    note = _band_note(df[df.scenario == scenarios[0]], level,
                      "runs" if rows == 1 else "seeds")
    single = scenario_label(scenarios[0]) if rows == 1 else "each scenario in a row"
    fig.suptitle(f"Whose models developers build on, by region: {single}"
                 + (f"\n({note})" if note else ""))
    return fig


def _scenario_rows(fig, scenarios: Sequence[str], headed: bool = True) -> list:
    """One subfigure per scenario, stacked, each headed by the scenario's name on its colour."""
    subs = fig.subfigures(len(scenarios), 1, squeeze=False)[:, 0] if len(scenarios) > 1 \
        else [fig]
    if headed:
        for sub_fig, name in zip(subs, scenarios, strict=True):
            scenario_tag(sub_fig, name)
    return list(subs)


def scenario_tag(fig, name: str, **kwargs):
    """Title a (sub)figure with a scenario's name in words on a patch of its colour."""
    colour = scenario_colour(name)
    return fig.suptitle(scenario_label(name), x=0.005, ha="left", fontsize=10,
                        fontweight="bold", color=_text_on(colour),
                        bbox={"facecolor": colour, "edgecolor": "none",
                              "boxstyle": "round,pad=0.25"}, **kwargs)


def _text_on(colour: str) -> str:
    """Black or white, whichever reads better on ``colour``."""
    r, g, b = matplotlib.colors.to_rgb(colour)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


def _wrap(text: str, width: int) -> str:
    import textwrap
    return "\n".join(textwrap.wrap(text, width)) or text


def run_figures(df: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Write the main outcome figures of one run (or a few runs, averaged) as PNG files.

    Returns:
        Paths of ``outcomes.png``, ``postures.png`` and ``regions.png`` in ``out_dir``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, fig in (("outcomes.png", outcomes_figure(df)), ("postures.png", postures_figure(df)),
                      ("regions.png", regional_shares_figure(df))):
        paths.append(out_dir / name)
        fig.savefig(paths[-1], dpi=110)
        plt.close(fig)
    return paths


# ------------------------------------------------------------------------------ sweeps
def _key_outcomes():
    from study.compare import KEY_OUTCOMES
    return KEY_OUTCOMES


def plot_scenario_bands(df: pd.DataFrame, metric: str, region: str, bloc: str, label: str,
                        unit: str = "", ax=None, level: float = LEVEL,
                        scenarios: Sequence[str] | None = None, legend: bool = False):
    """One outcome per scenario over time, overlaid: mean across seeds with a band across seeds.

    Overlaying more than four or five scenarios gets cluttered; pass ``scenarios`` to pick a
    subset, or use :func:`scenario_outcomes_figure` (each scenario against the baseline in its
    own panel).
    """
    ax = _new_ax(ax)
    sel = series(df, metric, region=region, bloc=bloc)
    names = order_scenarios(sel.scenario.unique())
    if scenarios is not None:
        names = [s for s in order_scenarios(scenarios) if s in set(names)]
    for name in names:
        _line_band(ax, sel[sel.scenario == name], level, label=scenario_label(name),
                   alpha=0.12, **scenario_style(name))
    ax.set_title(label)
    _format_axis(ax, unit)
    _date_axis(ax)
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
    note = _band_note(df[df.scenario == names[0]], level, "seeds")
    fig.suptitle("Key outcomes by scenario" + (f"\n({note})" if note else ""))
    return fig


def plot_scenario_vs_baseline(df: pd.DataFrame, scenario: str, metric: str, region: str,
                              bloc: str, label: str, unit: str = "", ax=None,
                              level: float = LEVEL, small: bool = False):
    """One outcome of one scenario (its colour) against the baseline (grey), bands across seeds.

    ``small=True`` sizes the labels for a panel in a grid of small multiples.
    """
    ax = _new_ax(ax, (4, 3))
    sel = series(df, metric, region=region, bloc=bloc)
    if scenario != BASELINE:
        _line_band(ax, sel[sel.scenario == BASELINE], level, label=BASELINE_LABEL,
                   color="#888888", lw=1.4, alpha=0.25)
    _line_band(ax, sel[sel.scenario == scenario], level, label=scenario_label(scenario),
               alpha=0.2, **{**scenario_style(scenario), "lw": 2.0})
    ax.set_title(label, fontsize=9.5 if small else None)
    _format_axis(ax, unit)
    _date_axis(ax, maxticks=4 if small else 7)
    if small:
        ax.yaxis.label.set_text(_wrap(ax.yaxis.label.get_text(), 22))
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
    for r, (sub_fig, name) in enumerate(zip(_scenario_rows(fig, rows), rows, strict=True)):
        axes = sub_fig.subplots(1, len(outcomes), squeeze=False)[0]
        for ax, (metric, region, bloc, title, unit) in zip(axes, outcomes, strict=True):
            plot_scenario_vs_baseline(df, name, metric, region, bloc, _wrap(title, 30), unit, ax,
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
    seeds = int(df["seed"].nunique()) if "seed" in df.columns else 1
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
    ax = _new_ax(ax, (6, 4))
    sel = summary[(summary.metric == metric) & (_dim(summary.region) == region)
                  & (_dim(summary.bloc) == bloc) & (_dim(summary.lab) == "")
                  & (summary.scenario != BASELINE)]
    if scenarios is not None:
        sel = sel[sel.scenario.isin(list(scenarios))]
    month = sel.month.max() if month is None else month
    sel = sel[sel.month == month].dropna(subset=["effect_mean"])
    if sel.scenario.duplicated().any():
        raise ValueError("the summary has several rows per scenario (swept parameters?): "
                         "filter it to one parameter set first")
    sel = sel.sort_values("effect_mean")
    scale = 100.0 if _is_share(unit) else 1.0
    for i, row in enumerate(sel.itertuples()):
        mean = scale * row.effect_mean
        err = [[scale * (row.effect_mean - row.effect_lo)], [scale * (row.effect_hi
                                                                      - row.effect_mean)]]
        ax.errorbar([mean], [i], xerr=err, fmt="o", color=scenario_colour(row.scenario),
                    elinewidth=2, capsize=3, label=scenario_label(row.scenario))
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_ylim(-0.6, max(len(sel), 1) - 0.4)
    ax.set_yticks(range(len(sel)), [scenario_label(s) for s in sel.scenario], fontsize=8)
    shown = "percentage points" if _is_share(unit) else unit
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
    every region, not only the key outcomes' rows): whose models each region builds on.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    series_df = slim(series_df, sorted({o[0] for o in _key_outcomes()} | {"bloc_share",
                                                                         "open_bloc_share"}))
    paths = []
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
    for name, draw in figures:
        fig = draw()
        paths.append(out_dir / name)
        fig.savefig(paths[-1], dpi=90)
        plt.close(fig)
    return paths


# ------------------------------------------------------------------------------ mechanisms
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
    from sim.config import MarketConfig
    from sim.market import closed_markup
    market = market or MarketConfig()
    ax = _new_ax(ax, (7, 4.5))
    keys = [c for c in ("run_id", "scenario", "seed", "month", "date") if c in df.columns]
    wide = df[df.metric.isin(["closed_price_premium", "open_closed_gap_months"])] \
        .pivot_table(index=keys, columns="metric", values="value", observed=True).dropna() \
        .reset_index()
    x, y = wide["open_closed_gap_months"], wide["closed_price_premium"]
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
    df = slim(df, ["closed_price_premium", "open_closed_gap_months"])
    fig, axes = plt.subplots(1, 3, figsize=(18, 4.8), constrained_layout=True)
    plot_scenario_bands(df, "closed_price_premium", "", "", "Closed price premium",
                        "closed API price / serving cost (x)", axes[0], level)
    plot_scenario_bands(df, "open_closed_gap_months", "", "", "Open-closed capability gap",
                        "months the best open model trails", axes[1], level)
    axes[1].axhline(0, color="grey", lw=0.8)
    plot_premium_vs_gap(df, market, axes[2])
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=min(len(labels), 4),
               frameon=False, fontsize=9)
    fig.suptitle("Why pay for a closed model if an equally capable one is free? The closed price "
                 "premium follows the open-closed capability gap")
    return fig


#: The export-control transmission chain drawn by :func:`lever_chain_figure`:
#: (metric, region, bloc, title, unit, log scale).
CONTROLS_CHAIN = [
    ("chip_access", "", "CN", "1. China's access to frontier chips",
     "share of wanted chips obtained", False),
    ("bloc_compute_h100e", "", "CN", "2. Chinese labs' training compute", "H100 equivalents",
     True),
    ("us_china_gap_months", "", "", "3. US-China capability gap",
     "months of frontier progress", False),
    ("bloc_openness", "", "CN", "4. Chinese labs' mean posture",
     "openness (0 closed, 0.5 hybrid, 1 open)", False),
    ("open_bloc_share", "global", "CN", "5. Developers on Chinese open models",
     "share of developers worldwide", False),
    ("open_share", "global", "", "6. Developers on open-weight models",
     "share of developers worldwide", False),
]


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
    ax = _new_ax(ax, (5, 3.5))
    sel = series(_with_derived(df, [(metric,)], [by]), metric, region=region, bloc=bloc)
    colours = lever_colours(sel[by].unique())
    for value, colour in colours.items():
        _line_band(ax, sel[sel[by] == value], level, label=fmt(value), color=colour, lw=1.8,
                   alpha=0.12)
    ax.set_title(label or metric, fontsize=10)
    if log:
        ax.set_yscale("log")
    _format_axis(ax, unit)
    _date_axis(ax)
    return ax


def plot_lever_response(df: pd.DataFrame, by: str, metric: str, region: str = "",
                        bloc: str = "", label: str = "", unit: str = "", ax=None,
                        log: bool = False, month: int | None = None, by_unit: str = "",
                        level: float = LEVEL):
    """An outcome in one month (default: the last) against the lever level: mean and band."""
    ax = _new_ax(ax, (4, 3.2))
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
    _format_axis(ax, unit)
    _format_axis(ax, by_unit or by, axis="x")
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
               title=_wrap(by_label, 18), title_fontsize=9)
    axes2 = bottom.subplots(1, len(chain), squeeze=False)[0]
    for ax, (metric, region, bloc, label, unit, log) in zip(axes2, chain, strict=True):
        plot_lever_response(df, by, metric, region, bloc, _wrap(label, 26), unit, ax, log,
                            by_unit=by_unit or by, level=level)
        ax.title.set_fontsize(8.5)
        ax.yaxis.label.set_fontsize(8)
    last = df.loc[df.month == df.month.max(), "date"]
    when = str(last.iloc[0]) if len(last) else "the last month"
    bottom.suptitle(f"In {when}, against the lever (mean and band across seeds)", fontsize=10)
    note = _band_note(df[df[by] == df[by].iloc[0]], level, "seeds")
    fig.suptitle(title or f"How {by_label} flows through the model" + (f"\n({note})" if note
                                                                         else ""))
    return fig
