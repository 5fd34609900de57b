"""Layer 1, continued: the agents' decisions, the market and capability dynamics as plain
functions of arrays and config, checked against hand-computed values without building a model."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from sim import capability, chips
from sim.agents.developer import DeveloperPopulation, consumer_surplus, region_choices
from sim.agents.government import review_due, reviewed_controls
from sim.agents.lab import derivative_rate, lab_profit, month_sales, posture_choice, \
    posture_money, project_postures, representative_shares
from sim.config import ChipsConfig, DeveloperConfig, GovernmentConfig, LabBehaviourConfig, \
    LabConfig, MarketConfig, SimConfig
from sim.enums import BLOCS, REGIONS, BanScope, Bloc, Posture, Region
from sim.market import BAN_CODE, MarketInputs, Menu, ban_codes, build_menu, common_utilities, \
    lab_region_flags, market_access, token_demand

N_REGIONS, N_BLOCS = len(REGIONS), len(BLOCS)


def tiny_menu() -> Menu:
    """Lab 0 (US) hybrid: closed flagship and open tier; lab 1 (CN) open, no second slot."""
    return Menu(lab=np.array([0, 0, 1, 1]), bloc=np.array([0, 0, 1, 1]),
                exists=np.array([True, True, True, False]),
                is_open=np.array([False, True, True, True]),
                capability=np.array([26.0, 25.8, 25.9, 25.9]),
                price=np.array([3.0, 1.0, 2.0, 2.0]), cost=np.array([1.0, 1.0, 2.0, 2.0]))


def inputs(n_labs: int = 2, **kw) -> MarketInputs:
    base = dict(month=0, lab_bloc=np.array([0, 1])[:n_labs], base_capability=np.full(n_labs, 26.0),
                boost=np.zeros(n_labs), family_share=np.zeros(n_labs),
                derivatives=np.zeros(n_labs), bans=np.zeros((N_REGIONS, N_BLOCS), np.int64),
                closed_blocked=np.zeros((n_labs, N_REGIONS), bool),
                open_excluded=np.zeros((n_labs, N_REGIONS), bool))
    base.update(kw)
    return MarketInputs(**base)


def plain_developers(**kw) -> DeveloperConfig:
    """Developers who care about price only (alpha = 1): v_j = -ln(price_j)."""
    zero = {r.value: {b.value: 0.0 for b in BLOCS} for r in REGIONS}
    return DeveloperConfig(**{"capability_weight": 0.0, "network_effect": 0.0,
                              "ecosystem_weight": 0.0, "price_sensitivity": 1.0,
                              "open_preference": 0.0, "affinity": zero, **kw})


# ----------------------------------------------------------------------------- developers
def test_consumer_surplus_is_the_logsum_over_accessible_products():
    v = np.array([[0.0, math.log(2.0)], [0.0, math.log(2.0)], [5.0, 1.0]])
    allowed = np.array([[True, True], [False, False], [False, True]])
    with np.errstate(divide="ignore"):  # the region with nothing accessible: log(0), masked
        cs = consumer_surplus(v, allowed, price_sensitivity=0.5,
                              region_sizes=np.array([3.0, 1.0, 0.0]))
        empty = consumer_surplus(v, allowed, 0.5, np.zeros(3))
    # ln(e^0 + e^ln2) / 0.5 = 2 ln 3; nothing accessible -> 0; only product 1 -> 1 / 0.5
    assert cs[:3] == pytest.approx([2 * math.log(3.0), 0.0, 2.0])
    assert cs[3] == pytest.approx((3 * 2 * math.log(3.0) + 0.0) / 4)
    assert empty[3] == 0.0


def test_region_choices_force_the_cut_off_and_respect_the_public_mask():
    cfg = DeveloperConfig(reconsider_per_month=0.0, switching_cost=0.0)
    pop = DeveloperPopulation(4, DeveloperConfig(region_shares={"US": 1.0, "CN": 0.0, "EU": 0.0,
                                                                "ROW": 0.0}),
                              ["US", "CN", "EU", "ROW"], np.random.default_rng(0))
    pop.public[:] = [False, False, True, False]
    pop.choice[:] = [0, 1, 1, -1]  # developer 1 and 2 on product 1, developer 3 on nothing
    market, public = np.array([True, False, True]), np.array([True, False, False])
    common = np.array([0.0, 0.0, 50.0])  # product 2 is far better for whoever may take it
    movers, picks = region_choices(pop, np.arange(4), market, public, common, np.zeros(3),
                                   np.zeros(3), np.array([0, 0, 1]), cfg,
                                   np.random.default_rng(1))
    # developer 0 keeps an accessible product (nobody reconsiders by chance); the others are
    # cut off or unserved; the public-sector developer may only take product 0
    assert movers.tolist() == [1, 2, 3]
    assert picks.tolist() == [2, 0, 2]


# ----------------------------------------------------------------------------- market
def test_ban_codes_and_lab_region_flags():
    govs = {"US": GovernmentConfig(bans={"CN": BanScope.market}),
            "EU": GovernmentConfig(bans={"CN": BanScope.government, "US": BanScope.none})}
    bans = ban_codes(govs)
    assert bans.shape == (N_REGIONS, N_BLOCS)
    assert bans[REGIONS.index(Region.US), BLOCS.index(Bloc.CN)] == BAN_CODE[BanScope.market]
    assert bans[REGIONS.index(Region.EU), BLOCS.index(Bloc.CN)] == 1
    assert bans.sum() == 3
    labs = {"a": LabConfig(closed_api_blocked_regions=[Region.CN]), "b": LabConfig()}
    flags = lab_region_flags(labs, ["a", "b"], "closed_api_blocked_regions")
    assert flags.tolist() == [[False, True, False, False], [False] * 4]


def test_market_access_applies_bans_and_licences():
    bans = np.zeros((N_REGIONS, N_BLOCS), np.int64)
    bans[0, 1] = BAN_CODE[BanScope.government]  # US public sector may not use CN models
    excluded = np.zeros((2, N_REGIONS), bool)
    excluded[1, 2] = True  # lab 1's licence excludes the EU
    market, public = market_access(tiny_menu(), inputs(bans=bans, open_excluded=excluded))
    assert market[0].tolist() == [True, True, True, False]
    assert public[0].tolist() == [True, True, False, False]
    assert market[2].tolist() == [True, True, False, False]


def test_build_menu_capability_cost_and_price():
    cfg = SimConfig()
    menu = build_menu([Posture.open, Posture.hybrid],
                      inputs(base_capability=np.array([25.7, 25.5]), boost=np.array([0.2, 0.4]),
                             month=12), cfg)
    lag = cfg.lab_behaviour.hybrid_tier_lag_months * cfg.model.capability_oom_per_month
    assert menu.exists.tolist() == [True, False, True, True]
    assert menu.is_open.tolist() == [True, True, False, True]
    assert menu.capability[[0, 2, 3]] == pytest.approx([25.9, 25.5 + 0.4 * 0.5,
                                                        25.5 + 0.4 - lag])
    mk = cfg.market
    # the open flagship sits at the reference capability: base cost, one year of decline
    assert menu.cost[0] == pytest.approx(mk.hosting_usd_per_mtok
                                         * 10 ** (mk.cost_capability_elasticity * 0.2)
                                         / mk.cost_decline_per_year)
    assert menu.price[menu.is_open] == pytest.approx(menu.cost[menu.is_open])
    assert menu.price[2] > menu.cost[2]
    assert menu.bloc.tolist() == [0, 0, 1, 1]


def test_common_utilities_measure_capability_from_the_frontier():
    dev = plain_developers(capability_weight=0.5, network_effect=1.0)
    cfg = replace(SimConfig(), developers=dev)
    u = common_utilities(tiny_menu(), inputs(family_share=np.array([0.99, 0.0])), cfg)
    months = (np.array([26.0, 25.8, 25.9, 25.9]) - 26.0) / cfg.model.capability_oom_per_month
    net = np.log(np.array([0.99, 0.99, 0.0, 0.0]) + 0.01)
    assert u.shape == (N_REGIONS, 4)
    assert u[1] == pytest.approx(0.5 * months + net)


def test_token_demand_grows_by_the_yearly_factor_and_slows():
    mk = MarketConfig(demand_growth_halflife_months=1e9)
    assert token_demand(0, mk) == mk.token_demand_mtok_per_month
    assert token_demand(12, mk) == pytest.approx(mk.token_demand_mtok_per_month
                                                 * mk.demand_growth_per_year)
    slowing = replace(mk, demand_growth_halflife_months=12.0)
    # the log growth rate halves each year: growth in the first year ln G * 12 / ln 2 / 2 / 12
    assert token_demand(12, slowing) == pytest.approx(
        mk.token_demand_mtok_per_month * mk.demand_growth_per_year ** (0.5 / math.log(2)))
    limit = mk.token_demand_mtok_per_month * mk.demand_growth_per_year ** (1 / math.log(2))
    assert token_demand(12, slowing) < token_demand(120, slowing) < limit


# ----------------------------------------------------------------------------- labs
def test_lab_profit_on_a_tiny_menu():
    menu, shares = tiny_menu(), np.array([0.2, 0.3, 0.5, 0.0])
    profit, revenue, open_share = lab_profit(menu, shares, 0, 1e9, rules_cost=0.25,
                                             cloud_capture=0.1)
    # API: 1e9 Mtok * 0.2 * (3 - 1) USD * (1 - 0.25); services: 1e9 * 0.3 * 1 USD * 0.1
    assert profit == pytest.approx((0.3e9 + 0.03e9) / 1e9)
    assert revenue == pytest.approx(0.2 * 3 + 0.03)  # the API bill plus services
    assert open_share == pytest.approx(0.3)
    profit, revenue, open_share = lab_profit(menu, shares, 1, 1e9, rules_cost=0.25,
                                             cloud_capture=0.1)
    assert profit == pytest.approx(1e9 * 0.5 * 2.0 * 0.1 / 1e9) and open_share == 0.5
    assert revenue == pytest.approx(profit)


def test_month_sales_and_derivatives_on_the_tiny_menu():
    menu, shares = tiny_menu(), np.array([0.2, 0.3, 0.5, 0.0])
    sales = month_sales(menu, shares, 1e9, np.array([0.1, 0.5]), 0.25, 1000.0)
    # lab 0: API 0.2 * 3 + services 0.3 * 1 * 0.1 (USD bn); margin 0.2 * (3 - 1)
    assert sales.revenue == pytest.approx([0.63, 0.5 * 2 * 0.5])
    assert sales.api_margin == pytest.approx([0.4, 0.0])
    assert sales.compliance == pytest.approx([0.1, 0.0])
    # closed tokens' serving bill 0.2e9 USD at 1000 USD per H100e-month: 2e5 H100e
    assert sales.serving_h100e == pytest.approx([2e5, 0.0])
    rate = derivative_rate(shares, menu.is_open, np.array([1.0, 2.0]), 100.0)
    assert rate == pytest.approx([100 * 1.0 * 0.3, 100 * 2.0 * 0.5])


def test_representative_shares_are_the_logit_shares_of_the_average_developer():
    cfg = replace(SimConfig(), developers=plain_developers())
    menu = replace(tiny_menu(), price=np.array([1.0, 2.0, 4.0, 4.0]))
    shares = representative_shares(menu, inputs(), cfg)
    # v = -ln(price) over the three products on offer: weights 1, 1/2, 1/4
    assert shares == pytest.approx(np.array([1.0, 0.5, 0.25, 0.0]) / 1.75)


def test_project_postures_one_lab_alone():
    labs = {"solo": LabConfig(bloc=Bloc.US, posture=Posture.closed)}
    cfg = replace(SimConfig(labs=labs), developers=plain_developers())
    profit, revenue, open_share = project_postures(0, [Posture.closed], inputs(1), cfg,
                                                   rules_cost=0.0, cloud_capture=0.0)
    assert revenue[2] > profit[2] > 0  # the bill exceeds the margin
    # open: no API product and no captured services; closed: all developers on the API
    assert profit[0] == 0.0 and profit[2] > 0
    assert open_share.tolist() == pytest.approx([1.0, open_share[1], 0.0])
    assert 0 < open_share[1] < 1  # hybrid: the open tier takes part of the market
    none = project_postures(0, [Posture.closed], inputs(1), cfg, rules_cost=1.0,
                            cloud_capture=0.0)[0]
    assert none[2] == 0.0  # content rules that take all API profit leave nothing


def test_posture_choice_without_pressures_is_uniform():
    flat = LabBehaviourConfig(inertia=0.0, temperature=1.0, political_cost=0.0,
                              endorsement_reward=0.0, security_cost=0.0, community_value=0.0)
    prob = posture_choice(np.zeros(3), np.zeros(3), Posture.open, openness_bias=0.0, home=None,
                          behaviour=flat)
    assert prob == pytest.approx([1 / 3] * 3)
    prob = posture_choice(np.array([0.0, 0.0, math.log(2.0)]), np.zeros(3), Posture.open,
                          openness_bias=0.0, home=None, behaviour=flat)
    # ln 2 months of capability bought (money_weight 1) doubles the odds of closing
    assert prob == pytest.approx([0.25, 0.25, 0.5])


def test_posture_money_adds_the_funding_revenue_attracts_and_grants():
    profit, revenue = np.array([0.0, 0.5, 1.0]), np.array([0.0, 1.0, 3.0])
    money = posture_money(profit, revenue, np.array([0.2, 0.1, 0.0]),
                          funding_base_usd_bn_per_year=12.0, revenue_start=1.0, elasticity=1.0)
    # funding = 1 * (R + 0.1) / (1 + 0.1)
    assert money == pytest.approx([0.1 / 1.1 + 0.2, 0.5 + 1.0 + 0.1, 1.0 + 3.1 / 1.1])


# ----------------------------------------------------------------------------- governments
def test_review_months_and_reviewed_controls():
    gov = GovernmentConfig(adaptive_controls=True, controls_target=[Bloc.CN], export_controls=0.5,
                           adaptive_review_months=6, adaptive_gap_threshold_months=6.0,
                           adaptive_step=0.1)
    assert [m for m in range(20) if review_due(gov, m)] == [6, 12, 18]
    assert not review_due(replace(gov, adaptive_controls=False), 6)
    assert not review_due(replace(gov, controls_target=[]), 6)
    close = np.array([26.0, 25.8, -np.inf])  # CN trails by 2 months (0.1 OOM a month)
    assert reviewed_controls(gov, "US", close, 0.1) == pytest.approx(0.6)
    far = np.array([26.0, 25.0, -np.inf])
    assert reviewed_controls(gov, "US", far, 0.1) == 0.5


# ----------------------------------------------------------------------------- chips
def test_chip_access_compounds_across_governments():
    govs = {"US": GovernmentConfig(export_controls=0.5, controls_target=[Bloc.CN]),
            "EU": GovernmentConfig(export_controls=0.2, control_leakage=0.5,
                                   controls_target=[Bloc.CN])}
    assert chips.bloc_chip_access(govs).tolist() == pytest.approx([1.0, 0.5 * 0.9, 1.0])


def test_subsidy_goes_to_open_home_labs_by_openness_times_fleet():
    govs = {"EU": GovernmentConfig(open_subsidy_usd_bn_per_year=1.2),
            "ROW": GovernmentConfig(open_subsidy_usd_bn_per_year=5.0)}  # no home labs
    grant = chips.open_subsidies(govs, np.array([1.0, 0.5, 0.0, 1.0]),
                                 np.array([100.0, 200.0, 300.0, 100.0]), np.array([2, 2, 2, 0]))
    # 1.2 bn / 12 = 0.1 bn a month, split 100 : 100 : 0 among the EU labs
    assert grant == pytest.approx([0.05, 0.05, 0.0, 0.0])


def test_orders_are_what_the_budget_buys_at_most_the_wanted_growth():
    fleet = np.array([100.0, 1000.0])
    got = chips.orders_h100e(fleet, np.array([1e-7, 1e-7]), 1000.0, 2.0, 0.01)
    # budget 100 USD buys 0.1 H100e; the big fleet wants 1000 * (2**(1/12) - 1 + 0.01)
    assert got == pytest.approx([0.1, 0.1])
    rich = chips.orders_h100e(fleet, np.array([1.0, 1.0]), 1000.0, 2.0, 0.01)
    assert rich == pytest.approx(fleet * (2 ** (1 / 12) - 1 + 0.01))


def test_world_supply_caps_frontier_deliveries_in_proportion():
    got = chips.allocate_purchases(np.array([30.0, 10.0]), np.ones(2), np.array([0, 2]),
                                   np.ones(N_BLOCS), 20.0, np.zeros(N_BLOCS), 1.0, 1.0)
    assert got.frontier == pytest.approx([15.0, 5.0]) and got.fill == pytest.approx([0.5, 0.5])


def test_world_output_growth_slows_with_its_half_life():
    cfg = ChipsConfig(world_output_h100e_per_month=100.0, world_output_growth_per_year=4.0,
                      world_output_growth_halflife_months=1e6)
    assert chips.world_output_h100e(12, cfg) == pytest.approx(400.0, rel=1e-4)
    slowing = replace(cfg, world_output_growth_halflife_months=12.0)
    # the log growth rate halves every year: after a year ln 4 * 12 / ln 2 * (1/2) / 12 = 1 ln 2
    assert chips.world_output_h100e(12, slowing) == pytest.approx(100.0 * 4 ** (0.5 / math.log(2))
                                                                  )
    assert chips.world_output_h100e(600, slowing) < 100.0 * 4 ** (1 / math.log(2)) + 1e-6


# ----------------------------------------------------------------------------- capability
def test_bloc_frontier_and_gap():
    front = capability.bloc_frontier(np.array([26.0, 25.5, 25.0]), np.array([0, 0, 2]))
    assert front.tolist() == [26.0, -np.inf, 25.0]
    assert capability.bloc_gap_months(front, "US", "EU", 0.1) == pytest.approx(10.0)
    assert capability.bloc_gap_months(front, "US", "CN", 0.1) == 0.0  # CN has no lab


def test_initial_knowledge_reproduces_the_starting_capability():
    compute, boost, open_ = np.array([1e5, 3e4]), np.array([0.3, 0.1]), np.array([1.0, 0.5])
    start = np.array([25.7, 25.2])
    k = capability.initial_knowledge(start, compute, boost, open_)
    assert capability.capability(compute, k, boost, open_) == pytest.approx(start)
    assert capability.community_boost(1e4, 0.5) == pytest.approx(0.5 * math.log(2.0))


def test_grow_knowledge_adds_algorithmic_progress_and_imitation():
    cfg = replace(SimConfig().capability, algorithmic_oom_per_month=0.02,
                  open_spillover_oom_per_month=0.0, imitation_open_per_month=0.5,
                  imitation_closed_per_month=0.0)
    none = np.zeros((2, 2), bool)
    k = capability.grow_knowledge(np.zeros(2), np.array([1e5, 1e5]), np.array([26.0, 25.0]),
                                  np.array([1.0, 0.0]), np.array([1.0, 2.0]), cfg,
                                  excluded=none, api_blocked=none)
    # the closed lab trails the best open model by 1 OOM; with equal compute it absorbs at
    # 1 / (1 + absorptive_half_ratio) of the base rate
    speed = 1.0 / (1.0 + cfg.absorptive_half_ratio)
    assert k == pytest.approx([0.02, 0.04 + 0.5 * speed])
    # a licence that excludes the imitator's home region leaves it nothing to imitate
    barred = np.array([[False, False], [True, False]])
    k = capability.grow_knowledge(np.zeros(2), np.array([1e5, 1e5]), np.array([26.0, 25.0]),
                                  np.array([1.0, 0.0]), np.array([1.0, 2.0]), cfg,
                                  excluded=barred, api_blocked=none)
    assert k == pytest.approx([0.02, 0.04])


def test_catching_up_needs_compute():
    kw = dict(frontier=26.0, open_fraction=0.0, frontier_training=1e6,
              closed_access=np.ones(2), algorithmic=0.0, spillover=0.0, half_ratio=0.1,
              imitation_open=0.5, imitation_closed=0.5)
    dk = capability.knowledge_step(np.ones(2), np.array([1e6, 1e4]), np.array([25.0, 25.0]),
                                   np.full(2, 25.5), open_source_training=np.full(2, 1e6), **kw)
    # same gaps; the imitator with 1% of the source's compute absorbs 1/(1 + 10) as fast
    assert dk[1] / dk[0] == pytest.approx((1e4 / (1e4 + 1e5)) / (1e6 / (1e6 + 1e5)))


def test_booked_margin_is_the_projected_profit_content_rules_included():
    # what a lab projects when it chooses a posture is what its accounts then book: revenue
    # minus the serving bill and the content-rules cost equals lab_profit for the same shares
    menu, shares = tiny_menu(), np.array([0.2, 0.3, 0.5, 0.0])
    capture, rules = np.array([0.1, 0.5]), np.array([0.25, 0.1])
    sales = month_sales(menu, shares, 1e9, capture, rules, 1460.0)
    serving_bill = sales.serving_h100e * 1460.0 / 1e9
    for lab in (0, 1):
        projected, revenue, _ = lab_profit(menu, shares, lab, 1e9, rules_cost=rules[lab],
                                           cloud_capture=capture[lab])
        assert revenue == pytest.approx(sales.revenue[lab])
        assert sales.revenue[lab] - serving_bill[lab] - sales.compliance[lab] \
            == pytest.approx(projected)
    # lab 0's API margin 0.2 * (3 - 1) is docked by a quarter
    assert sales.compliance[0] == pytest.approx(0.25 * 0.4)
