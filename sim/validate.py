"""Validation of a :class:`~sim.config.SimConfig` before any simulation work starts.

Types are checked by Hydra/OmegaConf when a config is composed; this module checks what types
cannot: ranges (declared on each field with :func:`sim.params.param`), names of labs, regions and
blocs, shares that must sum to one, and events (known targets, months inside the horizon, values
of the right kind). Every failure is a :class:`ConfigError` naming the key, the bad value and
what is allowed.
"""

from __future__ import annotations

import dataclasses
import math
from enum import Enum
from typing import Any

from sim.enums import BLOCS, POSTURES, REGIONS, BanScope, EventKind, Region
from sim.paths import coerce_like, declared_metadata, declared_type, resolve_path


class ConfigError(ValueError):
    """A config value is not allowed. ``str()`` gives one line naming key, value and allowed."""

    def __init__(self, key: str, value: Any, allowed: str):
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(f"invalid config: {key} = {value!r}; allowed: {allowed}")


def _names(values) -> str:
    return ", ".join(str(getattr(v, "value", v)) for v in values)


def _check_number(key: str, value: Any, meta: dict) -> None:
    lo, hi = meta.get("lo"), meta.get("hi")
    if lo is None and hi is None and not isinstance(value, float):
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    rng = f"a number in [{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}]"
    if not math.isfinite(value):
        raise ConfigError(key, value, f"a finite number; {rng}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ConfigError(key, value, rng)


def check_ranges(node: Any, prefix: str) -> None:
    """Check every numeric field of a dataclass (recursively) against its declared range."""
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        key = f"{prefix}.{f.name}" if prefix else f.name
        if dataclasses.is_dataclass(value):
            check_ranges(value, key)
        else:
            _check_number(key, value, dict(f.metadata))


def _check_enum(key: str, value: Any, enum: type[Enum]) -> None:
    try:
        enum(getattr(value, "value", value))
    except ValueError:
        raise ConfigError(key, value, _names(enum)) from None


def _check_keys(key: str, mapping: dict, allowed, exact: bool = False) -> None:
    names = [getattr(a, "value", a) for a in allowed]
    for k in mapping:
        if k not in names:
            raise ConfigError(f"{key}.{k}", k, _names(names))
    if exact and set(mapping) != set(names):
        missing = sorted(set(names) - set(mapping))
        raise ConfigError(f"{key}.{missing[0]}", None, f"every one of {_names(names)}")


def _declared_keys(node: Any, name: str) -> tuple:
    """The keys dict field ``name`` of dataclass ``node`` allows (``param(keys=...)``)."""
    return {f.name: f for f in dataclasses.fields(node)}[name].metadata["keys"]


def _check_developers(cfg) -> None:
    dev = cfg.developers
    _check_keys("developers.region_shares", dev.region_shares, REGIONS, exact=True)
    for r, share in dev.region_shares.items():
        _check_number(f"developers.region_shares.{r}", share, {"lo": 0.0, "hi": 1.0})
    total = sum(dev.region_shares.values())
    if abs(total - 1.0) > 1e-6:
        raise ConfigError("developers.region_shares", dict(dev.region_shares),
                          f"shares summing to 1 (they sum to {total:g})")
    _check_keys("developers.affinity", dev.affinity, REGIONS, exact=True)
    for r, row in dev.affinity.items():
        _check_keys(f"developers.affinity.{r}", row, BLOCS, exact=True)
        for b, v in row.items():
            _check_number(f"developers.affinity.{r}.{b}", v, {"lo": -20.0, "hi": 20.0})
    if not dev.segments:
        raise ConfigError("developers.segments", {}, "at least one segment")
    for name, segment in dev.segments.items():
        check_ranges(segment, f"developers.segments.{name}")
    if sum(s.share for s in dev.segments.values()) <= 0:
        raise ConfigError("developers.segments", {n: s.share for n, s in dev.segments.items()},
                          "shares with a positive sum")


def _check_labs(cfg) -> None:
    if not cfg.labs:
        raise ConfigError("labs", {}, "at least one lab")
    for name, lab in cfg.labs.items():
        check_ranges(lab, f"labs.{name}")
        for attr in ("closed_api_blocked_regions", "open_licence_excluded_regions"):
            for region in getattr(lab, attr):
                _check_enum(f"labs.{name}.{attr}", region, Region)


def _check_governments(cfg) -> None:
    _check_keys("governments", cfg.governments, REGIONS)
    for name, gov in cfg.governments.items():
        check_ranges(gov, f"governments.{name}")
        _check_keys(f"governments.{name}.bans", gov.bans, _declared_keys(gov, "bans"))
        for bloc, scope in gov.bans.items():
            _check_enum(f"governments.{name}.bans.{bloc}", scope, BanScope)


def check_event(cfg, name: str, ev) -> None:
    """Check one scheduled event against the config it will run in."""
    key = f"events.{name}"
    horizon = cfg.model.horizon_months
    if not 0 <= ev.month < horizon:
        raise ConfigError(f"{key}.month", ev.month, f"a month in [0, {horizon - 1}] "
                                                    f"(model.horizon_months = {horizon})")
    if ev.kind is EventKind.lab_posture:
        if ev.target not in cfg.labs:
            raise ConfigError(f"{key}.target", ev.target, _names(cfg.labs))
        _check_enum(f"{key}.value", ev.value, type(POSTURES[0]))
        return
    _check_set_event(cfg, key, ev)


def _check_set_event(cfg, key: str, ev) -> None:
    try:
        parent, last, current = resolve_path(cfg, ev.target)
    except (KeyError, AttributeError, TypeError):
        raise ConfigError(f"{key}.target", ev.target, settable_hint(cfg, ev.target)) from None
    allowed_keys = declared_metadata(cfg, ev.target).get("keys")
    if isinstance(parent, dict) and allowed_keys is not None:
        _check_keys(f"{key}.target", {last: None}, allowed_keys)
    declared = declared_type(cfg, ev.target)
    if isinstance(declared, type) and issubclass(declared, Enum):
        # the schema names the type, so an entry the config lacks yet can still be set
        _check_enum(f"{key}.value", ev.value, declared)
        return
    if dataclasses.is_dataclass(current) or isinstance(current, (dict, list)) or current is None:
        raise ConfigError(f"{key}.target", ev.target, "a path to a single value, e.g. "
                                                      "governments.US.export_controls")
    try:
        value = coerce_like(current, ev.value)
    except (TypeError, ValueError):
        allowed = _names(type(current)) if isinstance(current, Enum) else type(current).__name__
        raise ConfigError(f"{key}.value", ev.value, allowed) from None
    meta = {}
    if dataclasses.is_dataclass(parent):
        meta = {f.name: dict(f.metadata) for f in dataclasses.fields(parent)}.get(last, {})
    _check_number(f"{key}.value", value, meta)


def settable_hint(cfg, path: str) -> str:
    """Which keys exist at the deepest valid prefix of ``path`` (for error messages)."""
    node: Any = cfg
    for part in path.split("."):
        keys = list(node) if isinstance(node, dict) else \
            [f.name for f in dataclasses.fields(node)] if dataclasses.is_dataclass(node) else []
        if part not in keys:
            return "a dotted parameter path; at this level: " + ", ".join(map(str, keys))
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return "a dotted parameter path to one value"


def validate(cfg) -> None:
    """Raise :class:`ConfigError` for the first invalid value in ``cfg``; return None if valid."""
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        if dataclasses.is_dataclass(value):
            check_ranges(value, f.name)
        else:
            _check_number(f.name, value, dict(f.metadata))
    _check_developers(cfg)
    _check_labs(cfg)
    _check_governments(cfg)
    for name, ev in cfg.events.items():
        check_event(cfg, name, ev)
