"""The product menu, prices, who may use what, and the utilities developers face.

Each lab offers two product slots: slot 0 is its flagship (open weights when the lab's posture is
``open``, a closed API otherwise); slot 1 is the open tier that exists only under ``hybrid``
(smaller open models a few months behind the closed flagship, as Qwen and Gemma are). Product
``p`` belongs to lab ``p // 2``.

Everything here is a function of arrays and config: :class:`MarketInputs` carries what the market
reads from the rest of the model in a month, :func:`build_menu` turns postures into products and
prices, :func:`market_access` applies bans and licences, :func:`common_utilities` gives each
region's utility of each product. The model calls them each month; a lab calls them to project
the market under each posture it might take.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.agents.developer import common_utility
from sim.capability import REFERENCE_CAPABILITY, openness
from sim.config import GovernmentConfig, LabConfig, MarketConfig, SimConfig
from sim.enums import BLOCS, REGIONS, BanScope, Bloc, Posture
from sim.trends import slowing_growth

SLOTS = 2
REGION_NAMES = [r.value for r in REGIONS]


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


@dataclass(frozen=True)
class MarketInputs:
    """What the market reads from the rest of the model in one month, as plain arrays.

    Attributes:
        month: months since the start (serving costs fall with it).
        lab_bloc: bloc index of each lab.
        base_capability: ``log10(compute) + knowledge`` of each lab (OOM), before the
            community boost.
        boost: capability the derivative community adds to each lab's open family (OOM).
        family_share: global share of developers on each lab's products (0-1).
        derivatives: derivative count of each lab's family.
        bans: (regions, blocs) :data:`BAN_CODE` of each region's ban on each bloc's models.
        closed_blocked: (labs, regions) the lab does not sell its API in the region.
        open_excluded: (labs, regions) the lab's open licence excludes the region.
    """

    month: int
    lab_bloc: np.ndarray
    base_capability: np.ndarray
    boost: np.ndarray
    family_share: np.ndarray
    derivatives: np.ndarray
    bans: np.ndarray
    closed_blocked: np.ndarray
    open_excluded: np.ndarray


def ban_codes(governments: Mapping[str, GovernmentConfig]) -> np.ndarray:
    """(regions, blocs) :data:`BAN_CODE` array of every region's bans on foreign blocs."""
    bans = np.zeros((len(REGIONS), len(BLOCS)), dtype=np.int64)
    for r, name in enumerate(REGION_NAMES):
        gov = governments.get(name)
        for bloc, scope in (gov.bans.items() if gov else ()):
            bans[r, BLOCS.index(Bloc(bloc))] = BAN_CODE[BanScope(scope)]
    return bans


def lab_region_flags(labs: Mapping[str, LabConfig], lab_names: Sequence[str],
                     attr: str) -> np.ndarray:
    """(labs, regions) bool array: the regions listed in each lab's ``attr`` field.

    Args:
        labs: lab parameters by name.
        lab_names: the labs in the model's order.
        attr: ``closed_api_blocked_regions`` or ``open_licence_excluded_regions``.
    """
    flags = np.zeros((len(lab_names), len(REGIONS)), dtype=bool)
    for i, name in enumerate(lab_names):
        for region in getattr(labs[name], attr):
            flags[i, REGION_NAMES.index(getattr(region, "value", region))] = True
    return flags


def build_menu(postures: Sequence[Posture], inputs: MarketInputs, cfg: SimConfig) -> Menu:
    """Products on offer if the labs held ``postures``: flags, capability, cost and price.

    A hybrid lab's open tier trails its flagship by ``lab_behaviour.hybrid_tier_lag_months`` and
    always carries the community boost; the flagship carries it in proportion to openness.
    """
    exists, is_open = product_flags(postures)
    base, boost = inputs.base_capability, inputs.boost
    oom_per_month = cfg.model.capability_oom_per_month
    cap = np.empty(exists.size)
    cap[0::SLOTS] = base + boost * openness(postures)
    cap[1::SLOTS] = base + boost - cfg.lab_behaviour.hybrid_tier_lag_months * oom_per_month
    mk = cfg.market
    cost = hosting_cost(cap, inputs.month, base_usd_per_mtok=mk.hosting_usd_per_mtok,
                        reference_capability=REFERENCE_CAPABILITY,
                        decline_per_year=mk.cost_decline_per_year,
                        capability_elasticity=mk.cost_capability_elasticity)
    price = price_products(cap, is_open, exists, cost, oom_per_month, floor=mk.premium_floor,
                           ceiling=mk.premium_max, scale_months=mk.premium_gap_scale_months)
    lab = np.repeat(np.arange(len(postures)), SLOTS)
    return Menu(lab=lab, bloc=inputs.lab_bloc[lab], exists=exists, is_open=is_open,
                capability=cap, price=price, cost=cost)


def market_access(menu: Menu, inputs: MarketInputs) -> tuple[np.ndarray, np.ndarray]:
    """(market mask, public-sector mask) of ``menu`` for every region (:func:`access_masks`)."""
    return access_masks(menu.bloc, menu.lab, menu.is_open, menu.exists, len(REGIONS),
                        inputs.bans, inputs.closed_blocked, inputs.open_excluded)


def common_utilities(menu: Menu, inputs: MarketInputs, cfg: SimConfig) -> np.ndarray:
    """(regions, products) utility shared by a region's developers, before price and taste.

    Capability is measured in months behind the best product on offer; see
    :func:`sim.agents.developer.common_utility` for the terms.
    """
    frontier = menu.capability[menu.exists].max()
    months = (menu.capability - frontier) / cfg.model.capability_oom_per_month
    affinity = np.array([[cfg.developers.affinity[r][b.value] for b in BLOCS]
                         for r in REGION_NAMES])
    # one call for all regions: affinity is the only regional term
    return common_utility(months, inputs.family_share[menu.lab], inputs.derivatives[menu.lab],
                          menu.is_open, affinity[:, menu.bloc], cfg.developers)


def token_demand(month: int, cfg: MarketConfig) -> float:
    """World token demand in ``month`` (Mtok).

    It grows ``demand_growth_per_year``-fold a year at first, and its log growth rate halves
    every ``demand_growth_halflife_months`` (:func:`sim.trends.slowing_growth`).
    """
    return cfg.token_demand_mtok_per_month * slowing_growth(
        month, cfg.demand_growth_per_year, cfg.demand_growth_halflife_months)
