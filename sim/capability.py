"""Capability dynamics: knowledge, the derivative community, and each bloc's frontier.

A lab's capability (log10 effective training FLOP of the best model it can train now) is

    C = log10(compute_h100e) + k,

with ``k`` its algorithmic knowledge. Knowledge grows by shared algorithmic progress, by
spillovers from openly released techniques (absorbed more by compute-rich labs) and by imitation
of better open weights (released weights, with what the community has added to them,
``sim.community``; a lab's own family included) and of the frontier (:func:`knowledge_step`), at
a speed limited by the imitator's compute relative to the source's (absorptive capacity) and by
access. What a lab offers developers is its releases (``sim.releases``). ``compute`` here is a
lab's *training* compute: the part of its fleet not serving its closed products
(``sim.chips``). Everything here is a function of arrays over labs.
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


def initial_knowledge(start: np.ndarray, compute: np.ndarray) -> np.ndarray:
    """Knowledge that makes each lab's capability equal ``start`` at month 0 (OOM)."""
    return start - log_compute(compute)


def capability(compute: np.ndarray, knowledge: np.ndarray) -> np.ndarray:
    """Capability ``log10(compute) + k`` of each lab (OOM)."""
    return log_compute(compute) + knowledge


def absorptive_capacity(training: np.ndarray, source_training: float | np.ndarray,
                        half_ratio: float) -> np.ndarray:
    """How fast a lab can absorb another's model or techniques (0-1).

    ``T / (T + half_ratio * T_source)``: a lab with ``half_ratio`` times the source's training
    compute imitates at half the base rate; one with far less compute barely at all. A ratio of
    compute, so it does not fade as every fleet grows.
    """
    return training / (training + half_ratio * np.maximum(source_training, 1.0))


def knowledge_step(research_efficiency: np.ndarray, training: np.ndarray, capability: np.ndarray,
                   best_open: np.ndarray, frontier: float, open_fraction: float, *,
                   open_source_training: np.ndarray, frontier_training: float,
                   closed_access: np.ndarray, algorithmic: float, spillover: float,
                   half_ratio: float, imitation_open: float, imitation_closed: float
                   ) -> np.ndarray:
    """Monthly growth of each lab's algorithmic knowledge (OOM).

    ``dk = algorithmic * efficiency + spillover * open_fraction * a_top
    + imitation_open * a_open * max(best_open - C, 0)
    + imitation_closed * access * a_front * max(frontier - C, 0)``, with the absorptive
    capacities ``a`` of :func:`absorptive_capacity` relative to the best-trained lab
    (``a_top``), to the lab that released the best open model the imitator may use
    (``a_open``) and to the frontier lab (``a_front``). Catching up therefore needs compute, and
    ``access`` (:func:`closed_access`) slows the distillation of a closed API the imitator's
    region cannot use.

    Args:
        research_efficiency: each lab's multiplier on shared algorithmic progress.
        training: each lab's training compute (H100e).
        capability: each lab's capability now (OOM).
        best_open: per lab, the best open model it may use (OOM; -inf if none).
        frontier: the best model (OOM).
        open_fraction: mean openness of all labs (0-1).
        open_source_training: per lab, training compute of that best open model's lab.
        frontier_training: training compute of the frontier lab.
        closed_access: per lab, imitation speed of the frontier model (0-1).
        algorithmic: shared algorithmic progress (OOM per month).
        spillover: knowledge per month when every lab is open (OOM).
        half_ratio: ``absorptive_half_ratio`` (see :func:`absorptive_capacity`).
        imitation_open: share of the gap to the best open model closed per month at full
            absorptive capacity.
        imitation_closed: the same for the gap to the frontier.
    """
    top = training.max()
    a_top = absorptive_capacity(training, top, half_ratio)
    a_open = absorptive_capacity(training, open_source_training, half_ratio)
    a_front = absorptive_capacity(training, frontier_training, half_ratio)
    open_gap = np.where(np.isfinite(best_open), np.maximum(best_open - capability, 0.0), 0.0)
    return (algorithmic * research_efficiency
            + spillover * open_fraction * a_top
            + imitation_open * a_open * open_gap
            + imitation_closed * closed_access * a_front * np.maximum(frontier - capability, 0.0))


def best_open_for(open_capability: np.ndarray, excluded: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Per lab: capability and owner of the best open weights it may download.

    Args:
        open_capability: per lab, effective capability of its best open release (OOM; -inf if
            it has released none, :func:`sim.releases.best_open_release`).
        excluded: (labs, labs) bool, ``[i, j]`` = lab ``j``'s licence excludes lab ``i``'s
            home region.

    Returns:
        The best capability (-inf if none) and its lab's index (-1 if none), per lab.
    """
    caps = np.where(~excluded, open_capability[None, :], -np.inf)
    owner = caps.argmax(axis=1)
    best = caps[np.arange(caps.shape[0]), owner]
    return best, np.where(np.isfinite(best), owner, -1)


def grow_knowledge(knowledge: np.ndarray, training: np.ndarray, capability: np.ndarray,
                   open_: np.ndarray, open_capability: np.ndarray,
                   research_efficiency: np.ndarray, cfg: CapabilityConfig, *,
                   excluded: np.ndarray, api_blocked: np.ndarray) -> np.ndarray:
    """Next month's knowledge of every lab (OOM), from this month's capability and releases.

    Args:
        knowledge: current knowledge per lab.
        training: training compute per lab this month (H100e); sets absorptive capacity.
        capability: current capability per lab (before this month's growth).
        open_: openness of each lab's current posture (spillovers of techniques).
        open_capability: see :func:`best_open_for`.
        research_efficiency: each lab's multiplier on shared algorithmic progress.
        cfg: capability parameters.
        excluded: see :func:`best_open_for`.
        api_blocked: (labs, labs) bool, ``[i, j]`` = lab ``j`` does not sell its API in lab
            ``i``'s home region.
    """
    best_open, owner = best_open_for(open_capability, excluded)
    leader = int(capability.argmax())
    access = np.where(api_blocked[:, leader], cfg.blocked_api_access, 1.0)
    return knowledge + knowledge_step(
        research_efficiency, training, capability, best_open, float(capability[leader]),
        float(open_.mean()), open_source_training=np.where(owner >= 0, training[owner], 1.0),
        frontier_training=float(training[leader]), closed_access=access,
        algorithmic=cfg.algorithmic_oom_per_month, spillover=cfg.open_spillover_oom_per_month,
        half_ratio=cfg.absorptive_half_ratio, imitation_open=cfg.imitation_open_per_month,
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
