"""Foresight: a lab's projection of each posture over its next few release cycles.

A deciding lab ``i`` compares postures by what each would bring over ``foresight_cycles``
release cycles of ``L`` months (its release interval), evaluated at ``t = 0, L, 2L, ...`` and
weighted by ``discount_per_year ** (t / 12)``. At each point it projects:

- *capabilities*: every lab's capability grows at its recent trend (``trend``, OOM a month);
- *its own releases*: at each release it ships what the posture says, at its capability then
  (``sim.releases.release``); weights it has released stay;
- *rivals' releases*: rivals keep their postures and renew what those postures release at their
  own cadence, on average half a cycle old; so a rival's open release keeps closing in on the
  lab's closed API (the premium erodes, ``sim.market.closed_markup``);
- *imitation of its own weights*: rivals that may download the open weights the lab releases
  close the gap to them at the imitation rate scaled by absorptive capacity
  (``sim.capability.absorptive_capacity``), so open weights shrink the lab's lead;
- *the community's addition* to the lab's open family at its projected open users
  (``sim.community``);
- *shares with switching frictions*: each cycle a share ``1 - (1 - reconsider)^dt`` of each
  typical developer's demand moves to the logit choice; demand on products withdrawn moves at
  once (``adjust_shares``). Closing therefore erodes a lab's share gradually;
- *money*: profit, the funding its revenue attracts and grants, valued by the months of
  capability they buy (``sim.finance.money_months``).

It returns the discounted means of the months money buys, the months of capability the
community adds to the lab's newest open release, and the lab's share of developers, per posture.
Everything is a plain function of a :class:`DecisionState`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

import sim.finance as finance
from sim.agents.developer import representative_tastes
from sim.capability import absorptive_capacity
from sim.community import community_addition
from sim.config import SimConfig
from sim.enums import OPENNESS, POSTURES, Posture
from sim.market import MarketInputs, build_menu, market_access, representative, row_weights, \
    token_demand
from sim.releases import SLOTS, Releases, kinds_released, release_each


@dataclass(frozen=True)
class DecisionState:
    """What a deciding lab knows when it compares postures (plain arrays; labs in model order).

    Attributes:
        lab: index of the deciding lab.
        inputs: this month's market inputs (releases, community additions, bans, ...).
        postures: every lab's posture now.
        capability: every lab's capability now (OOM).
        trend: every lab's recent capability growth (OOM per month).
        training: every lab's training compute (H100e).
        intervals: every lab's release interval (months).
        excluded: (labs, labs) ``[j, i]`` = lab ``i``'s licence excludes lab ``j``'s region.
        shares: (regions, segments, products) share of each typical developer's demand on each
            product now (from the developers' actual choices).
        community_h100e: per lab, its open community's compute now (H100e).
        open_users: every lab's global share of developers on its open releases now.
        rules_cost: the lab's home content-rules cost (share of API margin).
        cloud_capture: the lab's share of the hosting bill of its open weights.
        funding_base: the lab's funding at its starting revenue (USD bn a year).
        revenue_start: its traction in the first month (USD bn a month,
            ``sim.finance.traction``).
        market_revenue: every lab's smoothed revenue now (USD bn a month), the value of a
            developer's share to financiers.
        elasticity: its funding's elasticity to revenue.
        grants: open-source grants it would receive under each posture (USD bn a month).
        fill: share of its recent chip orders delivered.
        usd_per_h100e: its price per H100e.
    """

    lab: int
    inputs: MarketInputs
    postures: list[Posture]
    capability: np.ndarray
    trend: np.ndarray
    training: np.ndarray
    intervals: np.ndarray
    excluded: np.ndarray
    shares: np.ndarray
    community_h100e: np.ndarray
    open_users: np.ndarray
    rules_cost: float
    cloud_capture: float
    funding_base: float
    revenue_start: float
    market_revenue: float
    elasticity: float
    grants: np.ndarray
    fill: float
    usd_per_h100e: float


@dataclass(frozen=True)
class Foresight:
    """Discounted projection of each posture (arrays in the order of ``POSTURES``).

    Attributes:
        money_months: months of capability the money each posture brings would buy.
        community_months: months of capability the community adds to the lab's newest open
            release (0 for ``closed``; a hybrid's newest open release is its small model).
        share: the lab's share of developers.
        open_share: the lab's share of developers on its open releases.
        profit: its monthly profit (USD bn).
        revenue: its monthly revenue (USD bn).
    """

    money_months: np.ndarray
    community_months: np.ndarray
    share: np.ndarray
    open_share: np.ndarray
    profit: np.ndarray
    revenue: np.ndarray


def adjust_shares(previous: np.ndarray, target: np.ndarray, available: np.ndarray,
                  moving: float) -> np.ndarray:
    """Shares after a share ``moving`` of each row's demand has re-chosen.

    ``s = (1 - moving) * s_prev[available] + (1 - (1 - moving) * sum(s_prev[available])) *
    target``: demand that stays keeps its product if it is still available; the rest (movers,
    demand on withdrawn products, newcomers) is spread by the target (logit) shares.
    """
    stay = (1.0 - moving) * np.where(available, previous, 0.0)
    return stay + (1.0 - stay.sum(axis=-1, keepdims=True)) * target


def rival_releases(state: DecisionState, capability: np.ndarray, t: float, gap_oom: float
                   ) -> Releases:
    """Releases of every lab ``t`` months ahead if each kept its posture (the decider's too).

    For ``t > 0`` each lab has renewed the kinds its posture releases, on average half a release
    cycle before ``t``; kinds it no longer releases keep their last version. ``capability`` is
    (..., labs): one market per leading index.
    """
    rel = state.inputs.releases
    shape = (*capability.shape, SLOTS)
    if t <= 0:
        return Releases(*(np.broadcast_to(a, shape).copy()
                          for a in (rel.exists, rel.capability, rel.month)))
    age = np.minimum(0.5 * state.intervals, t)
    level = (capability - state.trend * age)[..., None] - np.array([0.0, 0.0, gap_oom])
    new = np.array([kinds_released(p) for p in state.postures])  # (labs, kinds)
    when = (state.inputs.month + (t - age)).astype(np.int64)
    return Releases(exists=np.broadcast_to(rel.exists | new, shape).copy(),
                    capability=np.where(new, level, rel.capability),
                    month=np.broadcast_to(np.where(new, when[:, None], rel.month), shape).copy())


def project(state: DecisionState, cfg: SimConfig) -> Foresight:
    """The deciding lab's discounted projection of each posture (see the module docstring).

    The three postures are projected together, as one batch of markets per cycle.
    """
    lb = cfg.lab_behaviour
    i, g = state.lab, cfg.model.capability_oom_per_month
    interval = float(state.intervals[i])
    times = interval * np.arange(lb.foresight_cycles)
    weights = lb.discount_per_year ** (times / 12.0)
    weights = weights / weights.sum()
    n = len(POSTURES)
    openness = np.array([OPENNESS[p] for p in POSTURES])
    out = {k: np.zeros(n) for k in
           ("money_months", "community_months", "share", "open_share", "profit", "revenue")}
    shares = np.broadcast_to(state.shares, (n, *state.shares.shape))
    released = np.full(n, -np.inf)  # effective capability of the weights each posture releases
    open_users = np.full(n, float(state.open_users[i]))
    heads, tokens = row_weights(cfg)
    fixed = _Fixed(state, cfg)
    for c, t in enumerate(times):
        month = state.inputs.month + int(t)
        menu, proj, addition = _cycle_market(state, cfg, fixed, t, released, open_users)
        if c == 0:
            released = _released(menu, i)
        moving = 1.0 - (1.0 - cfg.developers.reconsider_per_month) ** (1.0 if c == 0
                                                                       else interval)
        shares = adjust_shares(shares, proj.shares, proj.allowed, moving)
        mine = menu.lab == i
        flows = _lab_flows(shares, proj.selfhost, menu, mine, heads, tokens,
                           token_demand(month, cfg.market), state)
        open_users = flows["open_share"]
        w = weights[c]
        out["money_months"] += w * _money_months(state, flows, cfg)
        out["community_months"] += w * addition[:, i] / g * openness
        for key in ("share", "open_share", "profit", "revenue"):
            out[key] += w * flows[key]
    return Foresight(**out)


class _Fixed:
    """What stays the same over one decision's projection (computed once per decision)."""

    def __init__(self, state: DecisionState, cfg: SimConfig):
        i, cap_cfg = state.lab, cfg.capability
        self.gap_oom = cfg.lab_behaviour.small_model_gap_months \
            * cfg.model.capability_oom_per_month
        self.absorb = absorptive_capacity(state.training, state.training[i],
                                          cap_cfg.absorptive_half_ratio)
        self.may_copy = ~state.excluded[:, i]
        self.may_copy[i] = False
        self.tastes = representative_tastes(cfg.developers, 1.0)
        self.tokens_now = max(token_demand(state.inputs.month, cfg.market), 1e-300)


def _cycle_market(state: DecisionState, cfg: SimConfig, fixed: _Fixed, t: float,
                  released: np.ndarray, open_users: np.ndarray):
    """The market ``t`` months ahead under each posture: (menu, projection, additions).

    Rivals' capabilities grow at their trends and close in on the weights the lab released
    (``released``, per posture); the lab's community addition follows its open users.
    """
    cap_cfg = cfg.capability
    i, n = state.lab, len(POSTURES)
    month = state.inputs.month + int(t)
    cap = state.capability[None, :] + state.trend[None, :] * t  # (postures, labs)
    pull = 1.0 - np.exp(-cap_cfg.imitation_open_per_month * fixed.absorb * t)
    cap = cap + np.maximum(released[:, None] - cap, 0.0) * (pull * fixed.may_copy)[None, :]
    rel = release_each(rival_releases(state, cap, t, fixed.gap_oom), i, list(POSTURES),
                       cap[:, i], month, fixed.gap_oom)
    addition = np.broadcast_to(state.inputs.addition, (n, len(state.postures))).copy()
    addition[:, i] = community_addition(open_users, state.community_h100e[i],
                                        np.full(n, state.training[i]),
                                        cap_cfg.community_max_months
                                        * cfg.model.capability_oom_per_month)
    growth = state.inputs.volume_growth * token_demand(month, cfg.market) / fixed.tokens_now
    inputs = replace(state.inputs, month=month, releases=rel, addition=addition,
                     volume_growth=growth)
    menu = build_menu(rel, inputs, cfg)
    tastes = replace(fixed.tastes, volume_mtok=fixed.tastes.volume_mtok * growth)
    proj = representative(menu, inputs, cfg, access=market_access(menu, inputs), tastes=tastes)
    return menu, proj, addition


def _released(menu, i: int) -> np.ndarray:
    """Per posture, the effective capability of the lab's best open weights on offer."""
    on = (menu.lab == i) & menu.is_open & menu.exists
    return np.where(on, menu.capability, -np.inf).max(axis=-1)


def _money_months(state: DecisionState, flows: dict[str, np.ndarray], cfg: SimConfig
                  ) -> np.ndarray:
    """Months of capability each posture's money buys: profit, funding and grants.

    Funding follows the traction the posture would bring (``sim.finance.traction``), valuing
    the lab's developers at today's market revenue per developer.
    """
    n = flows["profit"].size
    traction = finance.traction(flows["revenue"], flows["share"], state.market_revenue,
                                cfg.finance.reach_funding_weight)
    money = flows["profit"] + finance.funding(
        np.full(n, state.funding_base), traction, np.full(n, state.revenue_start),
        np.full(n, state.elasticity)) + state.grants
    return finance.money_months(money, fill=state.fill, usd_per_h100e=state.usd_per_h100e,
                                training_h100e=float(state.training[state.lab]),
                                planning_months=cfg.lab_behaviour.planning_months,
                                oom_per_month=cfg.model.capability_oom_per_month)


def _head_share(shares: np.ndarray, heads: np.ndarray) -> np.ndarray:
    """Global share of developers on each product, from the typical developers' shares."""
    return (heads[..., None] * shares).sum(axis=(-3, -2))


def _lab_flows(shares: np.ndarray, selfhost: np.ndarray, menu, mine: np.ndarray,
               heads: np.ndarray, tokens: np.ndarray, tokens_mtok: float,
               state: DecisionState) -> dict[str, np.ndarray]:
    """The deciding lab's profit, revenue (USD bn a month) and shares, per posture.

    Closed products earn the API margin net of content rules; open releases served by hosts
    earn the lab ``cloud_capture`` of their serving cost (cloud and services); self-hosted
    tokens earn it nothing.
    """
    on = (tokens[..., None] * shares).sum(axis=(-3, -2)) * tokens_mtok  # Mtok per product
    hosted = (tokens[..., None] * shares * ~selfhost).sum(axis=(-3, -2)) * tokens_mtok
    closed, opened = mine & ~menu.is_open, mine & menu.is_open
    api = (on * (menu.price - menu.cost) * closed).sum(axis=-1) * (1.0 - state.rules_cost)
    bill = (on * menu.price * closed).sum(axis=-1)
    services = (hosted * menu.cost * opened).sum(axis=-1) * state.cloud_capture
    head_share = _head_share(shares, heads)
    return {"profit": (api + services) / 1e9, "revenue": (bill + services) / 1e9,
            "share": (head_share * mine).sum(axis=-1),
            "open_share": (head_share * opened).sum(axis=-1)}
