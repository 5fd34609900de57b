"""How figures look: colours, names in words, scenario styles and the helpers of every axis.

Every figure module takes its colours and names from here, so a bloc, region, posture or scenario
has one colour and one name in every figure of the project (and on the explorer page).
"""

from __future__ import annotations

import textwrap
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import matplotlib
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import yaml
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from study.tables import LEVEL, band, n_runs, to_dates


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
                    "#EE3377", "#777777", "#CCBB44", "#66CCEE", "#AA3377", "#228833",
                    "#0077BB"]
LINESTYLES = ["-", "--", "-.", ":"]
BASELINE = "baseline"
BASELINE_LABEL = "baseline (policies of early 2025)"


# ------------------------------------------------------------------------------ scenarios
def scenario_dir() -> Path:
    """The folder of scenario files (``scenario/`` of :data:`sim.hydra_conf.CONFIG_DIR`)."""
    from sim.hydra_conf import CONFIG_DIR  # imports Hydra: only when a scenario is styled

    return CONFIG_DIR / "scenario"


@lru_cache(maxsize=4)
def _scenario_order(folder: Path) -> tuple[str, ...]:
    from sim.hydra_conf import scenario_names  # imports Hydra: only when a scenario is styled

    return (BASELINE, *[n for n in scenario_names(folder) if n != BASELINE])


def scenario_order() -> tuple[str, ...]:
    """The scenarios of the scenario files: the baseline first, then the others by file name.

    Read from the files, so a new scenario file is ordered and styled with no code change.
    """
    return _scenario_order(scenario_dir())


