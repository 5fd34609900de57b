"""The explorer page: a Mesa SolaraViz page over :class:`~study.explorer.model.ExplorerModel`.

Start it with ``python -m experiments.explore`` (or ``make explore``); it is a Solara app, so
``solara run study.explorer.app`` works too. The sidebar holds Mesa's controls (Reset, Play, Step)
and the model parameters of :func:`study.explorer.levers.page_params`; the main area shows the key
numbers, the charts (Mesa's ``make_plot_component``) and the lab table.
"""

from __future__ import annotations

import logging

import solara
from mesa.visualization import SolaraViz, make_plot_component

from study.explorer.components import KeyNumbers, LabTable
from study.explorer.levers import page_params
from study.explorer.model import SERIES, ExplorerModel
from study.figures.style import BLOC_COLOURS, OKABE_ITO, REGION_COLOURS
from study.outcomes import CATALOGUE

# Mesa logs every step at INFO; a page that plays 70 months would flood the server log.
logging.getLogger("MESA").setLevel(logging.WARNING)


def _style(title: str, ylabel: str, ylim: tuple[float | None, float | None] | None = None):
    """A ``post_process`` for Mesa's matplotlib plots: title, axis label, small legend."""

    def post_process(ax) -> None:
        # Mesa draws at matplotlib's default 4:3; a wider figure fits Mesa's grid cell unclipped.
        ax.figure.set_size_inches(6.4, 3.5)
        ax.set_title(title, fontsize=11)
        ax.set_ylabel(ylabel)
        if ylim is not None:
            ax.set_ylim(*ylim)
        for line in ax.get_lines():  # month 0 is a single point: draw it as a dot
            if len(line.get_xdata()) == 1:
                line.set_marker("o")
        if ax.get_legend() is not None:
            ax.legend(loc="best", fontsize=8, frameon=False)
        ax.grid(alpha=0.3)

    return post_process


def _measures(metric: str, colours: dict[str, str]) -> dict[str, str]:
    """DataCollector columns of one metric (:data:`SERIES`) -> colour of bloc/region."""
    return {name: colours[bloc or region] for name, (m, region, bloc, _) in SERIES.items()
            if m == metric}


#: The charts: (columns -> colour, title, y label, y limits). Colours come from
#: study.figures.style so a region or bloc has one colour in every figure of the project.
PREMIUM = CATALOGUE["closed_premium"]
CHART_SPECS = [
    (_measures("open_share", REGION_COLOURS),
     "Developers on open-weight models, by region", "share of developers", (0, 1)),
    (_measures("bloc_share", BLOC_COLOURS),
     "Rest-of-world developers: whose models", "share of developers", (0, 1)),
    (_measures("frontier_capability", BLOC_COLOURS),
     "Frontier capability by bloc", "log10 effective training FLOP", None),
    ({PREMIUM.label: OKABE_ITO[4]}, PREMIUM.label, PREMIUM.axis, (0, None)),
]
CHARTS = [make_plot_component(measures, post_process=_style(title, ylabel, ylim))
          for measures, title, ylabel, ylim in CHART_SPECS]

#: Everything on the main page, in grid order (Mesa lays them out two per row).
COMPONENTS = [(KeyNumbers, 0), (LabTable, 0), *CHARTS]


@solara.component
def Page():
    """The explorer page; each browser session gets its own model."""
    # use_memo: one model per session, so two open tabs do not step the same model.
    model = solara.use_memo(ExplorerModel, dependencies=[])
    SolaraViz(model, components=COMPONENTS, model_params=page_params(),
              name="openmarket-sim explorer", play_interval=150)
