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
from sim.releases import API, SLOTS, Releases, kinds_released


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


def rival_releases(state: DecisionState, capability: np.ndarray, t: float, gap_oom: float,
                   new: np.ndarray | None = None) -> Releases:
    """Releases of every lab ``t`` months ahead if each kept its posture (the decider's too).

    For ``t > 0`` each lab has renewed the kinds its posture releases, on average half a release
    cycle before ``t``; kinds it no longer releases keep their last version. ``capability`` is
    (..., labs): one market per leading index.
    """
    rel = state.inputs.releases
    shape = (*capability.shape, SLOTS)
    if t <= 0:
        return Releases(*(_filled(shape, a) for a in (rel.exists, rel.capability, rel.month)))
    age = np.minimum(0.5 * state.intervals, t)
    level = (capability - state.trend * age)[..., None] - np.array([0.0, 0.0, gap_oom])
    if new is None:  # (labs, kinds) released under each lab's posture now
        new = np.array([kinds_released(p) for p in state.postures])
    when = (state.inputs.month + (t - age)).astype(np.int64)
    return Releases(exists=_filled(shape, rel.exists | new),
                    capability=np.where(new, level, rel.capability),
                    month=_filled(shape, np.where(new, when[:, None], rel.month)))


def _filled(shape: tuple[int, ...], values: np.ndarray) -> np.ndarray:
    """A new array of ``shape`` holding ``values`` broadcast.

    ``broadcast_to(...).copy()`` without its overhead: these arrays are small and built many
    times a run.
    """
    out = np.empty(shape, dtype=values.dtype)
    out[...] = values
    return out


def project(state: DecisionState, cfg: SimConfig) -> Foresight:
    """The deciding lab's discounted projection of each posture (see the module docstring)."""
    return project_all([state], cfg)[0]


def project_all(states: list[DecisionState], cfg: SimConfig) -> list[Foresight]:
    """:func:`project` for every lab deciding this month, from the same state of the world.

    Labs that decide in the same month decide simultaneously: none sees the others' choices of
    that month, and each assumes its rivals keep their postures. Their projections are computed
    together, one batch of markets (deciders x postures) per cycle; labs with different release
    intervals are projected in separate batches.
    """
    out: list[Foresight | None] = [None] * len(states)
    groups: dict[float, list[int]] = {}
    for k, s in enumerate(states):
        groups.setdefault(float(s.intervals[s.lab]), []).append(k)
    for interval, members in groups.items():
        for k, f in zip(members, _project_group([states[k] for k in members], interval, cfg),
                        strict=True):
            out[k] = f
    return out  # type: ignore[return-value]


def _project_group(states: list[DecisionState], interval: float, cfg: SimConfig
                   ) -> list[Foresight]:
    """Projections of deciders that share a release interval: arrays (deciders, postures)."""
    lb, g = cfg.lab_behaviour, cfg.model.capability_oom_per_month
    first = states[0]  # the world they all see (market, capabilities, shares)
    deciders = np.array([s.lab for s in states])
    times = interval * np.arange(lb.foresight_cycles)
    weights = lb.discount_per_year ** (times / 12.0)
    weights = weights / weights.sum()
    n_l, n = len(states), len(POSTURES)
    openness = np.array([OPENNESS[p] for p in POSTURES])
    out = {k: np.zeros((n_l, n)) for k in
           ("money_months", "community_months", "share", "open_share", "profit", "revenue")}
    shares = np.broadcast_to(first.shares, (n_l, n, *first.shares.shape))
    released = np.full((n_l, n), -np.inf)  # effective capability of the weights released
    open_users = np.repeat(first.open_users[deciders][:, None], n, axis=1)
    heads, tokens = row_weights(cfg)
    fixed = _Fixed(states, cfg)
    for c, t in enumerate(times):
        month = first.inputs.month + int(t)
        menu, proj, addition = _cycle_market(first, cfg, fixed, t, released, open_users)
        if c == 0:
            released = _released(menu, fixed.mine)
        moving = 1.0 - (1.0 - cfg.developers.reconsider_per_month) ** (1.0 if c == 0
                                                                       else interval)
        shares = adjust_shares(shares, proj.shares, proj.allowed, moving)
        flows = _lab_flows(shares, proj.selfhost, menu, fixed, heads, tokens,
                           token_demand(month, cfg.market))
        open_users = flows["open_share"]
        w = weights[c]
        out["money_months"] += w * _money_months(fixed, flows, first.market_revenue, cfg)
        out["community_months"] += w * addition[fixed.rows, :, deciders] / g * openness
        for key in ("share", "open_share", "profit", "revenue"):
            out[key] += w * flows[key]
    return [Foresight(**{k: v[row] for k, v in out.items()}) for row in range(n_l)]


