"""The sensitivity figure: per outcome, each factor's indices with their confidence intervals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

#: The two indices drawn per method: (index, legend label).
_PAIRS = {"sobol": [("S1", "first order"), ("ST", "total")],
          "morris": [("mu_star", "mu* (mean |elementary effect|)"),
                     ("sigma", "sigma (interactions)")]}


def plot_indices(indices: pd.DataFrame, noise: pd.DataFrame, path: Path,
                 labels: dict[str, str] | None = None) -> Path:
    """Bar chart: per outcome, each factor's indices with confidence bars, plus seed noise.

    Args:
        indices: rows of :func:`study.sensitivity.analyse`.
        noise: rows of :func:`study.sensitivity.seed_noise`.
        path: the PNG file to write.
        labels: a title per outcome name (default: the name).
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    outcomes = list(dict.fromkeys(indices.outcome))
    method = indices.method.iloc[0] if len(indices) else "sobol"
    pairs = _PAIRS["sobol" if method == "sobol" else "morris"]
    nf = indices.factor.nunique() if len(indices) else 1
    fig, axes = plt.subplots(1, max(len(outcomes), 1), figsize=(4.2 * max(len(outcomes), 1),
                                                                   0.32 * nf + 2.2),
                             squeeze=False, sharey=True)
    order = None
    for ax, name in zip(axes[0], outcomes, strict=False):
        sel = indices[indices.outcome == name]
        if order is None:  # the first outcome's ranking orders every panel (shared y axis)
            main = sel[sel["index"] == pairs[1 if method == "sobol" else 0][0]]
            order = main.sort_values("value").factor.tolist()
        _draw_outcome(ax, sel, order, pairs)
        title = _noise_marker(ax, noise[noise.outcome == name], method,
                              (labels or {}).get(name, name))
        ax.set_title(title, fontsize=8)
        ax.set_yticks(np.arange(len(order)), order, fontsize=7)
        ax.axvline(0, color="black", lw=0.5)
    axes[0][0].legend(fontsize=7, loc="lower right")
    if method == "sobol":
        for ax in axes[0]:
            lo, hi = ax.get_xlim()
            ax.set_xlim(max(lo, -0.5), min(max(hi, 1.05), 1.5))
    fig.suptitle(f"Global sensitivity ({method}): bars are estimates, whiskers their "
                 f"bootstrap confidence intervals", fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _draw_outcome(ax, sel: pd.DataFrame, order: list[str], pairs: list[tuple[str, str]]) -> None:
    """One outcome's two indices as paired horizontal bars, factors in ``order``."""
    y = np.arange(len(order))
    for k, (idx, lab) in enumerate(pairs):
        part = sel[sel["index"] == idx].set_index("factor").reindex(order)
        err = part["conf"].to_numpy() if part["conf"].notna().any() else None
        ax.barh(y + (k - 0.5) * 0.38, part["value"].to_numpy(), height=0.38, xerr=err,
                label=lab, capsize=2, color=["tab:blue", "tab:orange"][k])


def _noise_marker(ax, row: pd.DataFrame, method: str, title: str) -> str:
    """Mark the seed noise (a dashed line at its variance share for Sobol); return the title."""
    if method == "sobol" and len(row) and np.isfinite(row.noise_share.iloc[0]):
        share = float(row.noise_share.iloc[0])
        ax.axvline(share, color="grey", ls="--", lw=1)
        return title + f"\nseed noise: {share:.0%} of the variance (dashed line)"
    if len(row) and np.isfinite(row.noise_sd.iloc[0]):
        return title + f"\nseed noise sd: {row.noise_sd.iloc[0]:.3g}"
    return title
