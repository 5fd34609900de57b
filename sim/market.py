"""The product menu, prices and who may use what.

Each lab offers two product slots: slot 0 is its flagship (open weights when the lab's posture is
``open``, a closed API otherwise); slot 1 is the open tier that exists only under ``hybrid``
(smaller open models a few months behind the closed flagship, as Qwen and Gemma are). Product
``p`` belongs to lab ``p // 2``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.enums import BanScope, Posture

SLOTS = 2


@dataclass
class Menu:
    """The products on offer this month, as arrays over product index ``p``."""

    lab: np.ndarray  # int, owning lab index
    bloc: np.ndarray  # int, index into BLOCS
    exists: np.ndarray  # bool
    is_open: np.ndarray  # bool, open weights
    capability: np.ndarray  # OOM
    price: np.ndarray  # USD per Mtok paid by the developer
    cost: np.ndarray  # USD per Mtok to serve


def product_flags(postures: list[Posture]) -> tuple[np.ndarray, np.ndarray]:
    """Which product slots exist and which are open-weight, given each lab's posture."""
    n = len(postures)
    exists = np.zeros(n * SLOTS, dtype=bool)
    is_open = np.zeros(n * SLOTS, dtype=bool)
    for i, posture in enumerate(postures):
        exists[SLOTS * i] = True
        is_open[SLOTS * i] = posture is Posture.open
        exists[SLOTS * i + 1] = posture is Posture.hybrid
        is_open[SLOTS * i + 1] = True
    return exists, is_open


def hosting_cost(capability: np.ndarray, month: int, *, base_usd_per_mtok: float,
                 reference_capability: float, decline_per_year: float,
                 capability_elasticity: float) -> np.ndarray:
    """Cost of serving one Mtok of a model (USD): falls over time, rises with capability.

    ``cost = base * 10**(elasticity * (C - C_ref)) / decline**(month / 12)``; at fixed capability it
    falls ``decline_per_year``-fold a year (price.decline.llmflation).
    """
    exponent = capability_elasticity * (capability - reference_capability)
    return base_usd_per_mtok * 10.0 ** exponent / decline_per_year ** (month / 12.0)


def closed_markup(gap_months: np.ndarray | float, *, floor: float, ceiling: float,
                  scale_months: float) -> np.ndarray:
    """Markup of a closed model over its serving cost, given its lead over the best open model.

    For a lead ``g >= 0``: ``floor + (ceiling - floor) * (1 - exp(-g / scale))``, so the premium
    shrinks towards ``floor`` as a free, near-equal open model appears ("why pay for a closed
    model if an equally capable one is free?") and nears ``ceiling`` with a large lead. A closed
    model behind the best open one keeps only ``floor * exp(g / scale)`` (``g < 0``), falling to
    zero as it drops further behind.
    """
    g = np.asarray(gap_months, dtype=float)
    ahead = floor + (ceiling - floor) * (1.0 - np.exp(-np.maximum(g, 0.0) / scale_months))
    behind = floor * np.exp(np.minimum(g, 0.0) / scale_months)
    return np.where(g >= 0, ahead, behind)


def price_products(capability: np.ndarray, is_open: np.ndarray, exists: np.ndarray,
                   cost: np.ndarray, oom_per_month: float, *, floor: float, ceiling: float,
                   scale_months: float) -> np.ndarray:
    """Developer-facing price of every product (USD per Mtok).

    Open-weight models are served at cost by competing hosts; closed models are priced at
    ``cost * (1 + markup)`` with the markup set by their lead over the best open model on offer.
    """
    open_caps = capability[exists & is_open]
    best_open = open_caps.max() if open_caps.size else -np.inf
    lead_months = (capability - best_open) / oom_per_month
    markup = closed_markup(lead_months, floor=floor, ceiling=ceiling, scale_months=scale_months)
    return np.where(is_open, cost, cost * (1.0 + markup))


def access_masks(product_bloc: np.ndarray, product_lab: np.ndarray, is_open: np.ndarray,
                 exists: np.ndarray, n_regions: int, bans: np.ndarray,
                 closed_blocked: np.ndarray, open_excluded: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Which products developers of each region may choose: (market mask, public-sector mask).

    Args:
        product_bloc: bloc index of each product.
        product_lab: lab index of each product.
        is_open: open-weight flag of each product.
        exists: whether each product is on offer.
        n_regions: number of regions.
        bans: int array (regions, blocs) of :class:`BanScope` codes (0 none, 1 government,
            2 market) set by each region's government.
        closed_blocked: bool array (labs, regions): the lab does not sell its API there.
        open_excluded: bool array (labs, regions): the lab's open licence excludes the region.

    Returns:
        Two bool arrays (regions, products): what private developers and what public-sector
        developers of each region may use.
    """
    scope = bans[:, product_bloc]  # (regions, products)
    by_lab = np.where(is_open[None, :], open_excluded[product_lab].T, closed_blocked[product_lab].T)
    base = exists[None, :] & ~by_lab[:n_regions]
    market = base & (scope < BAN_CODE[BanScope.market])
    public = base & (scope < BAN_CODE[BanScope.government])
    return market, public


BAN_CODE = {BanScope.none: 0, BanScope.government: 1, BanScope.market: 2}