class _Fixed:
    """What stays the same over one month's projections (computed once per month's deciders).

    Per-decider values are arrays over deciders, shaped ``(deciders, 1)`` where they meet the
    postures axis.
    """

    def __init__(self, states: list[DecisionState], cfg: SimConfig):
        first, cap_cfg = states[0], cfg.capability
        self.deciders = np.array([s.lab for s in states])
        self.rows = np.arange(len(states))
        training = first.training
        self.gap_oom = cfg.lab_behaviour.small_model_gap_months \
            * cfg.model.capability_oom_per_month
        self.absorb = np.array([absorptive_capacity(training, training[i],
                                                    cap_cfg.absorptive_half_ratio)
                                for i in self.deciders])  # (deciders, labs)
        self.may_copy = ~first.excluded[:, self.deciders].T  # (deciders, labs)
        self.may_copy[self.rows, self.deciders] = False
        self.tastes = representative_tastes(cfg.developers, 1.0)
        self.tokens_now = max(token_demand(first.inputs.month, cfg.market), 1e-300)
        self.new = np.array([kinds_released(p) for p in first.postures])  # (labs, kinds)
        self.mine = np.repeat(np.arange(training.size), SLOTS)[None, :] \
            == self.deciders[:, None]  # (deciders, products)
        column = lambda name: np.array([[getattr(s, name)] for s in states], dtype=float)  # noqa: E731
        self.training = training[self.deciders][:, None]
        self.community_h100e = first.community_h100e[self.deciders][:, None]
        self.rules_cost, self.cloud_capture = column("rules_cost"), column("cloud_capture")
        self.funding_base, self.revenue_start = column("funding_base"), column("revenue_start")
        self.elasticity, self.fill = column("elasticity"), column("fill")
        self.usd_per_h100e = column("usd_per_h100e")
        self.grants = np.array([s.grants for s in states], dtype=float)  # (deciders, postures)


def _cycle_market(state: DecisionState, cfg: SimConfig, fixed: _Fixed, t: float,
                  released: np.ndarray, open_users: np.ndarray):
    """The market ``t`` months ahead for each decider and posture: (menu, projection, additions).

    Rivals' capabilities grow at their trends and close in on the weights the decider released
    (``released``, per decider and posture); the decider's community addition follows its open
    users. Arrays lead with (deciders, postures).
    """
    cap_cfg = cfg.capability
    i, rows = fixed.deciders, fixed.rows
    month = state.inputs.month + int(t)
    cap = state.capability + state.trend * t  # (labs,)
    pull = 1.0 - np.exp(-cap_cfg.imitation_open_per_month * fixed.absorb * t)  # (deciders, labs)
    cap = cap + np.maximum(released[:, :, None] - cap, 0.0) * (pull * fixed.may_copy)[:, None, :]
    rel = _release_deciders(rival_releases(state, cap, t, fixed.gap_oom, fixed.new), fixed,
                            cap[rows, :, i], month)
    addition = _filled(cap.shape, state.inputs.addition)
    addition[rows, :, i] = community_addition(open_users, fixed.community_h100e, fixed.training,
                                              cap_cfg.community_max_months
                                              * cfg.model.capability_oom_per_month)
    growth = state.inputs.volume_growth * token_demand(month, cfg.market) / fixed.tokens_now
    inputs = replace(state.inputs, month=month, releases=rel, addition=addition,
                     volume_growth=growth)
    menu = build_menu(rel, inputs, cfg)
    tastes = replace(fixed.tastes, volume_mtok=fixed.tastes.volume_mtok * growth)
    proj = representative(menu, inputs, cfg, access=market_access(menu, inputs), tastes=tastes)
    return menu, proj, addition


