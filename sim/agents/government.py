"""Governments: one per region, holding that region's policy levers.

Levers live in the model's config (``governments.<REGION>``) so that scheduled events and the
adaptive rule change them the same way. The adaptive rule (:func:`adaptive_controls_rule`)
tightens export controls when the controlled bloc gets too close to the frontier.
"""

from __future__ import annotations

import mesa


def adaptive_controls_rule(gap_months: float, controls: float, threshold_months: float,
                           step: float) -> float:
    """New export-control level: tighten by ``step`` (up to 1) when the gap is below threshold."""
    if gap_months < threshold_months:
        return min(1.0, controls + step)
    return controls


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
        if not lv.adaptive_controls or not lv.controls_target or m.month == 0 \
                or m.month % lv.adaptive_review_months:
            return
        gap = min(m.bloc_gap_months(self.name, target.value) for target in lv.controls_target)
        new = adaptive_controls_rule(gap, lv.export_controls, lv.adaptive_gap_threshold_months,
                                     lv.adaptive_step)
        if new != lv.export_controls:
            m.set_param(f"governments.{self.name}.export_controls", new)
