"""The sensitivity figure: per outcome, each factor's indices with their confidence intervals.

Factors are named in words (their ``label`` in the uncertainty config, :func:`~study.figures.
style.factor_labels`), outcomes as the catalogue names them (:data:`study.uncertainty.OUTCOMES`),
and a panel whose Sobol' indices have not converged (:func:`study.sensitivity.
convergence_problems`) says so under its axis.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from study.figures.style import factor_labels, wrap
from study.sensitivity import convergence_note, convergence_problems
from study.uncertainty import OUTCOMES

#: The two indices drawn per method: (index, legend label).
_PAIRS = {"sobol": [("S1", "first order (S1): the factor alone"),
                    ("ST", "total (ST): with its interactions")],
          "morris": [("mu_star", "mean size of its effect (mu*)"),
                     ("sigma", "spread of its effect: interactions (sigma)")]}
#: The x axis per method.
_AXIS = {"sobol": "share of the outcome's variance due to the factor",
         "morris": "change of the outcome over the factor's range (outcome units)"}


def indices_figure(indices: pd.DataFrame, noise: pd.DataFrame,
                   labels: dict[str, str] | None = None, factors: Sequence | None = None,
                   problems: pd.DataFrame | None = None) -> Figure:
    """Bar chart: per outcome, each factor's indices with confidence bars, plus seed noise.

    Args:
        indices: rows of :func:`study.sensitivity.analyse`.
        noise: rows of :func:`study.sensitivity.seed_noise`.
        labels: a title per outcome name (default: the catalogue's label, else the name).
        factors: the sampled factors, whose labels name the bars (default: the factors of the
            default uncertainty config).
        problems: unconverged indices (default: :func:`study.sensitivity.convergence_problems`
            of ``indices``), noted under their panel.
    """
    outcomes = list(dict.fromkeys(indices.outcome))
    method = indices.method.iloc[0] if len(indices) else "sobol"
    method = "sobol" if method == "sobol" else "morris"
    pairs = _PAIRS[method]
    problems = convergence_problems(indices) if problems is None else problems
    names = _factor_names(indices, factors)
    nf = indices.factor.nunique() if len(indices) else 1
    fig, axes = plt.subplots(1, max(len(outcomes), 1), figsize=(4.6 * max(len(outcomes), 1),
                                                                   0.32 * nf + 2.8),
                             squeeze=False, sharey=True)
    order = None
    for ax, name in zip(axes[0], outcomes, strict=False):
        sel = indices[indices.outcome == name]
        if order is None:  # the first outcome's ranking orders every panel (shared y axis)
            main = sel[sel["index"] == pairs[1 if method == "sobol" else 0][0]]
            order = main.sort_values("value").factor.tolist()
        _draw_outcome(ax, sel, order, pairs)
        title = _noise_marker(ax, noise[noise.outcome == name], method, _title(name, labels))
        ax.set_title(title, fontsize=8)
        ax.set_yticks(np.arange(len(order)), [names[f] for f in order], fontsize=7)
        ax.axvline(0, color="black", lw=0.5)
        ax.set_xlabel(wrap(_AXIS[method], 45), fontsize=7)
        _convergence_marker(ax, convergence_note(problems, name, names))
    axes[0][0].legend(fontsize=7, loc="lower right")
    if method == "sobol":
        for ax in axes[0]:
            lo, hi = ax.get_xlim()
            ax.set_xlim(max(lo, -0.5), min(max(hi, 1.05), 1.5))
    fig.suptitle(f"Global sensitivity ({method}): bars are estimates, whiskers their "
                 f"bootstrap confidence intervals", fontsize=9)
    fig.tight_layout()
    return fig


def plot_indices(indices: pd.DataFrame, noise: pd.DataFrame, path: Path,
                 labels: dict[str, str] | None = None, factors: Sequence | None = None,
                 problems: pd.DataFrame | None = None) -> Path:
    """Write :func:`indices_figure` to the PNG file ``path`` (arguments as there)."""
    fig = indices_figure(indices, noise, labels, factors, problems)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _factor_names(indices: pd.DataFrame, factors: Sequence | None) -> dict[str, str]:
    """Each factor's label, with ``(policy)`` after a policy lever."""
    kinds = dict(zip(indices.factor, indices.kind, strict=False))
    names = factor_labels(list(kinds), factors)
    return {f: names[f] + (" (policy)" if str(kinds[f]).startswith("lever") else "")
            for f in names}


def _title(name: str, labels: dict[str, str] | None) -> str:
    """An outcome's panel title: the given label, else the catalogue's, else the name."""
    if labels and name in labels:
        return labels[name]
    return OUTCOMES[name].label if name in OUTCOMES else name.replace("_", " ")


def _draw_outcome(ax, sel: pd.DataFrame, order: list[str], pairs: list[tuple[str, str]]) -> None:
    """One outcome's two indices as paired horizontal bars, factors in ``order``."""
    y = np.arange(len(order))
    for k, (idx, lab) in enumerate(pairs):
        part = sel[sel["index"] == idx].set_index("factor").reindex(order)
        err = part["conf"].to_numpy() if part["conf"].notna().any() else None
        ax.barh(y + (k - 0.5) * 0.38, part["value"].to_numpy(), height=0.38, xerr=err,
                label=lab, capsize=2, color=["tab:blue", "tab:orange"][k])


def _convergence_marker(ax, note: str) -> None:
    """Under the axis label: which indices have not converged, and what to do."""
    if note:
        ax.annotate(wrap(f"not converged: {note}; use a larger n", 60), (0.5, 0),
                    xycoords=ax.xaxis.label, xytext=(0, -4), textcoords="offset points",
                    ha="center", va="top", fontsize=7, color="firebrick")


def _noise_marker(ax, row: pd.DataFrame, method: str, title: str) -> str:
    """Mark the seed noise (a dashed line at its variance share for Sobol); return the title."""
    if method == "sobol" and len(row) and np.isfinite(row.noise_share.iloc[0]):
        share = float(row.noise_share.iloc[0])
        ax.axvline(share, color="grey", ls="--", lw=1)
        return title + f"\nseed noise: {share:.0%} of the variance (dashed line)"
    if len(row) and np.isfinite(row.noise_sd.iloc[0]):
        return title + f"\nseed noise sd: {row.noise_sd.iloc[0]:.3g}"
    return title