def scenario_style(name: str) -> dict:
    """Colour, line style and width of a scenario: the same in every figure.

    The style depends on the name and the scenario files alone (:func:`scenario_order`), never
    on which other scenarios a figure shows.

    Args:
        name: scenario key (``alibaba_closes``; combinations as ``a+b``).

    Returns:
        Keyword arguments for :meth:`matplotlib.axes.Axes.plot`.
    """
    order = scenario_order()
    if name in order:
        i = order.index(name)
    else:  # a stable slot outside the scenario files, chosen by the name alone
        extra = max(len(SCENARIO_PALETTE) - len(order), 1)
        i = len(order) + zlib.crc32(name.encode()) % extra
    return {"color": SCENARIO_PALETTE[i % len(SCENARIO_PALETTE)],
            "linestyle": LINESTYLES[(i // 4) % len(LINESTYLES)] if i else "-",
            "lw": 2.4 if name == BASELINE else 1.6}


def scenario_colour(name: str) -> str:
    """The colour of a scenario (see :func:`scenario_style`)."""
    return scenario_style(name)["color"]


def scenario_descriptions() -> dict[str, str]:
    """Each scenario's description in words, from ``configs/scenario/*.yaml``."""
    return _scenario_descriptions(scenario_dir())


@lru_cache(maxsize=4)
def _scenario_descriptions(folder: Path) -> dict[str, str]:
    names = {BASELINE: BASELINE_LABEL}
    for path in sorted(folder.glob("*.yaml")):
        parts = (yaml.safe_load(path.read_text()) or {}).get("scenario_parts") or {}
        names.update({str(k): str(v) for k, v in parts.items()})
    return names


def scenario_event_months(name: str) -> list[int]:
    """Months (0 = 2025-01) of the events a scenario schedules, from its file(s).

    A combination (``a+b``) has the events of all its parts; the baseline and a name without a
    file have none.
    """
    return sorted(set().union(*(_scenario_events(scenario_dir()).get(part, ())
                                for part in name.split("+"))))


@lru_cache(maxsize=4)
def _scenario_events(folder: Path) -> dict[str, tuple[int, ...]]:
    events = {}
    for path in sorted(folder.glob("*.yaml")):
        data = (yaml.safe_load(path.read_text()) or {}).get("events") or {}
        events[path.stem] = tuple(int(e["month"]) for e in data.values()
                                  if isinstance(e, dict) and "month" in e)
    return events


def scenario_label(name: str) -> str:
    """A scenario's name in words (``us_tightens_controls`` -> ``US tightens chip controls``).

    Combinations (``a+b``) join their parts with `` + ``; a scenario without a description
    reads as its key with spaces (``my_case`` -> ``my case``).
    """
    words = scenario_descriptions()
    return " + ".join(words.get(part, part.replace("_", " ")) for part in name.split("+"))


def order_scenarios(names: Sequence[str]) -> list[str]:
    """Scenario keys in the order of :func:`scenario_order` (baseline first), then the others."""
    known = [s for s in scenario_order() if s in set(names)]
    return known + sorted(set(names) - set(known))


def scenario_rows(fig, scenarios: Sequence[str], headed: bool = True) -> list:
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
                        fontweight="bold", color=text_on(colour),
                        bbox={"facecolor": colour, "edgecolor": "none",
                              "boxstyle": "round,pad=0.25"}, **kwargs)


def text_on(colour: str) -> str:
    """Black or white, whichever reads better on ``colour``."""
    r, g, b = matplotlib.colors.to_rgb(colour)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


def wrap(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters (for titles and labels)."""
    return "\n".join(textwrap.wrap(text, width)) or text


def factor_labels(names: Sequence[str], factors: Sequence | None = None) -> dict[str, str]:
    """Each sampled factor's name in words: its declared ``label``, else its name with spaces.

    Args:
        names: factor names (columns of the sensitivity indices or of a PRIM box's limits).
        factors: the sampled :class:`study.uncertainty.Factor` objects (default: those of
            ``configs/uncertainty/default.yaml``).
    """
    if factors is None:
        factors = _default_factors()
    by_name = {f.name: f for f in factors}
    return {n: (getattr(by_name.get(n), "label", "") or n.replace("_", " ")) for n in names}


@lru_cache(maxsize=1)
def _default_factors() -> tuple:
    """The factors of the default uncertainty config (loaded once)."""
    from study.uncertainty import load_space
    space = load_space("default")
    return tuple(space.uncertainties + space.levers)


# ------------------------------------------------------------------------------ axes
def is_share(unit: str) -> bool:
    """True for the unit of a share (``share``, ``share of wanted chips``): shown in percent."""
    return unit.strip().lower().startswith("share")


def unit_label(unit: str) -> str:
    """An axis unit as shown: shares in percent (``share of developers`` -> ``% of developers``)."""
    if is_share(unit):
        rest = unit.strip()[len("share"):].strip()
        return f"% {rest}" if rest else "% of developers"
    return unit


def format_axis(ax, unit: str, axis: str = "y") -> None:
    """Label an axis with its unit and show shares in percent."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    if is_share(unit):
        target.set_major_formatter(PercentFormatter(1.0, decimals=0))
    target.set_label_text(unit_label(unit))


def date_axis(ax, label: str = "calendar month", maxticks: int = 7) -> None:
    """A time axis of calendar months with concise date labels."""
    locator = mdates.AutoDateLocator(minticks=2, maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    ax.set_xlabel(label)


def line_band(ax, sel: pd.DataFrame, level: float = LEVEL, label: str | None = None,
              alpha: float = 0.15, **style) -> Line2D | None:
    """Mean over runs per month as a line, and the band across runs if there are several."""
    if sel.empty:
        return None
    stats = band(sel, level)
    x = to_dates(stats.index)
    (line,) = ax.plot(x, stats["mean"], label=label, **style)
    if (stats["n"] > 1).any():
        ax.fill_between(x, stats["lo"], stats["hi"], color=line.get_color(), alpha=alpha, lw=0)
    return line


def band_note(df: pd.DataFrame, level: float = LEVEL, what: str = "runs") -> str:
    """What the lines and bands of a figure of several runs show ("" for a single run)."""
    n = n_runs(df)
    if n <= 1:
        return ""
    lo = round(100 * (1 - level) / 2)
    return f"lines: mean of {n} {what}; bands: {lo}th-{100 - lo}th percentile across {what}"


def new_ax(ax, size=(7, 4)):
    """``ax``, or the axes of a new figure of ``size`` inches if ``ax`` is None."""
    return ax if ax is not None else plt.subplots(figsize=size, constrained_layout=True)[1]
