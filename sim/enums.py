"""Enumerations for blocs, regions, postures, ban scopes and event kinds.

States are Enums rather than strings so that a typo fails at config load (Hydra structured
configs check enum values) instead of silently creating a new category.
"""

from __future__ import annotations

from enum import Enum


class Bloc(str, Enum):
    """Home bloc of a lab: where it is headquartered and whose government regulates it."""

    US = "US"
    CN = "CN"
    EU = "EU"


class Region(str, Enum):
    """Developer regions; each has one government agent."""

    US = "US"
    CN = "CN"
    EU = "EU"
    ROW = "ROW"


class Posture(str, Enum):
    """A lab's release posture.

    open: frontier weights released; hybrid: smaller models open, flagship closed;
    closed: no open weights.
    """

    open = "open"
    hybrid = "hybrid"
    closed = "closed"


#: Openness of each posture on a 0-1 scale; used in payoffs and written to the results
#: table as the ``lab_openness`` metric.
OPENNESS = {Posture.closed: 0.0, Posture.hybrid: 0.5, Posture.open: 1.0}
POSTURES = (Posture.open, Posture.hybrid, Posture.closed)
REGIONS = tuple(Region)
BLOCS = tuple(Bloc)


class Financing(str, Enum):
    """Who pays for a lab's spending beyond its revenue (``sim.finance``)."""

    parent = "parent"  # transfers from a listed group (Alibaba, Tencent, Baidu, Google, Meta)
    outside = "outside"  # venture and strategic investors (OpenAI, Anthropic, xAI, ...)
    fund = "fund"  # a hedge-fund parent's own profits (DeepSeek, High-Flyer)


class BanScope(str, Enum):
    """How far a government's ban on a foreign bloc's models reaches in its region."""

    none = "none"
    government = "government"  # public-sector developers only (device bans)
    market = "market"  # every developer in the region


class EventKind(str, Enum):
    """Kinds of scheduled events.

    lab_posture: a lab moves to a posture and keeps it (the decision rule no longer runs for it).
    set: any numeric or enum parameter of the running world is set to a new value, e.g.
    ``governments.US.export_controls`` or ``chips.domestic_perf_rel_h100``.
    """

    lab_posture = "lab_posture"
    set = "set"
