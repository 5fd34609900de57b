"""The product menu, prices, who may use what, and the utilities developers face.

Products are releases (``sim.releases``): each lab's closed API, its latest open flagship and its
latest small open model, each with the capability it had at release (open weights plus what the
community has added since, ``sim.community``). Product ``p`` belongs to lab ``p // SLOTS``.

Everything here is a function of arrays and config: :class:`MarketInputs` carries what the market
reads from the rest of the model in a month, :func:`build_menu` turns releases into products and
prices, :func:`market_access` applies bans and licences, :func:`common_utilities` gives each
region's utility of each product, and :func:`representative_shares` the shares a lab projects.
The model calls them each month; a lab calls them to project the market under each posture it
might take.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.agents.developer import common_utility, logit_shares, representative_tastes, \
    segment_list, segment_weights
from sim.capability import REFERENCE_CAPABILITY
from sim.channels import Tastes, channel_utilities
from sim.config import GovernmentConfig, LabConfig, MarketConfig, SimConfig
from sim.enums import BLOCS, REGIONS, BanScope, Bloc
from sim.releases import SLOTS, Releases
from sim.trends import slowing_growth

REGION_NAMES = [r.value for r in REGIONS]


@dataclass
class Menu:
    """The products on offer this month, as arrays over product index ``p``."""

    lab: np.ndarray  # int, owning lab index
    bloc: np.ndarray  # int, index into BLOCS
    exists: np.ndarray  # bool
    is_open: np.ndarray  # bool, open weights
    capability: np.ndarray  # OOM (open weights: at release plus the community's addition)
    price: np.ndarray  # USD per Mtok paid by the developer (open weights: via a host)
    cost: np.ndarray  # USD per Mtok to serve
    age: np.ndarray  # months since release


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
                   scale_months: float, host_margin: float = 0.0) -> np.ndarray:
    """Developer-facing price of every product (USD per Mtok).

    Open-weight models are served by competing hosts at ``cost * (1 + host_margin)``; closed
    models are priced at ``cost * (1 + markup)`` with the markup set by their lead over the best
    open model on offer.
    """
    best_open = np.where(exists & is_open, capability, -np.inf).max(axis=-1, keepdims=True)
    lead_months = (capability - best_open) / oom_per_month
    markup = closed_markup(lead_months, floor=floor, ceiling=ceiling, scale_months=scale_months)
    return np.where(is_open, cost * (1.0 + host_margin), cost * (1.0 + markup))


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
    base = exists[..., None, :] & ~by_lab[:n_regions]  # (..., regions, products)
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
        releases: every lab's releases (``sim.releases``).
        addition: capability the community adds to each lab's open releases (OOM).
        family_share: global share of developers on each lab's products (0-1).
        derivatives: derivative count of each lab's family.
        bans: (regions, blocs) :data:`BAN_CODE` of each region's ban on each bloc's models.
        closed_blocked: (labs, regions) the lab does not sell its API in the region.
        open_excluded: (labs, regions) the lab's open licence excludes the region.
        volume_growth: growth of every developer's usage since 2025-01 (x).
        selfhost_fixed_usd: fixed monthly cost of self-hosting now (USD).
    """

    month: int
    lab_bloc: np.ndarray
    releases: Releases
    addition: np.ndarray
    family_share: np.ndarray
    derivatives: np.ndarray
    bans: np.ndarray
    closed_blocked: np.ndarray
    open_excluded: np.ndarray
    volume_growth: float = 1.0
    selfhost_fixed_usd: float = 0.0


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


def build_menu(releases: Releases, inputs: MarketInputs, cfg: SimConfig) -> Menu:
    """Products on offer given ``releases``: flags, capability, cost and price.

    An open release's capability is its capability at release plus the community's addition to
    its family (``inputs.addition``); a closed API's is its capability at release.
    """
    is_open = releases.is_open
    exists = releases.flat(releases.exists)
    lab = np.repeat(np.arange(releases.exists.shape[-2]), SLOTS)
    cap = releases.flat(releases.capability) + inputs.addition[..., lab] * is_open
    cap = np.where(exists, cap, REFERENCE_CAPABILITY - 100.0)  # finite, never chosen
    mk = cfg.market
    cost = hosting_cost(cap, inputs.month, base_usd_per_mtok=mk.hosting_usd_per_mtok,
                        reference_capability=REFERENCE_CAPABILITY,
                        decline_per_year=mk.cost_decline_per_year,
                        capability_elasticity=mk.cost_capability_elasticity)
    price = price_products(cap, is_open, exists, cost, cfg.model.capability_oom_per_month,
                           floor=mk.premium_floor, ceiling=mk.premium_max,
                           scale_months=mk.premium_gap_scale_months,
                           host_margin=mk.host_margin)
    return Menu(lab=lab, bloc=inputs.lab_bloc[lab], exists=exists, is_open=is_open,
                capability=cap, price=price, cost=cost, age=releases.age_months(inputs.month))