def _release_deciders(rel: Releases, fixed: _Fixed, capability: np.ndarray, month: int
                      ) -> Releases:
    """Each decider releases under each posture (``sim.releases.release_each``, batched)."""
    rows, i = fixed.rows, fixed.deciders
    new = np.array([kinds_released(p) for p in POSTURES])  # (postures, kinds)
    # (deciders, postures, kinds)
    level = capability[..., None] - np.array([0.0, 0.0, fixed.gap_oom])
    exists, cap, when = rel.exists.copy(), rel.capability.copy(), rel.month.copy()
    exists[rows, :, i] |= new
    cap[rows, :, i] = np.where(new, level, cap[rows, :, i])
    when[rows, :, i] = np.where(new, month, when[rows, :, i])
    # an open lab sells its weights' services, not a closed API
    exists[rows, :, i, API] &= np.array([p is not Posture.open for p in POSTURES])
    return Releases(exists=exists, capability=cap, month=when)


def _released(menu, mine: np.ndarray) -> np.ndarray:
    """Per decider and posture, the effective capability of its best open weights on offer."""
    on = mine[:, None, :] & menu.is_open & menu.exists
    return np.where(on, menu.capability, -np.inf).max(axis=-1)


def _money_months(fixed: _Fixed, flows: dict[str, np.ndarray], market_revenue: float,
                  cfg: SimConfig) -> np.ndarray:
    """Months of capability each posture's money buys: profit, funding and grants.

    Funding follows the traction the posture would bring (``sim.finance.traction``), valuing
    the lab's developers at today's market revenue per developer.
    """
    shape = flows["profit"].shape
    traction = finance.traction(flows["revenue"], flows["share"], market_revenue,
                                cfg.finance.reach_funding_weight)
    money = flows["profit"] + finance.funding(
        np.broadcast_to(fixed.funding_base, shape), traction,
        np.broadcast_to(fixed.revenue_start, shape),
        np.broadcast_to(fixed.elasticity, shape)) + fixed.grants
    return finance.money_months(money, fill=fixed.fill, usd_per_h100e=fixed.usd_per_h100e,
                                training_h100e=fixed.training,
                                planning_months=cfg.lab_behaviour.planning_months,
                                oom_per_month=cfg.model.capability_oom_per_month)


def _weighted(weights: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """``sum_rs weights_rs shares_rs`` per product, as one matrix product over the rows.

    ``shares`` is (..., regions, segments, products), the result (..., products).
    """
    rows = weights.size
    return weights.reshape(rows) @ shares.reshape(*shares.shape[:-3], rows, shares.shape[-1])


def _head_share(shares: np.ndarray, heads: np.ndarray) -> np.ndarray:
    """Global share of developers on each product, from the typical developers' shares."""
    return _weighted(heads, shares)


def _lab_flows(shares: np.ndarray, selfhost: np.ndarray, menu, fixed: _Fixed,
               heads: np.ndarray, tokens: np.ndarray, tokens_mtok: float
               ) -> dict[str, np.ndarray]:
    """Each decider's profit, revenue (USD bn a month) and shares, per posture.

    Closed products earn the API margin net of content rules; open releases served by hosts
    earn the lab ``cloud_capture`` of their serving cost (cloud and services); self-hosted
    tokens earn it nothing.
    """
    mine = fixed.mine[:, None, :]  # (deciders, 1, products)
    on = _weighted(tokens, shares) * tokens_mtok  # Mtok per product
    hosted = _weighted(tokens, np.where(selfhost, 0.0, shares)) * tokens_mtok
    closed, opened = mine & ~menu.is_open, mine & menu.is_open
    api = (on * (menu.price - menu.cost) * closed).sum(axis=-1) * (1.0 - fixed.rules_cost)
    bill = (on * menu.price * closed).sum(axis=-1)
    services = (hosted * menu.cost * opened).sum(axis=-1) * fixed.cloud_capture
    head_share = _head_share(shares, heads)
    return {"profit": (api + services) / 1e9, "revenue": (bill + services) / 1e9,
            "share": (head_share * mine).sum(axis=-1),
            "open_share": (head_share * opened).sum(axis=-1)}
