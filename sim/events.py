"""Scheduled events and parameter paths.

Every change to the running world goes through :func:`replace_path`, which returns a new
config with one value replaced, addressed by a dotted path such as
``governments.US.export_controls`` or ``governments.US.bans.CN``. Scenario events (``kind: set``)
and the adaptive government rule use the same path; ``kind: lab_posture`` fixes a lab's posture.
"""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

from sim.config import EventConfig, SimConfig
from sim.enums import OPENNESS, EventKind, Posture


def _get(node: Any, key: str) -> Any:
    if isinstance(node, dict):
        return node[key]
    return getattr(node, key)


def resolve_path(cfg: SimConfig, path: str) -> tuple[Any, str, Any]:
    """Return ``(parent, last key, current value)`` of a dotted path; KeyError if absent."""
    keys = path.split(".")
    node = cfg
    for key in keys[:-1]:
        node = _get(node, key)
    last = keys[-1]
    if isinstance(node, dict):
        return node, last, node.get(last)
    if not dataclasses.is_dataclass(node) or last not in {f.name for f in dataclasses.fields(node)}:
        raise KeyError(last)
    return node, last, getattr(node, last)


def coerce_like(current: Any, value: Any, enum_type: type[Enum] | None = None) -> Any:
    """Convert ``value`` to the type of ``current`` (bool, int, float or the Enum)."""
    if enum_type is not None:
        return enum_type(value)
    if isinstance(current, Enum):
        return type(current)(value)
    if isinstance(current, bool):
        if isinstance(value, str):
            return value.lower() in ("true", "1", "yes")
        return bool(value)
    if isinstance(current, int):
        return int(value)
    if isinstance(current, float):
        return float(value)
    return value


def replace_path(node: Any, keys: list[str], value: Any) -> Any:
    """Copy of ``node`` (a dataclass or dict) with the value at ``keys`` replaced."""
    head, rest = keys[0], keys[1:]
    if isinstance(node, dict):
        new = dict(node)
        new[head] = replace_path(node[head], rest, value) if rest else value
        return new
    child = getattr(node, head)
    return dataclasses.replace(node, **{head: replace_path(child, rest, value) if rest else value})


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
    elif event.kind is EventKind.set:
        model.set_param(event.target, event.value)
    else:  # pragma: no cover - EventKind is exhaustive; guards against a new kind without code
        raise ValueError(f"unhandled event kind {event.kind}")
