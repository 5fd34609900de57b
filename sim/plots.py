"""Figures drawn from the tidy results table (never from model internals).

One function draws each figure; the command line, the sweep report and the notebooks all call
these. Colours come from the Okabe-Ito colour-blind-safe palette, fixed per bloc and region so a
bloc has the same colour in every figure.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # figures are written to files; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
             "#000000"]
BLOC_COLOURS = {"US": "#0072B2", "CN": "#D55E00", "EU": "#009E73"}
REGION_COLOURS = {"US": "#0072B2", "CN": "#D55E00", "EU": "#009E73", "ROW": "#CC79A7",
                  "global": "#000000"}
BLOC_NAMES = {"US": "US labs", "CN": "Chinese labs", "EU": "EU labs"}
REGION_NAMES = {"US": "United States", "CN": "China", "EU": "European Union",
                "ROW": "rest of world", "global": "global"}


def series(df: pd.DataFrame, metric: str, **dims: str) -> pd.DataFrame:
    """Rows of one metric (optionally filtered by region/bloc/lab), indexed by date."""
    sel = df[df.metric == metric]
    for key, value in dims.items():
        sel = sel[sel[key] == value]
    return sel


def _dates(sel: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(sel["date"], format="%Y-%m")


def plot_open_share(df: pd.DataFrame, ax=None):
    """Open-weight share of developers by region over time."""
    ax = ax or plt.subplots(figsize=(7, 4))[1]
    for region, colour in REGION_COLOURS.items():
        sel = series(df, "open_share", region=region).groupby("date", as_index=False).value.mean()
        ax.plot(_dates(sel), sel.value, color=colour, lw=2.5 if region == "global" else 1.5,
                label=REGION_NAMES[region])
    ax.set(title="Developers building on open-weight models", ylabel="share of developers",
           xlabel="month", ylim=(0, 1))
    ax.legend(frameon=False, fontsize=8)
    return ax


def plot_bloc_shares(df: pd.DataFrame, region: str = "ROW", ax=None):
    """Share of a region's developers on each bloc's models (solid) and open models (dashed)."""
    ax = ax or plt.subplots(figsize=(7, 4))[1]
    for bloc, colour in BLOC_COLOURS.items():
        for metric, style, suffix in (("bloc_share", "-", "all"),
                                      ("open_bloc_share", "--", "open")):
            sel = series(df, metric, region=region, bloc=bloc).groupby("date", as_index=False)\
                .value.mean()
            ax.plot(_dates(sel), sel.value, style, color=colour,
                    label=f"{BLOC_NAMES[bloc]} ({suffix})")
    ax.set(title=f"Whose models {REGION_NAMES[region]} developers build on",
           ylabel="share of developers", xlabel="month", ylim=(0, 1))
    ax.legend(frameon=False, fontsize=8, ncol=2)
    return ax


def plot_capability(df: pd.DataFrame, ax=None):
    """Frontier capability by bloc and the US-China gap in months."""
    ax = ax or plt.subplots(figsize=(7, 4))[1]
    sel = series(df, "us_china_gap_months").groupby("date", as_index=False).value.mean()
    ax.plot(_dates(sel), sel.value, color=BLOC_COLOURS["CN"], lw=2, label="US-China gap")
    sel = series(df, "open_closed_gap_months").groupby("date", as_index=False).value.mean()
    ax.plot(_dates(sel), sel.value, color=OKABE_ITO[6], lw=2, label="open-closed gap")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(title="Capability gaps", ylabel="months of frontier progress", xlabel="month")
    ax.legend(frameon=False, fontsize=8)
    return ax


def plot_premium(df: pd.DataFrame, ax=None):
    """Closed price premium over time."""
    ax = ax or plt.subplots(figsize=(7, 4))[1]
    sel = series(df, "closed_price_premium").groupby("date", as_index=False).value.mean()
    ax.plot(_dates(sel), sel.value, color=OKABE_ITO[4], lw=2)
    ax.set(title="Closed price premium", ylabel="closed API price / serving cost (x)",
           xlabel="month", ylim=(0, None))
    return ax


def plot_postures(df: pd.DataFrame, ax=None):
    """Each lab's posture over time (0 closed, 0.5 hybrid, 1 open) as a heat map."""
    ax = ax or plt.subplots(figsize=(8, 4.5))[1]
    sel = series(df, "lab_openness").groupby(["lab", "month"]).value.mean().unstack("month")
    from matplotlib.colors import ListedColormap
    cmap = ListedColormap(["#D55E00", "#F0E442", "#009E73"])
    img = ax.imshow(sel.to_numpy(), aspect="auto", cmap=cmap, vmin=0, vmax=1,
                    interpolation="nearest")
    ax.set_yticks(range(len(sel.index)), sel.index)
    ax.set(title="Lab release postures", xlabel="month since 2025-01")
    bar = plt.colorbar(img, ax=ax, ticks=[0, 0.5, 1])
    bar.ax.set_yticklabels(["closed", "hybrid", "open"])
    return ax


