"""Governments: one per region, holding that region's policy levers.

Levers live in the model's config (``governments.<REGION>``) so that scheduled events and the
adaptive rule change them the same way. The adaptive rule tightens export controls when the
controlled bloc gets too close to the frontier: at each review month (:func:`review_due`) the
government measures its lead over each controlled bloc and applies
:func:`adaptive_controls_rule` to the smallest (:func:`reviewed_controls`). How controls and
subsidies turn into compute is in :mod:`sim.chips`.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.capability import bloc_gap_months
from sim.config import GovernmentConfig


def adaptive_controls_rule(gap_months: float, controls: float, threshold_months: float,
                           step: float) -> float:
    """New export-control level: tighten by ``step`` (up to 1) when the gap is below threshold."""
    if gap_months < threshold_months:
        return min(1.0, controls + step)
    return controls


def review_due(levers: GovernmentConfig, month: int) -> bool:
    """True when adaptive controls are on, have a target, and ``month`` is a review month."""
    return bool(levers.adaptive_controls and levers.controls_target and month != 0
                and not month % levers.adaptive_review_months)


def reviewed_controls(levers: GovernmentConfig, name: str, frontier: np.ndarray,
                      oom_per_month: float) -> float:
    """Export-control level after a review by the government of ``name``.

    Args:
        levers: the government's levers.
        name: its region, which is also the bloc whose lead it measures.
        frontier: best capability per bloc (:func:`sim.capability.bloc_frontier`).
        oom_per_month: frontier progress per month (OOM), to measure gaps in months.
    """
    gap = min(bloc_gap_months(frontier, name, target.value, oom_per_month)
              for target in levers.controls_target)
    return adaptive_controls_rule(gap, levers.export_controls,
                                  levers.adaptive_gap_threshold_months, levers.adaptive_step)


class Government(mesa.Agent):
    """The government of one region."""

    def __init__(self, model, name: str):
        super().__init__(model)
        self.name = name

    @property
    def levers(self):
        """This government's current levers (``GovernmentConfig``)."""
        return self.model.cfg.governments[self.name]

    def step(self) -> None:
        """Apply the adaptive export-control rule at each review month, if enabled."""
        lv, m = self.levers, self.model
        if not review_due(lv, m.month):
            return
        new = reviewed_controls(lv, self.name, m.bloc_frontier(),
                                m.cfg.model.capability_oom_per_month)
        if new != lv.export_controls:
            m.set_param(f"governments.{self.name}.export_controls", new)
