"""Layer 1: each decision rule is a plain function, checked against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import chips
from sim.agents.developer import choose, common_utility, logit_shares, utilities
from sim.agents.government import adaptive_controls_rule
from sim.agents.lab import TERMS, derivative_rate, frontier_proximity, investor_pressure, \
    payoff_terms, posture_probabilities, prominence
from sim.capability import knowledge_step
from sim.channels import Tastes
from sim.config import ChipsConfig, DeveloperConfig, LabBehaviourConfig, MarketConfig
from sim.enums import BanScope, Posture
from sim.foresight import Foresight
from sim.market import BAN_CODE, access_masks, closed_markup, hosting_cost, price_products


def test_hosting_cost_falls_tenfold_a_year_at_fixed_capability():
    c0 = hosting_cost(np.array([25.7]), 0, base_usd_per_mtok=0.8, reference_capability=25.7,
                      decline_per_year=10.0, capability_elasticity=0.58)
    c12 = hosting_cost(np.array([25.7]), 12, base_usd_per_mtok=0.8, reference_capability=25.7,
                       decline_per_year=10.0, capability_elasticity=0.58)
    assert c0[0] == pytest.approx(0.8)
    assert c12[0] == pytest.approx(0.08)
    up = hosting_cost(np.array([26.7]), 0, base_usd_per_mtok=0.8, reference_capability=25.7,
                      decline_per_year=10.0, capability_elasticity=0.58)
    assert up[0] == pytest.approx(0.8 * 10**0.58)


def test_closed_markup_shrinks_as_open_model_nears():
    kw = dict(floor=3.0, ceiling=30.0, scale_months=4.0)
    assert closed_markup(0.0, **kw) == pytest.approx(3.0)
    assert closed_markup(4.0, **kw) == pytest.approx(3.0 + 27.0 * (1 - math.exp(-1)))
    assert closed_markup(400.0, **kw) == pytest.approx(30.0)
    assert closed_markup(-4.0, **kw) == pytest.approx(3.0 * math.exp(-1))
    leads = np.linspace(-12, 24, 50)
    assert np.all(np.diff(closed_markup(leads, **kw)) > 0)


def test_open_models_priced_at_cost_closed_at_markup():
    cap = np.array([26.0, 25.6, 25.0, 0.0])
    is_open = np.array([False, True, False, True])
    exists = np.array([True, True, True, False])
    cost = np.array([2.0, 1.0, 0.5, 0.1])
    price = price_products(cap, is_open, exists, cost, 0.1, floor=3, ceiling=30, scale_months=4)
    assert price[1] == 1.0 and price[3] == 0.1
    assert price[0] == pytest.approx(2.0 * (1 + closed_markup(4.0, floor=3, ceiling=30,
                                                                scale_months=4)))
    assert price[2] == pytest.approx(0.5 * (1 + 3 * math.exp(-6 / 4)))
    # competing hosts serve open weights at a margin over cost; closed prices do not move
    hosted = price_products(cap, is_open, exists, cost, 0.1, floor=3, ceiling=30,
                            scale_months=4, host_margin=0.3)
    assert hosted[is_open] == pytest.approx(cost[is_open] * 1.3)
    assert hosted[~is_open] == pytest.approx(price[~is_open])


def test_access_masks_bans_and_lab_blocks():
    # two labs (bloc 0 and bloc 1), each with a closed flagship and an open tier
    bloc = np.array([0, 0, 1, 1])
    lab = np.array([0, 0, 1, 1])
    is_open = np.array([False, True, False, True])
    exists = np.ones(4, dtype=bool)
    bans = np.zeros((2, 2), dtype=np.int64)
    bans[0, 1] = BAN_CODE[BanScope.government]
    closed_blocked = np.array([[False, True], [False, False]])  # lab 0 API not sold in region 1
    open_excluded = np.array([[False, False], [True, False]])  # lab 1 licence excludes region 0
    market, public = access_masks(bloc, lab, is_open, exists, 2, bans, closed_blocked,
                                  open_excluded)
    assert market.tolist() == [[True, True, True, False], [False, True, True, True]]
    assert public.tolist() == [[True, True, False, False], [False, True, True, True]]
    bans[0, 1] = BAN_CODE[BanScope.market]
    market, _ = access_masks(bloc, lab, is_open, exists, 2, bans, closed_blocked, open_excluded)
    assert market[0].tolist() == [True, True, False, False]


def test_logit_shares_closed_form():
    v = np.array([[1.0, 0.0, math.log(2.0)]])
    s = logit_shares(v, np.array([[True, True, True]]))
    total = math.e + 1 + 2
    assert s[0] == pytest.approx([math.e / total, 1 / total, 2 / total])
    s = logit_shares(v, np.array([[False, True, True]]))
    assert s[0] == pytest.approx([0, 1 / 3, 2 / 3])
    assert logit_shares(v, np.zeros((1, 3), dtype=bool)).sum() == 0.0


def test_gumbel_choice_reproduces_logit_probabilities():
    rng = np.random.default_rng(1)
    u = np.tile(np.array([0.5, 0.0, -1.0]), (200_000, 1))
    allowed = np.ones_like(u, dtype=bool)
    picks = choose(u, allowed, rng)
    freq = np.bincount(picks, minlength=3) / picks.size
    assert freq == pytest.approx(logit_shares(u[:1], allowed[:1])[0], abs=0.005)
    allowed[:, 0] = False
    assert (choose(u[:100], allowed[:100], rng) != 0).all()
    assert (choose(u[:5], np.zeros((5, 3), dtype=bool), rng) == -1).all()


def _no_tastes(n: int) -> Tastes:
    zero = np.zeros(n)
    return Tastes(alpha=np.ones(n), theta=zero, volume_mtok=np.ones(n), support=zero,
                  customisation=zero, data_control=zero)


def test_switching_cost_applies_to_other_products_only():
    cfg = DeveloperConfig(switching_cost=2.0, within_family_switch=0.25)
    lab = np.array([0, 0, 1, 1])
    closed = np.zeros(4, dtype=bool)
    u, own = utilities(np.zeros(4), np.zeros(4), np.ones(4), closed, _no_tastes(2),
                       np.array([0, -1]), lab, cfg, MarketConfig(), selfhost_fixed_usd=0.0)
    assert u[0].tolist() == [0.0, -0.5, -2.0, -2.0]
    assert u[1].tolist() == [0.0, 0.0, 0.0, 0.0]  # a newcomer pays nothing
    assert not own.any()  # closed products are never self-hosted


def test_common_utility_terms():
    cfg = DeveloperConfig(capability_weight=0.5, network_effect=1.0, ecosystem_weight=2.0,
                          ecosystem_fade_months=12.0)
    u = common_utility(np.array([-2.0, 0.0, -2.0]), np.array([0.99, 0.0, 0.99]),
                       np.array([1e4, 1e4, 1e4]), np.array([True, False, True]),
                       np.array([0.0, 0.0, 12.0]), np.array([0.3, -1.0, 0.3]), cfg)
    assert u[0] == pytest.approx(-1.0 + math.log(1.0) + 2.0 * math.log(2.0) + 0.3)
    assert u[1] == pytest.approx(0.0 + math.log(0.01) - 1.0)  # closed: no ecosystem term
    # a year-old open release keeps 1/e of its derivative ecosystem
    assert u[2] == pytest.approx(-1.0 + 2.0 * math.log(2.0) / math.e + 0.3)


def _foresight(money=(0.0, 0.0, 0.0), community=(0.0, 0.0, 0.0), share=(0.0, 0.0, 0.0)
               ) -> Foresight:
    zeros = np.zeros(3)
    return Foresight(money_months=np.array(money, float),
                     community_months=np.array(community, float), share=np.array(share, float),
                     open_share=zeros, profit=zeros, revenue=zeros)


def test_payoff_terms_hand_computed():
    b = LabBehaviourConfig(money_weight=0.5, community_weight=0.5, reach_value=10.0,
                           endorsement_reward=0.2, political_cost=2.0, security_cost=1.0)
    fs = _foresight(money=(1.0, 2.0, 3.0), community=(2.0, 1.0, 0.0), share=(0.2, 0.1, 0.05))
    kw = dict(pressure=1.0, prominence=2.0, proximity=0.5, openness_bias=0.4, endorsement=0.5,
              release_cost=0.5, behaviour=b)
    terms = payoff_terms(fs, Posture.open, **kw)
    assert tuple(terms) == TERMS
    # order: open, hybrid, closed (openness 1, 0.5, 0)
    assert terms["money"] == pytest.approx([1.0, 2.0, 3.0])  # 0.5 * (1 + 1) * months
    assert terms["community"] == pytest.approx([1.0, 0.5, 0.0])
    assert terms["reach"] == pytest.approx([2.0, 1.0, 0.5])
    # 0.5 * 2 * (0.2 * o - 2 * closing), closing from open = (0, 0.5, 1)
    assert terms["political"] == pytest.approx([0.2, 0.1 - 1.0, -2.0])
    assert terms["security"] == pytest.approx([-0.25, -0.125, 0.0])  # -1 * 0.5 * 0.5 * o
    assert terms["bias"] == pytest.approx([0.4, 0.2, 0.0])
    # a closed lab gives up no openness: only the reward for opening remains
    assert payoff_terms(fs, Posture.closed, **kw)["political"] == pytest.approx([0.2, 0.1, 0.0])
    # a hybrid closing gives up half its openness
    assert payoff_terms(fs, Posture.hybrid, **kw)["political"] == pytest.approx(
        [0.2, 0.1, -1.0])


def test_payoffs_without_pressures_give_a_uniform_choice():
    flat = LabBehaviourConfig(money_weight=1.0, community_weight=0.0, reach_value=0.0,
                              political_cost=0.0, endorsement_reward=0.0, security_cost=0.0)
    kw = dict(pressure=0.0, prominence=1.0, proximity=1.0, openness_bias=0.0, endorsement=1.0,
              release_cost=1.0, behaviour=flat)
    pay = sum(payoff_terms(_foresight(), Posture.open, **kw).values())
    assert posture_probabilities(pay, Posture.open, 0.0, 1.0) == pytest.approx([1 / 3] * 3)
    pay = sum(payoff_terms(_foresight(money=(0.0, 0.0, math.log(2.0))), Posture.open,
                           **kw).values())
    # ln 2 months of capability bought (money_weight 1) doubles the odds of closing
    assert posture_probabilities(pay, Posture.open, 0.0, 1.0) == pytest.approx([0.25, 0.25, 0.5])


def test_investor_pressure_hand_computed():
    assert investor_pressure(3.0, 1.0, 0.5) == pytest.approx(0.5 * math.log(4.0))
    assert investor_pressure(0.0, 1.0, 0.5) == 0.0
    # no revenue: the ratio is floored at 1% of capex, so the pressure is finite
    assert investor_pressure(2.0, 0.0, 1.0) == pytest.approx(math.log(101.0))
    assert investor_pressure(3.0, 1.0, 0.0) == 0.0  # the mechanism switched off


@settings(max_examples=80, deadline=None)
@given(capex=st.floats(1e-6, 1e3), revenue=st.floats(1e-6, 1e3), weight=st.floats(0.01, 10.0),
       factor=st.floats(1.1, 10.0))
def test_investor_pressure_is_scale_free_and_rises_with_capex_over_revenue(capex, revenue,
                                                                         weight, factor):
    p = investor_pressure(capex, revenue, weight)
    assert investor_pressure(10 * capex, 10 * revenue, weight) == pytest.approx(p, rel=1e-9)
    more, richer = investor_pressure(capex * factor, revenue, weight), \
        investor_pressure(capex, revenue * factor, weight)
    assert more >= p >= richer and p > 0
    # strictly, until the ratio reaches its cap of 100 (revenue floored at 1% of capex)
    if capex * factor / revenue < 100:
        assert more > p
    if capex / revenue < 100:
        assert richer < p


def test_prominence_and_frontier_proximity():
    assert prominence(0.25, 4) == pytest.approx(1.0)  # an equal split is average prominence
    assert prominence(0.5, 4) == pytest.approx(2.0)
    assert prominence(0.3, 0) == pytest.approx(0.3)
    assert frontier_proximity(0.0, 12.0) == 1.0
    assert frontier_proximity(12.0, 12.0) == pytest.approx(math.exp(-1))
    assert frontier_proximity(-5.0, 12.0) == 1.0  # ahead of the frontier counts as at it


def test_derivative_rate_is_proportional_to_open_users():
    rate = derivative_rate(np.array([0.3, 0.5, 0.0]), np.array([1.0, 2.0, 5.0]), 100.0)
    assert rate == pytest.approx([30.0, 100.0, 0.0])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=3, max_size=3),
       st.sampled_from(list(Posture)), st.floats(0, 3), st.floats(0.01, 5))
def test_posture_probabilities_are_a_distribution_favouring_inertia(pay, current, inertia, temp):
    p = posture_probabilities(np.array(pay), current, inertia, temp)
    assert p.sum() == pytest.approx(1.0) and (p >= 0).all()
    q = posture_probabilities(np.array(pay), current, inertia + 1.0, temp)
    idx = [Posture.open, Posture.hybrid, Posture.closed].index(current)
    assert q[idx] >= p[idx] - 1e-12


def test_endorsement_makes_closing_less_likely_in_the_rule():
    fs = _foresight(money=(0.2, 0.5, 0.6), share=(0.1, 0.05, 0.0))
    b = LabBehaviourConfig(money_weight=1.0, community_weight=1.0, reach_value=1.0,
                           political_cost=1.0, endorsement_reward=0.3, security_cost=1.0)

    def closing(endorsement: float, prominence: float = 1.0) -> float:
        terms = payoff_terms(fs, Posture.open, pressure=0.0, prominence=prominence,
                             proximity=1.0, openness_bias=0.0, endorsement=endorsement,
                             release_cost=0.0, behaviour=b)
        return posture_probabilities(sum(terms.values()), Posture.open, 0.3, 0.15)[2]

    assert closing(1.0) < closing(0.0) / 10
    # the more prominent the lab at home, the costlier closing is
    assert closing(1.0, prominence=2.0) < closing(1.0, prominence=1.0)
    assert closing(0.0, prominence=2.0) == pytest.approx(closing(0.0))


def test_adaptive_controls_rule():
    assert adaptive_controls_rule(3.0, 0.7, 6.0, 0.1) == pytest.approx(0.8)
    assert adaptive_controls_rule(9.0, 0.7, 6.0, 0.1) == 0.7
    assert adaptive_controls_rule(0.0, 0.95, 6.0, 0.1) == 1.0


def test_chip_access_and_deliveries_under_controls():
    assert chips.chip_access(0.7, 0.3) == pytest.approx(0.51)
    orders = np.array([10.0, 10.0, 5.0])
    bloc = np.array([0, 1, 1])
    access = np.array([1.0, 0.5, 1.0])
    budget = np.full(3, 1.0)  # USD bn: ample at 1 USD per H100e
    # bloc 1 orders 10 + 5, obtains half, asks 7.5 domestic; domestic supply 3 covers 40% of it
    got = chips.allocate_purchases(orders, budget, bloc, access, 1e9,
                                   np.array([0.0, 3.0, 0.0]), 1.0, 2.0)
    assert got.delivered == pytest.approx([10.0, 5 + 5 * 0.4, 2.5 + 2.5 * 0.4])
    assert got.capex * 1e9 == pytest.approx([10.0, 5 + 2 * 2.0, 2.5 + 2 * 1.0])
    assert got.fill == pytest.approx([1.0, 0.7, 0.7])
    plenty = chips.allocate_purchases(orders, budget, bloc, access, 1e9,
                                      np.array([0.0, 1e9, 0.0]), 1.0, 2.0)
    assert plenty.delivered == pytest.approx(orders)


def test_domestic_supply_units():
    cfg = ChipsConfig(domestic_chips_per_year=120_000, domestic_supply_growth_per_year=2.0,
                      domestic_perf_rel_h100=0.5, domestic_share_to_labs=1.0)
    assert chips.domestic_supply_h100e(0, cfg) == pytest.approx(5000)
    assert chips.domestic_supply_h100e(12, cfg) == pytest.approx(10000)
    assert chips.domestic_by_bloc(12, cfg).tolist() == pytest.approx([0.0, 10000, 0.0])


def test_open_spillover_helps_compute_rich_labs_most():
    kw = dict(open_source_training=np.ones(2), frontier_training=1.0,
              closed_access=np.ones(2), algorithmic=0.0, spillover=0.1, half_ratio=0.1,
              imitation_open=0.0, imitation_closed=0.0)
    dk = knowledge_step(np.ones(2), np.array([1e6, 1e4]), np.array([26.0, 26.0]),
                        np.full(2, 25.0), 26.0, 1.0, **kw)
    assert dk[0] > dk[1] > 0
    none = knowledge_step(np.ones(2), np.array([1e6, 1e4]), np.array([26.0, 26.0]),
                          np.full(2, 25.0), 26.0, 0.0, **kw)
    assert (none == 0).all()