def run_figures(df: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Write the main outcome figures of one run (or a few runs, averaged) as PNG files."""
    out_dir = Path(out_dir)
    fig, axes = plt.subplots(2, 2, figsize=(13, 8), constrained_layout=True)
    plot_open_share(df, axes[0, 0])
    plot_bloc_shares(df, "ROW", axes[0, 1])
    plot_capability(df, axes[1, 0])
    plot_premium(df, axes[1, 1])
    scenario = ", ".join(sorted(df.scenario.unique()))
    fig.suptitle(f"Main outcomes: {scenario}")
    paths = [out_dir / "outcomes.png", out_dir / "postures.png"]
    fig.savefig(paths[0], dpi=110)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(9, 4.5), constrained_layout=True)
    plot_postures(df, ax)
    fig.savefig(paths[1], dpi=110)
    plt.close(fig)
    return paths


# ------------------------------------------------------------------------------ sweeps
#: Paul Tol's colour-blind-safe "muted" and "bright" palettes; one fixed colour per scenario.
SCENARIO_PALETTE = ["#000000", "#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE",
                    "#882255", "#44AA99", "#999933", "#AA4499", "#4477AA", "#EE6677",
                    "#228833", "#CCBB44", "#66CCEE", "#AA3377"]
SCENARIO_ORDER = ["baseline", "alibaba_closes", "chinese_labs_close", "china_locks_in_open",
                  "us_tightens_controls", "us_loosens_controls", "adaptive_controls",
                  "us_bans_chinese_models", "us_open_weight_push", "eu_open_investment",
                  "domestic_chip_breakthrough", "talent_restrictions"]
LINESTYLES = ["-", "--", "-.", ":"]


def scenario_style(name: str, others: list[str] | None = None) -> dict:
    """Colour and line style of a scenario, the same in every figure."""
    known = SCENARIO_ORDER + sorted(set(others or []) - set(SCENARIO_ORDER))
    i = known.index(name) if name in known else len(known)
    return {"color": SCENARIO_PALETTE[i % len(SCENARIO_PALETTE)],
            "linestyle": LINESTYLES[(i // 4) % len(LINESTYLES)] if i else "-",
            "lw": 2.4 if name == "baseline" else 1.5}


def scenario_label(name: str) -> str:
    """A scenario's name in words (``us_tightens_controls`` -> ``us tightens controls``)."""
    return " + ".join(part.replace("_", " ") for part in name.split("+"))


def plot_scenario_bands(df: pd.DataFrame, metric: str, region: str, bloc: str, label: str,
                        unit: str = "", ax=None, level: float = 0.90):
    """Mean over seeds of one outcome per scenario over time, with a band across seeds."""
    ax = ax or plt.subplots(figsize=(7, 4))[1]
    sel = series(df, metric, region=region, bloc=bloc)
    scenarios = sorted(sel.scenario.unique(), key=lambda s: (s != "baseline", s))
    q = (1 - level) / 2
    for name in scenarios:
        grp = sel[sel.scenario == name].groupby("date").value
        stats = pd.DataFrame({"mean": grp.mean(), "lo": grp.quantile(q), "hi": grp.quantile(1 - q)})
        x = pd.to_datetime(stats.index, format="%Y-%m")
        style = scenario_style(name, scenarios)
        ax.plot(x, stats["mean"], label=scenario_label(name), **style)
        ax.fill_between(x, stats["lo"], stats["hi"], color=style["color"], alpha=0.12, lw=0)
    ax.set(title=label, xlabel="month", ylabel=unit)
    return ax


def plot_effects(summary: pd.DataFrame, metric: str, region: str, bloc: str, label: str,
                 unit: str = "", month: int | None = None, ax=None):
    """Forest plot: each scenario's paired effect versus baseline with its 90% interval."""
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    sel = summary[(summary.metric == metric) & (summary.region == region)
                  & (summary.bloc == bloc) & (summary.lab == "") & (summary.scenario != "baseline")]
    month = sel.month.max() if month is None else month
    sel = sel[sel.month == month].dropna(subset=["effect_mean"])
    sel = sel.sort_values("effect_mean")
    y = range(len(sel))
    for i, row in zip(y, sel.itertuples(), strict=True):
        colour = scenario_style(row.scenario, list(sel.scenario))["color"]
        ax.errorbar([row.effect_mean], [i], xerr=[[row.effect_mean - row.effect_lo],
                                                  [row.effect_hi - row.effect_mean]],
                    fmt="o", color=colour, elinewidth=2, capsize=3)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(list(y), [scenario_label(s) for s in sel.scenario], fontsize=8)
    ax.set(title=label, xlabel=f"difference from baseline, same seed ({unit})")
    return ax


def sweep_figures(series_df: pd.DataFrame, summary: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Figures of a collected sweep: outcomes over time with bands, and effects versus baseline."""
    from sim.compare import KEY_OUTCOMES
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    n = len(KEY_OUTCOMES)
    fig, axes = plt.subplots((n + 1) // 2, 2, figsize=(14, 3.6 * ((n + 1) // 2)),
                             constrained_layout=True)
    for ax, (metric, region, bloc, label, unit) in zip(axes.flat, KEY_OUTCOMES, strict=False):
        plot_scenario_bands(series_df, metric, region, bloc, label, unit, ax)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=4, frameon=False, fontsize=8)
    fig.suptitle("Key outcomes by scenario (mean across seeds, band: 5th-95th percentile)")
    paths = [out_dir / "scenario_outcomes.png"]
    fig.savefig(paths[0], dpi=100)
    plt.close(fig)
    if summary["effect_mean"].notna().any():
        fig, axes = plt.subplots((n + 1) // 2, 2, figsize=(14, 3.4 * ((n + 1) // 2)),
                                 constrained_layout=True)
        for ax, (metric, region, bloc, label, unit) in zip(axes.flat, KEY_OUTCOMES,
                                                            strict=False):
            plot_effects(summary, metric, region, bloc, label, unit, ax=ax)
        last = summary.month.max()
        fig.suptitle(f"Effect of each scenario versus baseline in month {last} "
                     "(paired by seed; bars: 90% confidence interval)")
        paths.append(out_dir / "scenario_effects.png")
        fig.savefig(paths[1], dpi=100)
        plt.close(fig)
    return paths
