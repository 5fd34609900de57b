"""The interactive explorer: a browser page (Mesa SolaraViz) over the market model.

* :mod:`study.explorer.levers`: the page's controls, whose ranges come from the uncertainty space,
  and the config and command line they stand for (no Solara needed, so tests run without a
  browser);
* :mod:`study.explorer.model`: :class:`~study.explorer.model.ExplorerModel`, the model built
  from the controls, with the chart data;
* :mod:`study.explorer.components`: the key-numbers card and the lab table;
* :mod:`study.explorer.app`: the page itself (``python -m experiments.explore``).
"""
