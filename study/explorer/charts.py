"""The explorer's charts: one matplotlib figure per chart and session, redrawn in place.

Mesa's ``make_plot_component`` builds a new figure from the whole ``DataCollector`` table on every
step and crops it with ``bbox_inches="tight"`` (two draws); with four charts that was most of a
step's time on the page. Here each chart keeps its figure, axes and lines and, once per model
month, only replaces the lines' data and renders one PNG at a fixed layout.

* :data:`CHART_SPECS`: what each chart shows (columns of :data:`~study.explorer.model.SERIES`,
  colours from :mod:`study.figures.style`, title, y label, y limits);
* :class:`LiveChart`: a chart's figure and its PNG for a model month;
* :func:`chart_html`: the ``<img>`` the page shows, marked with the month it shows.

The x-axis is calendar time: it spans the whole run from the first month (2025-01 in the
baseline), with a tick each January, so it neither rescales while playing nor collapses at
month 0.
"""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MultipleLocator

from study.explorer.model import SERIES
from study.figures.style import BLOC_COLOURS, OKABE_ITO, REGION_COLOURS
from study.outcomes import CATALOGUE

if TYPE_CHECKING:  # pragma: no cover
    from study.explorer.model import ExplorerModel

#: Rendered size: 5.0 x 2.6 in at 90 dpi = 450 x 234 px; the page scales it to the card.
FIGSIZE_IN, DPI = (5.0, 2.6), 90


def calendar_month(start_year: int, month: int) -> str:
    """Model month ``month`` of a run starting in January of ``start_year``, e.g. ``2025-04``."""
    months = start_year * 12 + int(month)
    return f"{months // 12}-{months % 12 + 1:02d}"


def _measures(metric: str, colours: dict[str, str]) -> dict[str, str]:
    """DataCollector columns of one metric (:data:`SERIES`) -> colour of bloc/region."""
    return {name: colours[bloc or region] for name, (m, region, bloc, _) in SERIES.items()
            if m == metric}


@dataclass(frozen=True)
class ChartSpec:
    """One chart: DataCollector column -> colour, title, y label, y limits (None: from data)."""

    measures: dict[str, str]
    title: str
    ylabel: str
    ylo: float | None = None
    yhi: float | None = None


PREMIUM = CATALOGUE["closed_premium"]
#: The charts. Colours come from study.figures.style so a region or bloc has one colour in every
#: figure of the project.
CHART_SPECS = [
    ChartSpec(_measures("open_share", REGION_COLOURS),
              "Developers on open-weight models, by region", "share of developers", 0, 1),
    ChartSpec(_measures("bloc_share", BLOC_COLOURS),
              "Rest-of-world developers: whose models", "share of developers", 0, 1),
    ChartSpec(_measures("frontier_capability", BLOC_COLOURS),
              "Frontier capability by bloc", "log10 training FLOP"),
    ChartSpec({PREMIUM.label: OKABE_ITO[4]}, PREMIUM.label, PREMIUM.axis, ylo=0),
]


def y_limits(spec: ChartSpec, values: list[float]) -> tuple[float, float]:
    """The chart's y limits: fixed ones, else the data plus a margin, never a zero span."""
    finite = [v for v in values if math.isfinite(v)] or [0.0]
    lo, hi = min(finite), max(finite)
    pad = max(0.1 * (hi - lo), 0.05 * max(abs(hi), 1.0))
    return (lo - pad if spec.ylo is None else spec.ylo,
            hi + pad if spec.yhi is None else spec.yhi)


class LiveChart:
    """A chart's figure, kept for a session and redrawn with each model month."""

    def __init__(self, spec: ChartSpec, start_year: int, horizon: int):
        self.spec = spec
        self.fig = Figure(figsize=FIGSIZE_IN, dpi=DPI)
        self.fig.subplots_adjust(left=0.13, right=0.98, top=0.88, bottom=0.13)
        ax = self.ax = self.fig.subplots()
        self.lines = {name: ax.plot([], [], color=colour, label=name, lw=1.6, ms=4)[0]
                      for name, colour in spec.measures.items()}
        ax.set_title(spec.title, fontsize=10)
        ax.set_ylabel(spec.ylabel, fontsize=8)
        ax.set_xlim(-0.5, horizon - 0.5)  # the whole run, 2025-01 .. 2030-12 in the baseline
        ax.xaxis.set_major_locator(MultipleLocator(12))  # each January
        ax.xaxis.set_minor_locator(MultipleLocator(6))
        ax.xaxis.set_major_formatter(FuncFormatter(
            lambda m, _pos: calendar_month(start_year, round(m))))
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        if len(self.lines) > 1:
            ax.legend(loc="upper left", fontsize=6.5, frameon=False, ncol=2)

    def png(self, columns: dict[str, list[float]]) -> bytes:
        """The chart for the data so far (column -> one value per month) as PNG bytes."""
        values: list[float] = []
        for name, line in self.lines.items():
            ys = columns[name]
            line.set_data(range(len(ys)), ys)
            line.set_marker("o" if len(ys) == 1 else "")  # month 0 is a single point: a dot
            values.extend(ys)
        self.ax.set_ylim(*y_limits(self.spec, values))
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png")
        return buf.getvalue()


def chart_html(png: bytes, step: int, title: str) -> str:
    """The page's ``<img>`` of a chart, marked with the model step it shows (``data-step``)."""
    data = base64.b64encode(png).decode("ascii")
    return (f"<img class='explorer-chart-img' data-step='{step}' alt='{title}' "
            f"src='data:image/png;base64,{data}' style='width:100%;height:auto'>")


def model_chart_html(chart: LiveChart, model: "ExplorerModel") -> str:
    """Render ``chart`` for ``model``'s months so far."""
    return chart_html(chart.png(model.datacollector.model_vars), model.month, chart.spec.title)
