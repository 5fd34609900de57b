"""Releases: what each lab has put on the market, and what stays there when it changes course.

A product is a *release*: a model with a capability, a licence (closed API or open weights), a
size class and a release date. Each lab has three kinds of release (``KINDS``):

- ``api``: its closed API, serving its latest closed flagship. It exists while the lab's posture
  is ``closed`` or ``hybrid`` and is withdrawn when the lab goes ``open`` (the lab then earns
  on its open weights through its cloud and services).
- ``open``: its latest open-weight flagship, released under the ``open`` posture.
- ``small``: its latest small open-weight model (a smaller size class, released a
  ``small_model_gap_months`` behind the lab's capability), released under ``open`` or
  ``hybrid``.

At each release month a lab releases what its posture says (:func:`release`): the newest
release of a kind replaces the lab's previous one of that kind (its users move up within the
family at no cost). Weights already released are never withdrawn: when a lab closes, its last
open releases stay on offer, hosted by third parties at cost or self-hosted, with the capability
they had at release, so they age as the frontier moves on. The open community keeps improving
them (``sim.community``) and their derivative ecosystem fades with age
(``sim.agents.developer.common_utility``).

Product ``p`` belongs to lab ``p // SLOTS`` and is of kind ``KINDS[p % SLOTS]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.enums import Posture

KINDS = ("api", "open", "small")
SLOTS = len(KINDS)
API, OPEN, SMALL = range(SLOTS)
#: kinds whose weights are open
OPEN_KINDS = np.array([False, True, True])


@dataclass(frozen=True)
class Releases:
    """Every lab's current release of each kind, as (labs, SLOTS) arrays.

    Attributes:
        exists: the release is on offer.
        capability: capability at release (OOM, log10 effective FLOP), before the community's
            additions to open weights.
        month: month of release (-1 if none yet).

    The arrays may carry leading batch axes, ``(..., labs, SLOTS)``: a lab comparing postures
    projects one market per posture at once (``sim.foresight``).
    """

    exists: np.ndarray
    capability: np.ndarray
    month: np.ndarray

    @property
    def is_open(self) -> np.ndarray:
        """Open-weight flag of every product, flattened in product order."""
        return np.tile(OPEN_KINDS, self.exists.shape[-2])

    def flat(self, values: np.ndarray) -> np.ndarray:
        """``values`` (..., labs, SLOTS) flattened to (..., products)."""
        return values.reshape(*values.shape[:-2], -1)

    def age_months(self, month: int) -> np.ndarray:
        """Months since each release, flattened (0 for releases that do not exist)."""
        return self.flat(np.where(self.exists, month - self.month, 0).astype(float))


def kinds_released(posture: Posture) -> tuple[bool, bool, bool]:
    """Which kinds (api, open, small) a lab with ``posture`` releases at a release month."""
    return (posture is not Posture.open, posture is Posture.open,
            posture in (Posture.open, Posture.hybrid))


def no_releases(n_labs: int) -> Releases:
    """A market where no lab has released anything yet."""
    return Releases(exists=np.zeros((n_labs, SLOTS), dtype=bool),
                    capability=np.full((n_labs, SLOTS), -np.inf),
                    month=np.full((n_labs, SLOTS), -1, dtype=np.int64))


def release(releases: Releases, lab: int, posture: Posture, capability: float, month: int,
            small_gap_oom: float) -> Releases:
    """The releases after ``lab`` ships what ``posture`` says at ``month``.

    Kinds the posture releases are replaced by new releases at ``capability`` (the small model
    ``small_gap_oom`` below it). The closed API is withdrawn under the ``open`` posture; open
    weights already released stay.

    Args:
        releases: the releases now.
        lab: index of the releasing lab.
        posture: its posture now.
        capability: its capability now (OOM).
        month: the month of release.
        small_gap_oom: how far a small open release trails the lab's capability (OOM).
    """
    one = Releases(*(a[None] for a in (releases.exists, releases.capability, releases.month)))
    out = release_each(one, lab, [posture], np.array([capability]), month, small_gap_oom)
    return Releases(out.exists[0], out.capability[0], out.month[0])


def release_each(releases: Releases, lab: int, postures: list[Posture], capability: np.ndarray,
                 month: int, small_gap_oom: float) -> Releases:
    """:func:`release` for a batch of markets (a leading axis of ``releases``).

    In market ``k`` the lab releases under ``postures[k]`` at ``capability[k]``.
    """
    new = np.array([kinds_released(p) for p in postures])  # (batch, kinds)
    level = np.asarray(capability, float)[:, None] - np.array([0.0, 0.0, small_gap_oom])
    exists, cap, when = releases.exists.copy(), releases.capability.copy(), \
        releases.month.copy()
    exists[:, lab] |= new
    cap[:, lab] = np.where(new, level, cap[:, lab])
    when[:, lab] = np.where(new, month, when[:, lab])
    # an open lab sells its weights' services, not a closed API
    exists[:, lab, API] &= np.array([p is not Posture.open for p in postures])
    return Releases(exists=exists, capability=cap, month=when)


def initial_releases(postures: list[Posture], capability: np.ndarray,
                     small_gap_oom: float) -> Releases:
    """The releases at month 0: every lab has released what its initial posture says."""
    out = no_releases(len(postures))
    for i, posture in enumerate(postures):
        out = release(out, i, posture, float(capability[i]), 0, small_gap_oom)
    return out


def best_open_release(releases: Releases, addition: np.ndarray) -> np.ndarray:
    """Per lab, the effective capability of its best open release (-inf if it has none).

    Effective capability is the capability at release plus the community's addition to the
    lab's open family (``addition``, OOM per lab).
    """
    open_caps = np.where(releases.exists & OPEN_KINDS[None, :], releases.capability, -np.inf)
    return open_caps.max(axis=1) + addition
