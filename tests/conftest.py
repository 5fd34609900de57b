"""Shared fixtures: small but complete configs, so behavioural tests run in seconds."""

from __future__ import annotations

import logging

import pytest

from sim.config import SimConfig
from sim.run import with_overrides

logging.getLogger("MESA").setLevel(logging.WARNING)


def small(cfg: SimConfig | None = None, **overrides) -> SimConfig:
    """A config shrunk for tests: 3,000 developers and 36 months unless overridden."""
    base = {"model.n_developers": 3000, "model.horizon_months": 36}
    base.update({k.replace("__", "."): v for k, v in overrides.items()})
    return with_overrides(cfg if cfg is not None else SimConfig(), base)


@pytest.fixture
def small_cfg() -> SimConfig:
    return small()
