"""The explorer page: Mesa's model controller over :class:`~study.explorer.model.ExplorerModel`.

Start it with ``python -m experiments.explore`` (or ``make explore``); it is a Solara app, so
``solara run study.explorer.app`` works too. The page is put together from Mesa's public SolaraViz
parts rather than ``SolaraViz`` itself, which always shows Mesa's own settings (play and render
interval, "Use Threads", a "Page 0" tab and a draggable grid sized for larger screens):

* the sidebar holds Mesa's :func:`~mesa.visualization.solara_viz.ModelController` (Reset, Play,
  Step, which rebuild and step the model exactly as SolaraViz does) and the model parameters of
  :func:`study.explorer.levers.page_params`, each slider with its value beside it
  (:func:`~study.explorer.components.LeverInputs`);
* the main area is a CSS grid that reflows to the window (two columns at 1280 px): the key
  numbers, the lab table and the four charts (:mod:`study.explorer.charts`).
"""

from __future__ import annotations

import logging

import solara
from mesa.visualization.solara_viz import ModelController

from study.explorer.charts import CHART_SPECS
from study.explorer.components import Chart, KeyNumbers, LabTable, LeverInputs
from study.explorer.levers import page_params
from study.explorer.model import ExplorerModel

# Mesa logs every step at INFO; a page that plays 70 months would flood the server log.
logging.getLogger("MESA").setLevel(logging.WARNING)

TITLE = "openmarket-sim explorer"
#: Pause between months while playing (ms); drawing a month takes longer than this anyway.
PLAY_INTERVAL_MS = 20

#: Cards reflow in columns of at least 400 px; nothing is absolutely positioned, so nothing
#: overlaps whatever the window size.
CSS = """
.explorer-main { display: grid; grid-template-columns: repeat(auto-fill, minmax(400px, 1fr));
                 gap: 12px; align-items: start; }
.explorer-main > .v-card { margin: 0 !important; min-width: 0; }
.explorer-lever { flex-wrap: nowrap; margin: 0 !important; }
.explorer-lever > .v-input { flex: 1 1 auto; min-width: 0; }
.explorer-lever-value { flex: 0 0 4.2em; text-align: right; font-variant-numeric: tabular-nums; }
"""


@solara.component
def Main(model: ExplorerModel):
    """The main area: key numbers, lab table and the charts in a reflowing grid."""
    with solara.Div(classes=["explorer-main"]):
        KeyNumbers(model)
        LabTable(model)
        for index in range(len(CHART_SPECS)):
            Chart(model, index)


@solara.component
def Page():
    """The explorer page; each browser session gets its own model."""
    # use_memo: one model per session, so two open tabs do not step the same model.
    model = solara.use_reactive(solara.use_memo(ExplorerModel, dependencies=[]))
    specs = solara.use_memo(page_params, dependencies=[])
    params = solara.use_reactive({name: spec["value"] for name, spec in specs.items()})
    play_interval = solara.use_reactive(PLAY_INTERVAL_MS)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)
    solara.Style(CSS)
    solara.Title(TITLE)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar():
        with solara.Card("Run"):
            ModelController(model, model_parameters=params, play_interval=play_interval,
                            render_interval=render_interval, use_threads=use_threads)
        with solara.Card("Model parameters"):
            LeverInputs(params, specs)
    Main(model.value)
