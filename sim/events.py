"""Scheduled events: which are due, and the one dispatch point that applies them.

``kind: set`` changes a parameter by its dotted path (:mod:`sim.paths`), as the adaptive
government rules do; ``kind: lab_posture`` fixes a lab's posture, and the lab releases under it
at once (``sim.releases``: a closing lab's released weights stay on offer).
"""

from __future__ import annotations

from typing import Any

from sim.config import EventConfig, SimConfig
from sim.enums import OPENNESS, EventKind, Posture


def events_due(cfg: SimConfig, month: int) -> list[tuple[str, EventConfig]]:
    """Events scheduled for ``month``, in the order they were composed."""
    return [(name, ev) for name, ev in cfg.events.items() if ev.month == month]


def apply_event(model: Any, event: EventConfig) -> None:
    """Apply one event to the running model (the one dispatch point for all event kinds)."""
    if event.kind is EventKind.lab_posture:
        lab = model.lab_by_name[event.target]
        lab.posture = Posture(event.value)
        lab.expected_openness = OPENNESS[lab.posture]
        lab.locked = True
        model.release(lab.index)  # it ships under the new posture now; released weights stay
    elif event.kind is EventKind.set:
        model.set_param(event.target, event.value)
    else:  # pragma: no cover - EventKind is exhaustive; guards against a new kind without code
        raise ValueError(f"unhandled event kind {event.kind}")
