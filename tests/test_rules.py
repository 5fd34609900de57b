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
from sim.agents.lab import posture_payoffs, posture_probabilities
from sim.capability import knowledge_step
from sim.config import ChipsConfig, DeveloperConfig
from sim.enums import BanScope, Posture
from sim.market import BAN_CODE, access_masks, closed_markup, hosting_cost, price_products, \
    product_flags


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


def test_product_flags_by_posture():
    exists, is_open = product_flags([Posture.open, Posture.hybrid, Posture.closed])
    assert exists.tolist() == [True, False, True, True, True, False]
    assert (is_open & exists).tolist() == [True, False, False, True, False, False]


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


def test_switching_cost_applies_to_other_products_only():
    common = np.zeros(4)
    lab = np.array([0, 0, 1, 1])
    u = utilities(common, np.zeros(4), np.zeros(4), np.zeros(2), np.zeros(2),
                  np.array([0, -1]), lab, switching_cost=2.0, within_family=0.25)
    assert u[0].tolist() == [0.0, -0.5, -2.0, -2.0]
    assert u[1].tolist() == [0.0, 0.0, 0.0, 0.0]  # a newcomer pays nothing


def test_common_utility_terms():
    cfg = DeveloperConfig(capability_weight=0.5, network_effect=1.0, ecosystem_weight=2.0)
    u = common_utility(np.array([-2.0, 0.0]), np.array([0.99, 0.0]), np.array([1e4, 1e4]),
                       np.array([True, False]), np.array([0.3, -1.0]), cfg)
    assert u[0] == pytest.approx(-1.0 + math.log(1.0) + 2.0 * math.log(2.0) + 0.3)
    assert u[1] == pytest.approx(0.0 + math.log(0.01) - 1.0)


def test_posture_payoffs_hand_computed():
    pay = posture_payoffs(np.array([0.1, 0.5, 0.6]), np.array([0.2, 0.1, 0.0]), Posture.open,
                          money_weight=1.0, openness_bias=0.4, endorsement=0.5,
                          political_cost=2.0, endorsement_reward=0.2, release_cost=0.5,
                          security_cost=1.0, community_value=0.3)
    # open: 0.1 + 0.3*1 + 0.4*1 + 0.5*(0.2*1 - 0) - 0.5*1
    # hybrid: 0.5 + 0.3*0.5 + 0.4*0.5 + 0.5*(0.2*0.5 - 2*0.5) - 0.5*0.5
    # closed: 0.6 + 0 + 0 + 0.5*(0 - 2*1) - 0
    assert pay == pytest.approx([0.4, 0.15, -0.4])


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
    profit, share = np.array([0.2, 0.5, 0.6]), np.array([0.1, 0.05, 0.0])
    probs = []
    for endorsement in (0.0, 1.0):
        pay = posture_payoffs(profit, share, Posture.open, money_weight=1.0, openness_bias=0.0,
                              endorsement=endorsement, political_cost=1.0,
                              endorsement_reward=0.3, release_cost=0.0, security_cost=1.0,
                              community_value=0.3)
        probs.append(posture_probabilities(pay, Posture.open, 0.3, 0.15)[2])
    assert probs[1] < probs[0] / 10


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
