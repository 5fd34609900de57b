"""The scenario-discovery figure: each PRIM box's peeling trajectory and its limits."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from study.discovery import Box
from study.uncertainty import Factor


def plot_boxes(boxes: list[Box], factors: dict[str, Factor], path: Path, title: str) -> Path:
    """Per box: the peeling trajectory (coverage vs density) and the box's limits.

    Args:
        boxes: the boxes of :func:`study.discovery.find_boxes`.
        factors: the sampled factors by name (their ranges place the limits).
        path: the PNG file to write.
        title: the figure's title (the question asked).
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    n = max(len(boxes), 1)
    fig, axes = plt.subplots(n, 2, figsize=(11, 3.2 * n), squeeze=False,
                             gridspec_kw={"width_ratios": [1, 1.6]})
    for (ax0, ax1), box in zip(axes, boxes, strict=False):
        _draw_trajectory(fig, ax0, box)
        _draw_limits(ax1, box, factors)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _draw_trajectory(fig, ax, box: Box) -> None:
    """Coverage against density along the peeling, before and after cleaning; the chosen box."""
    t = box.trajectory
    ax.plot(t.coverage, t.density, ".", color="lightgrey", label="PRIM peeling (training runs)")
    sc = ax.scatter(t.clean_coverage, t.clean_density, c=t.clean_res_dim, cmap="viridis",
                    s=14, label="cleaned: restrictions with qp > max_qp dropped")
    ax.scatter([box.coverage], [box.density], s=90, facecolors="none", edgecolors="red",
               label="chosen box (all runs)")
    ax.set_xlabel("coverage")
    ax.set_ylabel("density")
    ax.set_title(f"Box {box.index}: peeling trajectory", fontsize=9)
    fig.colorbar(sc, ax=ax, label="restricted dimensions")
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
    kind = {n: "lever" if f.kind == "lever" else "unc." for n, f in factors.items()}
    ax.set_yticks(ys, [f"{r.factor} ({kind[r.factor]}, qp {r.qp:.1g})"
                       for r in lim.itertuples()], fontsize=7)
    ax.set_xlim(-0.05, 1.25)
    ax.set_xlabel("share of the declared range (orange: policy lever, blue: uncertainty)",
                  fontsize=7)
    ax.set_title(f"coverage {box.coverage:.0%}, density {box.density:.0%}, "
                 f"mass {box.mass:.0%}", fontsize=9)


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
