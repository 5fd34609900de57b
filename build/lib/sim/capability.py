"""Capability dynamics: knowledge, the derivative community, and each bloc's frontier.

A lab's flagship capability (log10 effective training FLOP) is

    C = log10(compute_h100e) + k + b * community_boost,

with ``k`` its algorithmic knowledge and ``b`` = openness of its posture (open 1, hybrid 0.5,
closed 0). Knowledge grows by shared algorithmic progress, by spillovers from openly released
techniques (absorbed more by compute-rich labs) and by imitation of better open weights and of
the frontier (:func:`knowledge_step`). Everything here is a function of arrays over labs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.config import CapabilityConfig
from sim.enums import BLOCS, OPENNESS, Bloc, Posture

#: log10 effective training FLOP of the 2025-01 frontier (compute.gpt4 = 2.1e25 in 2023; the
#: 2025-01 frontier is taken as ~5e25: assumption). Only differences matter to the dynamics.
REFERENCE_CAPABILITY = 25.7


def log_compute(compute: np.ndarray) -> np.ndarray:
    """log10 of each lab's training compute (H100e), with at least one H100e."""
    return np.log10(np.maximum(compute, 1.0))


def openness(postures: Sequence[Posture]) -> np.ndarray:
    """Openness of each posture (open 1, hybrid 0.5, closed 0)."""
    return np.array([OPENNESS[p] for p in postures])


def community_boost(derivatives: float | np.ndarray, gain_oom: float) -> float | np.ndarray:
    """Capability (OOM) that the derivative community adds to an open family."""
    return gain_oom * np.log1p(np.asarray(derivatives) / 1e4)


def initial_knowledge(start: np.ndarray, compute: np.ndarray, boost: np.ndarray,
                      open_: np.ndarray) -> np.ndarray:
    """Knowledge that makes each lab's capability equal ``start`` at month 0 (OOM)."""
    return start - log_compute(compute) - boost * open_


def capability(compute: np.ndarray, knowledge: np.ndarray, boost: np.ndarray,
               open_: np.ndarray) -> np.ndarray:
    """Flagship capability ``log10(compute) + k + boost * openness`` of each lab (OOM)."""
    return log_compute(compute) + knowledge + boost * open_


def knowledge_step(research_efficiency: np.ndarray, compute: np.ndarray, capability: np.ndarray,
                   best_open: float, frontier: float, open_fraction: float, *,
                   algorithmic: float, spillover: float, half_compute: float,
                   imitation_open: float, imitation_closed: float) -> np.ndarray:
    """Monthly growth of each lab's algorithmic knowledge (OOM).

    ``dk = algorithmic * efficiency + spillover * open_fraction * absorb
    + imitation_open * max(best_open - C, 0) + imitation_closed * max(frontier - C, 0)``
    with absorptive capacity ``absorb = compute / (compute + half_compute)``, so open release
    helps every lab and compute-rich labs most.
    """
    absorb = compute / (compute + half_compute)
    return (algorithmic * research_efficiency
            + spillover * open_fraction * absorb
            + imitation_open * np.maximum(best_open - capability, 0.0)
            + imitation_closed * np.maximum(frontier - capability, 0.0))


def grow_knowledge(knowledge: np.ndarray, compute: np.ndarray, capability: np.ndarray,
                   open_: np.ndarray, research_efficiency: np.ndarray,
                   cfg: CapabilityConfig) -> np.ndarray:
    """Next month's knowledge of every lab (OOM), from this month's capability and postures.

    Args:
        knowledge: current knowledge per lab.
        compute: compute per lab after this month's growth (H100e); sets absorptive capacity.
        capability: current capability per lab (before this month's growth).
        open_: openness of each lab's current posture.
        research_efficiency: each lab's multiplier on shared algorithmic progress.
        cfg: capability parameters.
    """
    open_caps = capability[open_ > 0]
    return knowledge + knowledge_step(
        research_efficiency, compute, capability,
        open_caps.max() if open_caps.size else -np.inf, capability.max(), open_.mean(),
        algorithmic=cfg.algorithmic_oom_per_month, spillover=cfg.open_spillover_oom_per_month,
        half_compute=cfg.spillover_half_compute_h100e,
        imitation_open=cfg.imitation_open_per_month,
        imitation_closed=cfg.imitation_closed_per_month)


def bloc_frontier(capability: np.ndarray, lab_bloc: np.ndarray) -> np.ndarray:
    """Best flagship capability of each bloc (OOM); -inf for a bloc with no lab."""
    out = np.full(len(BLOCS), -np.inf)
    np.maximum.at(out, lab_bloc, capability)
    return out


def bloc_gap_months(frontier: np.ndarray, leader: str, target: str,
                    oom_per_month: float) -> float:
    """How many months of frontier progress ``target`` bloc trails ``leader`` bloc.

    Args:
        frontier: best capability per bloc (:func:`bloc_frontier`).
        leader: the bloc measured from (a :class:`~sim.enums.Bloc` value).
        target: the bloc measured.
        oom_per_month: frontier progress per month (OOM), to convert OOM into months.

    Returns:
        The gap in months; 0 when either bloc has no lab.
    """
    gap = frontier[BLOCS.index(Bloc(leader))] - frontier[BLOCS.index(Bloc(target))]
    return float(gap / oom_per_month) if np.isfinite(gap) else 0.0