def market_access(menu: Menu, inputs: MarketInputs) -> tuple[np.ndarray, np.ndarray]:
    """(market mask, public-sector mask) of ``menu`` for every region (:func:`access_masks`)."""
    return access_masks(menu.bloc, menu.lab, menu.is_open, menu.exists, len(REGIONS),
                        inputs.bans, inputs.closed_blocked, inputs.open_excluded)


def common_utilities(menu: Menu, inputs: MarketInputs, cfg: SimConfig) -> np.ndarray:
    """(regions, products) utility shared by a region's developers, before price and taste.

    Capability is measured in months behind the best product on offer; see
    :func:`sim.agents.developer.common_utility` for the terms.
    """
    frontier = np.where(menu.exists, menu.capability, -np.inf).max(axis=-1, keepdims=True)
    months = (menu.capability - frontier) / cfg.model.capability_oom_per_month
    # one call for all regions: affinity is the only regional term (a batch axis leads)
    return common_utility(months[..., None, :], inputs.family_share[menu.lab],
                          inputs.derivatives[menu.lab], menu.is_open, menu.age[..., None, :],
                          affinity_table(cfg.developers)[:, menu.bloc], cfg.developers)


_AFFINITY: dict[int, tuple] = {}  # id -> (config, affinity, public segments)


def affinity_table(dev) -> np.ndarray:
    """(regions, blocs) affinity utilities, built once per developer config object."""
    cached = _AFFINITY.get(id(dev))
    if cached is None or cached[0] is not dev:
        table = np.array([[dev.affinity[r][b.value] for b in BLOCS] for r in REGION_NAMES])
        is_public = np.array([s.public for s in segment_list(dev)], dtype=bool)
        if len(_AFFINITY) > 64:
            _AFFINITY.clear()
        cached = _AFFINITY[id(dev)] = (dev, table, is_public)
    return cached[1]


def public_segments(dev) -> np.ndarray:
    """Which segments a government-scope ban reaches (cached with :func:`affinity_table`)."""
    affinity_table(dev)
    return _AFFINITY[id(dev)][2]


@dataclass(frozen=True)
class Projection:
    """The market as the typical developer of each region and segment sees it.

    Attributes:
        utility: (regions, segments, products) utility, before noise and switching costs.
        allowed: the same shape: which products each row may use.
        selfhost: the same shape: the row would self-host the (open) product.
        shares: the same shape: closed-form logit shares of each row.
    """

    utility: np.ndarray
    allowed: np.ndarray
    selfhost: np.ndarray
    shares: np.ndarray


def representative(menu: Menu, inputs: MarketInputs, cfg: SimConfig,
                   common: np.ndarray | None = None,
                   access: tuple[np.ndarray, np.ndarray] | None = None,
                   tastes: Tastes | None = None) -> Projection:
    """Utilities, access and logit shares of each region's and segment's typical developer.

    Used by labs to project the market, for consumer surplus, and by the closed-form logit
    checks. ``common``, ``access`` and the segments' ``tastes``
    (:func:`sim.agents.developer.representative_tastes`) are computed when not given. The
    channel part of utility does not depend on the region, so it is computed once per segment.
    """
    dev = cfg.developers
    common = common_utilities(menu, inputs, cfg) if common is None else common
    market, public = market_access(menu, inputs) if access is None else access
    tastes = representative_tastes(dev, inputs.volume_growth) if tastes is None else tastes
    channel, own = channel_utilities(0.0, np.log(menu.price), menu.cost, menu.is_open, tastes,
                                     cfg.market, inputs.selfhost_fixed_usd)
    # (..., regions, segments, products)
    # C order: numpy would keep the inputs' interleaved layout, and every reduction over
    # products below (the logit shares, the labs' flows) would stride through memory
    u = np.add(common[..., :, None, :], channel[..., None, :, :], order="C")
    allowed = np.ascontiguousarray(np.where(public_segments(dev)[:, None],
                                            public[..., :, None, :], market[..., :, None, :]))
    selfhost = np.broadcast_to(own[..., None, :, :], u.shape)
    return Projection(utility=u, allowed=allowed, selfhost=selfhost,
                      shares=logit_shares(u, allowed))


def row_weights(cfg: SimConfig) -> tuple[np.ndarray, np.ndarray]:
    """(regions, segments) weights of the typical developers: heads, and tokens."""
    dev = cfg.developers
    region = np.array([dev.region_shares[r] for r in REGION_NAMES])
    heads, tokens = segment_weights(dev)
    return region[:, None] * heads[None, :], region[:, None] * tokens[None, :]


def token_demand(month: int, cfg: MarketConfig) -> float:
    """World token demand in ``month`` (Mtok).

    It grows ``demand_growth_per_year``-fold a year at first, and its log growth rate halves
    every ``demand_growth_halflife_months`` (:func:`sim.trends.slowing_growth`).
    """
    return cfg.token_demand_mtok_per_month * slowing_growth(
        month, cfg.demand_growth_per_year, cfg.demand_growth_halflife_months)
