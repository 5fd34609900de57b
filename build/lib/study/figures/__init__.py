"""Figures drawn from the tidy results table (never from model internals), one module per topic.

* :mod:`study.figures.style`: colours, names in words, scenario styles and axis helpers;
* :mod:`study.figures.run`: the outcomes of one run (or a few, averaged) and the command line's
  figures (:func:`~study.figures.run.run_figures`);
* :mod:`study.figures.scenarios`: scenarios against each other and against the baseline, and
  the figures of a collected sweep (:func:`~study.figures.scenarios.sweep_figures`);
* :mod:`study.figures.mechanisms`: how the model works: the closed price premium against the
  capability gap, and a lever's transmission chain;
* :mod:`study.figures.sensitivity` and :mod:`study.figures.discovery`: the figures of the
  sensitivity analysis and of scenario discovery.

One function draws each figure; the command line, the sweep report and the notebooks in
``notebooks/`` all call these, so a chart looks the same wherever it appears. The functions take
the tidy table of :func:`sim.run.run` (one run), a concatenation of such tables (several seeds or
scenarios), or a collected sweep table (``sweep_results.parquet``); the helpers that read it are
in :mod:`study.tables`. Where a table holds several runs, a line is the mean across runs and the
shaded band spans the 5th to 95th percentile across them.

Conventions a reader can rely on:

* colours come from colour-blind-safe palettes (Okabe-Ito for blocs, regions and postures; Paul
  Tol's for scenarios), fixed per bloc, region, posture and scenario, so a scenario has the same
  colour in every figure;
* scenarios are named in words (the descriptions in ``configs/scenario/*.yaml``), outcomes as
  the catalogue :mod:`study.outcomes` names them;
* every axis carries a unit; shares are shown in percent, differences of shares in percentage
  points.

Axes-level functions are named ``plot_*`` and take an optional ``ax``; figure-level functions
are named ``*_figure`` and return a :class:`matplotlib.figure.Figure`.
"""

import os

import matplotlib

# Figures are written to files from scripts and worker processes (no display needed), but a
# Jupyter kernel (and Solara) chooses its inline backend through MPLBACKEND before any user code
# runs: keep that one, so that notebooks show the figures. Here, in the package, because every
# figure module is imported through it before it imports pyplot.
if not os.environ.get("MPLBACKEND"):
    matplotlib.use("Agg")
