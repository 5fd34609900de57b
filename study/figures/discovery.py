"""The scenario-discovery figure: each PRIM box's peeling trajectory and its limits.

PRIM's terms are given in words, with the term in brackets: *coverage* is the share of the
cases of interest inside the box, *density* the share of the box's runs that are cases of
interest, *mass* the share of all runs inside the box, and a restriction's quasi-p value the
chance that it is there by chance. Factors are named by their labels
(:func:`~study.figures.style.factor_labels`).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from study.discovery import Box
from study.figures.style import OKABE_ITO, factor_labels
from study.uncertainty import Factor

COVERAGE = "share of the cases of interest inside the box (coverage)"
DENSITY = "share of the box's runs that are cases of interest (density)"


def boxes_figure(boxes: list[Box], factors: dict[str, Factor], title: str) -> Figure:
    """Per box: the peeling trajectory (coverage vs density) and the box's limits.

    Args:
        boxes: the boxes of :func:`study.discovery.find_boxes`.
        factors: the sampled factors by name (their ranges place the limits, their labels
            name them).
        title: the figure's title (the question asked).
    """
    n = max(len(boxes), 1)
    fig, axes = plt.subplots(n, 2, figsize=(11, 3.2 * n), squeeze=False,
                             gridspec_kw={"width_ratios": [1, 1.6]})
    for (ax0, ax1), box in zip(axes, boxes, strict=False):
        _draw_trajectory(ax0, box)
        _draw_limits(ax1, box, factors)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_boxes(boxes: list[Box], factors: dict[str, Factor], path: Path, title: str) -> Path:
    """Write :func:`boxes_figure` to the PNG file ``path`` (arguments as there)."""
    fig = boxes_figure(boxes, factors, title)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _draw_trajectory(ax, box: Box) -> None:
    """Coverage against density along the peeling, before and after cleaning; the chosen box.

    The cleaned boxes are coloured by how many parameters they restrict, one legend entry
    per count (a whole number: no continuous colour bar).
    """
    t = box.trajectory
    ax.plot(t.coverage, t.density, ".", color="lightgrey",
            label="boxes as PRIM narrows them (training runs)")
    counts = sorted(int(k) for k in t.clean_res_dim.unique())
    for j, k in enumerate(counts):
        part = t[t.clean_res_dim == k]
        ax.scatter(part.clean_coverage, part.clean_density, s=14,
                   color=OKABE_ITO[(j + 1) % len(OKABE_ITO)],
                   label=f"without chance limits: {k} parameter{'s' if k != 1 else ''} limited")
    ax.scatter([box.coverage], [box.density], s=90, facecolors="none", edgecolors="red",
               label="chosen box (all runs)")
    ax.set_xlabel(COVERAGE, fontsize=7)
    ax.set_ylabel(DENSITY.replace("runs that", "runs\nthat"), fontsize=7)
    ax.set_title(f"Box {box.index}: from wide boxes (right) to narrow ones (left)", fontsize=9)
    ax.legend(fontsize=6)


def _draw_limits(ax, box: Box, factors: dict[str, Factor]) -> None:
    """Each restricted factor's allowed part of its declared range (values, for categories)."""
    lim = box.limits
    ys = np.arange(len(lim))[::-1]
    for yv, r in zip(ys, lim.itertuples(), strict=False):
        f = factors[r.factor]
        color = "tab:orange" if f.kind == "lever" else "tab:blue"
        if f.categorical:
            _draw_values(ax, f, set(str(r.values).split(", ")), yv, color)
        else:
            lo = _unit(f, r.lower)
            hi = _unit(f, r.upper)
            ax.barh(yv, hi - lo, left=lo, color=color, height=0.5)
            ax.annotate(f"{r.lower:.3g} .. {r.upper:.3g}", (hi, yv), xytext=(3, -3),
                        textcoords="offset points", fontsize=6)
    names = factor_labels(list(lim.factor), list(factors.values()))
    kind = {n: "policy" if f.kind == "lever" else "assumption" for n, f in factors.items()}
    ax.set_yticks(ys, [f"{names[r.factor]} ({kind[r.factor]})\n{_chance(r.qp)}"
                       for r in lim.itertuples()], fontsize=7)
    ax.set_xlim(-0.05, 1.25)
    ax.set_xlabel("part of each parameter's sampled range inside the box (orange: policy "
                  "lever, blue: assumption)", fontsize=7)
    ax.set_title(f"holds {box.coverage:.0%} of the cases of interest (coverage); "
                 f"{box.density:.0%} of its runs are cases (density);\n"
                 f"{box.mass:.0%} of all runs are inside it (mass)", fontsize=8)


def _chance(qp: float) -> str:
    """A restriction's quasi-p value in words: the chance that it is there by chance."""
    p = "< 0.001" if qp < 0.001 else f"{qp:.2g}"
    return f"chance this limit is a fluke: p {p}"


def _draw_values(ax, f: Factor, allowed: set[str], yv: float, color: str) -> None:
    """A categorical factor's values as squares, filled where the box allows them."""
    for j, v in enumerate(f.values):
        pos = j / max(len(f.values) - 1, 1)
        ax.plot(pos, yv, "s", color=color if f.format(v) in allowed else "white",
                markeredgecolor=color, markersize=9)
        ax.annotate(f.format(v), (pos, yv), xytext=(0, 7), textcoords="offset points",
                    ha="center", fontsize=6)


def _unit(f: Factor, v: float) -> float:
    """``v`` as a share of the factor's declared range (on a log scale for a log factor)."""
    assert f.lo is not None and f.hi is not None
    if f.log:
        return float((np.log(v) - np.log(f.lo)) / (np.log(f.hi) - np.log(f.lo)))
    return float((v - f.lo) / (f.hi - f.lo))
