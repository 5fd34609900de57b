"""Dotted parameter paths: reading, replacing and type coercion, in one place.

Every change to a config by path (scheduled events, adaptive government rules, keyword
overrides of :func:`sim.run.run`, uncertain parameters and explorer levers) goes through this
module. A path such as ``governments.US.export_controls`` or ``governments.US.bans.CN`` walks
dataclass fields and dict keys; the value is converted to the type the schema declares at that
path (for a dict entry, the dict's declared value type, so ``governments.US.bans.CN`` is a
:class:`~sim.enums.BanScope`).
"""

from __future__ import annotations

import dataclasses
import typing
from enum import Enum
from functools import lru_cache
from typing import Any


def _get(node: Any, key: str) -> Any:
    if isinstance(node, dict):
        return node[key]
    return getattr(node, key)


def resolve_path(cfg: Any, path: str) -> tuple[Any, str, Any]:
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


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def declared_type(cfg: Any, path: str) -> Any:
    """The type the schema declares for the value at ``path`` (None where nothing is declared).

    A field's annotation for a dataclass field; the value type of a ``Dict[str, X]`` field for
    one of its entries (``X``).
    """
    node, declared = cfg, None
    for key in path.split("."):
        if dataclasses.is_dataclass(node):
            declared = _hints(type(node)).get(key)
        elif isinstance(node, dict):
            args = typing.get_args(declared)
            declared = args[1] if typing.get_origin(declared) in (dict, typing.Dict) \
                and len(args) == 2 else None
        else:
            return None
        node = _get(node, key) if not isinstance(node, dict) else node.get(key)
    return declared


def declared_metadata(cfg: Any, path: str) -> dict:
    """Metadata (:func:`sim.params.param`) of the dataclass field that declares ``path``.

    For a path into a dict field (``governments.US.bans.CN``) that is the dict field's
    metadata, which may say what keys the dict allows; empty where no field declares the path.
    """
    node, meta = cfg, {}
    for key in path.split("."):
        if dataclasses.is_dataclass(node):
            found = [f for f in dataclasses.fields(node) if f.name == key]
            meta = dict(found[0].metadata) if found else {}
            node = getattr(node, key, None)
        elif isinstance(node, dict):
            node = node.get(key)
        else:
            return {}
    return meta


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


def coerce_at(cfg: Any, path: str, value: Any) -> Any:
    """``value`` converted to the type declared at ``path`` (an Enum) or of its current value."""
    declared = declared_type(cfg, path)
    enum_type = declared if isinstance(declared, type) and issubclass(declared, Enum) else None
    return coerce_like(resolve_path(cfg, path)[2], value, enum_type)


def replace_path(node: Any, keys: list[str], value: Any) -> Any:
    """Copy of ``node`` (a dataclass or dict) with the value at ``keys`` replaced."""
    head, rest = keys[0], keys[1:]
    if isinstance(node, dict):
        new = dict(node)
        new[head] = replace_path(node[head], rest, value) if rest else value
        return new
    child = getattr(node, head)
    return dataclasses.replace(node, **{head: replace_path(child, rest, value) if rest else value})


def set_path(cfg: Any, path: str, value: Any) -> Any:
    """Copy of ``cfg`` with the value at dotted ``path`` set to ``value``, coerced by type."""
    return replace_path(cfg, path.split("."), coerce_at(cfg, path, value))
