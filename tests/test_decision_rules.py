"""Layer 1, continued: the agents' decisions, the market and capability dynamics as plain
functions of arrays and config, checked against hand-computed values without building a model."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from sim import capability, chips, finance
from sim.agents.developer import DeveloperPopulation, consumer_surplus, region_choices
from sim.agents.government import review_due, reviewed_controls
from sim.agents.lab import month_sales
from sim.capability import REFERENCE_CAPABILITY
from sim.config import ChipsConfig, DeveloperConfig, GovernmentConfig, LabConfig, \
    MarketConfig, SegmentConfig, SimConfig
from sim.enums import BLOCS, POSTURES, REGIONS, BanScope, Bloc, Posture, Region
from sim.foresight import _Fixed, DecisionState, _lab_flows, project
from sim.market import BAN_CODE, MarketInputs, Menu, ban_codes, build_menu, common_utilities, \
    lab_region_flags, market_access, representative, row_weights, token_demand
from sim.releases import SLOTS, initial_releases, no_releases

N_REGIONS, N_BLOCS = len(REGIONS), len(BLOCS)


def tiny_menu() -> Menu:
    """Lab 0 (US) hybrid: closed API and a small open model; lab 1 (CN) open: its flagship.

    Products ``3 * lab + kind`` with kinds (api, open, small); the missing ones never count.
    """
    return Menu(lab=np.array([0, 0, 0, 1, 1, 1]), bloc=np.array([0, 0, 0, 1, 1, 1]),
                exists=np.array([True, False, True, False, True, False]),
                is_open=np.array([False, True, True, False, True, True]),
                capability=np.array([26.0, 0.0, 25.8, 0.0, 25.9, 0.0]),
                price=np.array([3.0, 1.0, 1.3, 1.0, 2.6, 1.0]),
                cost=np.array([1.0, 1.0, 1.0, 1.0, 2.0, 1.0]), age=np.zeros(6))


def inputs(n_labs: int = 2, **kw) -> MarketInputs:
    base = dict(month=0, lab_bloc=np.array([0, 1])[:n_labs], releases=no_releases(n_labs),
                addition=np.zeros(n_labs), family_share=np.zeros(n_labs),
                derivatives=np.zeros(n_labs), bans=np.zeros((N_REGIONS, N_BLOCS), np.int64),
                closed_blocked=np.zeros((n_labs, N_REGIONS), bool),
                open_excluded=np.zeros((n_labs, N_REGIONS), bool))
    base.update(kw)
    return MarketInputs(**base)


def plain_developers(**kw) -> DeveloperConfig:
    """One segment of developers who care about price only (alpha = 1): v_j = -ln(price_j)."""
    zero = {r.value: {b.value: 0.0 for b in BLOCS} for r in REGIONS}
    one = SegmentConfig(share=1.0, tokens_mtok_per_month=1.0, tokens_sigma=0.0,
                        price_sensitivity_rel=1.0, support_value=0.0, customisation_value=0.0,
                        data_control_value=0.0)
    return DeveloperConfig(**{"capability_weight": 0.0, "network_effect": 0.0,
                              "ecosystem_weight": 0.0, "price_sensitivity": 1.0,
                              "open_taste_sd": 0.0, "affinity": zero,
                              "segments": {"all": one}, **kw})


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


def test_consumer_surplus_weights_segments_by_their_share_and_price_sensitivity():
    v = np.array([[[0.0, math.log(2.0)], [1.0, 5.0]]])  # one region, two segments
    allowed = np.array([[[True, True], [True, False]]])
    cs = consumer_surplus(v, allowed, np.array([0.5, 1.0]), np.array([10.0]),
                          segment_weights=np.array([0.25, 0.75]))
    # segment 0: ln 3 / 0.5; segment 1 may only use product 0: 1 / 1
    assert cs[0] == pytest.approx(0.25 * 2 * math.log(3.0) + 0.75 * 1.0)
    assert cs[1] == pytest.approx(cs[0])


def test_region_choices_force_the_cut_off_and_respect_the_public_mask():
    cfg = DeveloperConfig(reconsider_per_month=0.0, switching_cost=0.0)
    pop = DeveloperPopulation(4, DeveloperConfig(region_shares={"US": 1.0, "CN": 0.0, "EU": 0.0,
                                                                "ROW": 0.0}),
                              ["US", "CN", "EU", "ROW"], np.random.default_rng(0))
    pop.public[:] = [False, False, True, False]
    pop.choice[:] = [0, 1, 1, -1]  # developer 1 and 2 on product 1, developer 3 on nothing
    market, public = np.array([True, False, True]), np.array([True, False, False])
    common = np.array([0.0, 0.0, 50.0])  # product 2 (open) is far better for whoever may take it
    is_open, lab = np.array([False, False, True]), np.array([0, 0, 1])

    def choices(cost, fixed_usd):
        return region_choices(pop, np.arange(4), market, public, common, np.zeros(3), cost,
                              is_open, lab, cfg, MarketConfig(), 1.0, fixed_usd,
                              np.random.default_rng(1))

    movers, picks, own = choices(np.ones(3), 1e12)
    # developer 0 keeps an accessible product (nobody reconsiders by chance); the others are
    # cut off or unserved; the public-sector developer may only take product 0
    assert movers.tolist() == [1, 2, 3]
    assert picks.tolist() == [2, 0, 2]
    assert not own.any()  # self-hosting at a prohibitive fixed cost
    # with self-hosting almost free, those who pick the open model run it themselves
    movers, picks, own = choices(np.full(3, 1e-6), 0.0)
    assert picks.tolist() == [2, 0, 2] and own.tolist() == [True, False, True]


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
    assert market[0].tolist() == [True, False, True, False, True, False]
    assert public[0].tolist() == [True, False, True, False, False, False]
    assert market[2].tolist() == [True, False, True, False, False, False]


def test_build_menu_capability_cost_and_price():
    cfg = SimConfig()
    gap = 0.6
    rel = initial_releases([Posture.open, Posture.hybrid], np.array([25.7, 25.5]), gap)
    menu = build_menu(rel, inputs(releases=rel, addition=np.array([0.2, 0.4]), month=12), cfg)
    assert menu.exists.tolist() == [False, True, True, True, False, True]
    assert menu.is_open.tolist() == [False, True, True, False, True, True]
    # open releases gain the community's addition to their family; a closed API does not
    assert menu.capability[menu.exists] == pytest.approx([25.9, 25.1 + 0.2, 25.5,
                                                          24.9 + 0.4])
    assert (menu.capability[~menu.exists] < REFERENCE_CAPABILITY - 50).all()
    mk = cfg.market
    # the open flagship sits 0.2 OOM above the reference capability, after a year of decline
    assert menu.cost[1] == pytest.approx(mk.hosting_usd_per_mtok
                                         * 10 ** (mk.cost_capability_elasticity * 0.2)
                                         / mk.cost_decline_per_year)
    assert menu.price[menu.is_open] == pytest.approx(menu.cost[menu.is_open]
                                                     * (1 + mk.host_margin))
    assert menu.price[3] > menu.cost[3]
    assert menu.bloc.tolist() == [0, 0, 0, 1, 1, 1]
    assert menu.lab.tolist() == [0, 0, 0, 1, 1, 1]
    assert menu.age.tolist() == [0.0, 12.0, 12.0, 12.0, 0.0, 12.0]


def test_common_utilities_measure_capability_from_the_frontier():
    dev = plain_developers(capability_weight=0.5, network_effect=1.0)
    cfg = replace(SimConfig(), developers=dev)
    menu = tiny_menu()
    u = common_utilities(menu, inputs(family_share=np.array([0.99, 0.0])), cfg)
    months = (menu.capability - 26.0) / cfg.model.capability_oom_per_month
    net = np.log(np.array([0.99] * 3 + [0.0] * 3) + 0.01)
    assert u.shape == (N_REGIONS, 6)
    assert u[1] == pytest.approx(0.5 * months + net)


def test_common_utilities_fade_the_ecosystem_of_old_open_releases():
    dev = plain_developers(ecosystem_weight=2.0, ecosystem_fade_months=12.0)
    cfg = replace(SimConfig(), developers=dev)
    menu = replace(tiny_menu(), age=np.array([0.0, 0.0, 0.0, 0.0, 12.0, 0.0]))
    u = common_utilities(menu, inputs(derivatives=np.array([1e4, 1e4])), cfg)
    # lab 0's fresh small model keeps 2 ln 2; lab 1's year-old flagship 1/e of it; no API gains
    assert u[0, [0, 2, 4]] == pytest.approx([0.0, 2 * math.log(2.0),
                                             2 * math.log(2.0) / math.e])


def test_representative_shares_are_the_logit_shares_of_the_typical_developer():
    cfg = replace(SimConfig(), developers=plain_developers())
    menu = replace(tiny_menu(), price=np.array([1.0, 9.0, 2.0, 9.0, 4.0, 9.0]))
    proj = representative(menu, inputs(selfhost_fixed_usd=1e12), cfg)
    assert proj.shares.shape == proj.utility.shape == proj.selfhost.shape == (N_REGIONS, 1, 6)
    # v = -ln(price) over the three products on offer: weights 1, 1/2, 1/4
    expected = np.array([1.0, 0.0, 0.5, 0.0, 0.25, 0.0]) / 1.75
    for r in range(N_REGIONS):
        assert proj.shares[r, 0] == pytest.approx(expected)
    assert not proj.selfhost.any()
    # self-hosting at cost and no fixed cost beats paying a host's margin
    cheap = representative(menu, inputs(selfhost_fixed_usd=0.0), cfg)
    assert cheap.selfhost[0, 0].tolist() == [False, True, True, False, True, True]
    assert cheap.utility[0, 0, 2] == pytest.approx(-math.log(menu.cost[2]))


def test_row_weights_split_regions_by_segment_heads_and_tokens():
    cfg = SimConfig()
    heads, tokens = row_weights(cfg)
    assert heads.shape == tokens.shape == (N_REGIONS, len(cfg.developers.segments))
    assert heads.sum() == pytest.approx(1.0) and tokens.sum() == pytest.approx(1.0)
    segs = list(cfg.developers.segments.values())
    us = cfg.developers.region_shares["US"]
    assert heads[0] == pytest.approx([us * s.share / sum(t.share for t in segs) for s in segs])
    # enterprises use more tokens each than independent developers
    names = list(cfg.developers.segments)
    e, i = names.index("enterprise"), names.index("independent")
    assert tokens[0, e] / heads[0, e] > tokens[0, i] / heads[0, i]


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
def test_month_sales_on_the_tiny_menu():
    menu = tiny_menu()
    tokens = np.array([0.2, 0.0, 0.3, 0.0, 0.5, 0.0]) * 1e9
    hosted = np.array([0.0, 0.0, 0.3, 0.0, 0.2, 0.0]) * 1e9  # 0.3e9 of lab 1's self-hosted
    sales = month_sales(menu, tokens, hosted, np.array([0.1, 0.5]), 0.25, 1000.0)
    # lab 0: API 0.2 * 3 + services 0.3 * 1 * 0.1 (USD bn); margin 0.2 * (3 - 1)
    # lab 1: only its hosted tokens earn it services: 0.2 * 2 * 0.5
    assert sales.revenue == pytest.approx([0.63, 0.2])
    assert sales.api_margin == pytest.approx([0.4, 0.0])
    assert sales.compliance == pytest.approx([0.1, 0.0])
    # closed tokens' serving bill 0.2e9 USD at 1000 USD per H100e-month: 2e5 H100e
    assert sales.serving_h100e == pytest.approx([2e5, 0.0])
    all_hosted = month_sales(menu, tokens, np.where(menu.is_open, tokens, 0.0),
                             np.array([0.1, 0.5]), 0.25, 1000.0)
    assert all_hosted.revenue[1] == pytest.approx(0.5 * 2 * 0.5)


def solo_state(cfg: SimConfig, posture: Posture = Posture.closed, **kw) -> DecisionState:
    """What a lone lab knows at month 0, before any developer has chosen."""
    gap = cfg.lab_behaviour.small_model_gap_months * cfg.model.capability_oom_per_month
    rel = initial_releases([posture], np.array([26.0]), gap)
    base = dict(lab=0, inputs=inputs(1, releases=rel, selfhost_fixed_usd=1e12),
                postures=[posture], capability=np.array([26.0]),
                trend=np.array([cfg.model.capability_oom_per_month]),
                training=np.array([1e5]), intervals=np.array([6.0]),
                excluded=np.zeros((1, 1), bool),
                shares=np.zeros((N_REGIONS, len(cfg.developers.segments), SLOTS)),
                community_h100e=np.zeros(1), open_users=np.zeros(1), rules_cost=0.0,
                cloud_capture=0.0, funding_base=1.0, revenue_start=0.1, market_revenue=0.0,
                elasticity=1.0,
                grants=np.zeros(3), fill=1.0, usd_per_h100e=3e4)
    base.update(kw)
    return DecisionState(**base)


def solo_config() -> SimConfig:
    labs = {"solo": LabConfig(bloc=Bloc.US, posture=Posture.closed)}
    return replace(SimConfig(labs=labs), developers=plain_developers())


def test_project_postures_one_lab_alone():
    cfg = solo_config()
    fs = project(solo_state(cfg), cfg)
    assert list(POSTURES) == [Posture.open, Posture.hybrid, Posture.closed]
    # a lone lab serves every developer whatever it does
    assert fs.share == pytest.approx([1.0, 1.0, 1.0])
    # open: no API and no captured services; closed: all developers on the API
    assert fs.open_share[0] == pytest.approx(1.0) and fs.open_share[2] == 0.0
    assert 0 < fs.open_share[1] < 1  # hybrid: the small open model takes part of the market
    assert fs.profit[0] == 0.0 and fs.revenue[0] == 0.0
    assert fs.revenue[2] > fs.profit[2] > 0  # the bill exceeds the margin
    assert 0 < fs.profit[1] < fs.profit[2]
    assert fs.money_months[2] > fs.money_months[1] > fs.money_months[0] > 0  # funding only
    assert (fs.community_months == 0).all()  # no community compute
    none = project(solo_state(cfg, rules_cost=1.0), cfg)
    assert none.profit[2] == 0.0  # content rules that take all API profit leave nothing
    # an open lab that hosts part of its weights' traffic earns on it
    served = project(solo_state(cfg, cloud_capture=0.5), cfg)
    assert served.profit[0] > 0 and served.profit[2] == pytest.approx(fs.profit[2])
    # financiers who value developers fund the open lab for its reach, without revenue
    valued = project(solo_state(cfg, market_revenue=1.0), cfg)
    assert valued.money_months[0] > fs.money_months[0] and valued.revenue[0] == 0.0


def test_projected_community_months_follow_openness_and_open_users():
    cfg = solo_config()
    fs = project(solo_state(cfg, community_h100e=np.array([1e6])), cfg)
    # the community improves the newest open release: all of an open lab's users build on it,
    # a hybrid's small model counts half, a closed lab has none
    assert fs.community_months[0] > fs.community_months[1] > fs.community_months[2] == 0.0
    more = project(solo_state(cfg, community_h100e=np.array([1e7])), cfg)
    assert more.community_months[0] > fs.community_months[0]


def test_projected_shares_move_gradually_from_the_actual_ones():
    cfg = solo_config()
    # every developer is on the lab's API now; the lab considers going open
    now = np.zeros((N_REGIONS, 1, SLOTS))
    now[..., 0] = 1.0
    stay = project(solo_state(cfg, shares=now), cfg)
    fresh = project(solo_state(cfg), cfg)
    # going open withdraws the API: its users move at once, whatever they held
    assert stay.open_share[0] == pytest.approx(fresh.open_share[0]) == pytest.approx(1.0)
    # going hybrid leaves the API on offer: few of its users move to the small model
    assert stay.open_share[1] < fresh.open_share[1]


def test_booked_sales_are_the_projected_flows_content_rules_included():
    # what a lab projects when it chooses a posture (sim.foresight._lab_flows) is what its
    # accounts then book (month_sales) for the same shares: revenue, and profit = revenue
    # minus the serving bill and the content-rules cost
    menu, rng = tiny_menu(), np.random.default_rng(3)
    n_seg = 2
    raw = rng.random((N_REGIONS, n_seg, 6)) * menu.exists
    shares = raw / raw.sum(axis=-1, keepdims=True)
    selfhost = (rng.random(shares.shape) < 0.4) & menu.is_open
    heads = rng.random((N_REGIONS, n_seg))
    heads /= heads.sum()
    tokens = rng.random((N_REGIONS, n_seg))
    tokens /= tokens.sum()
    total = 1e9
    on = (tokens[..., None] * shares).sum(axis=(0, 1)) * total
    hosted = (tokens[..., None] * shares * ~selfhost).sum(axis=(0, 1)) * total
    capture, rules, rent = np.array([0.1, 0.5]), np.array([0.25, 0.1]), 1460.0
    sales = month_sales(menu, on, np.where(menu.is_open, hosted, 0.0), capture, rules, rent)
    serving_bill = sales.serving_h100e * rent / 1e9
    cfg = replace(SimConfig(), developers=plain_developers())
    for lab in (0, 1):
        two = {"training": np.full(2, 1e5), "excluded": np.zeros((2, 2), bool),
               "community_h100e": np.zeros(2), "open_users": np.zeros(2)}
        state = solo_state(cfg, lab=lab, rules_cost=float(rules[lab]),
                           cloud_capture=float(capture[lab]), **two)
        flows = {k: float(np.squeeze(v)) for k, v in _lab_flows(
            shares, selfhost, menu, _Fixed([state], cfg), heads, tokens, total).items()}
        assert flows["revenue"] == pytest.approx(sales.revenue[lab])
        assert sales.revenue[lab] - serving_bill[lab] - sales.compliance[lab] \
            == pytest.approx(flows["profit"])
        mine = (heads[..., None] * shares).sum(axis=(0, 1))[menu.lab == lab]
        assert flows["share"] == pytest.approx(mine.sum())
        assert flows["open_share"] == pytest.approx(mine[menu.is_open[menu.lab == lab]].sum())
    # lab 0's API margin is docked by a quarter
    assert sales.compliance[0] == pytest.approx(0.25 * sales.api_margin[0]) and \
        sales.api_margin[0] > 0


def test_funding_follows_revenue_from_a_floor():
    # base 12 USD bn a year: 1 a month at the starting revenue 1; floor 0.1
    funding = finance.funding(np.full(3, 12.0), np.array([0.0, 1.0, 3.0]), np.ones(3),
                              np.ones(3))
    assert funding == pytest.approx([0.1 / 1.1, 1.0, 3.1 / 1.1])
    inert = finance.funding(np.full(3, 12.0), np.array([0.0, 1.0, 3.0]), np.ones(3),
                            np.zeros(3))
    assert inert == pytest.approx([1.0, 1.0, 1.0])
    # traction: revenue plus developers valued at the market's revenue per developer
    got = finance.traction(np.array([0.0, 1.0]), np.array([0.5, 0.1]), 4.0, 0.5)
    assert got == pytest.approx([0.5 * 0.5 * 4.0, 1.0 + 0.5 * 0.1 * 4.0])


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
    compute, start = np.array([1e5, 3e4]), np.array([25.7, 25.2])
    k = capability.initial_knowledge(start, compute)
    assert capability.capability(compute, k) == pytest.approx(start)
    assert k == pytest.approx(start - np.log10(compute))


def test_grow_knowledge_adds_algorithmic_progress_and_imitation():
    cfg = replace(SimConfig().capability, algorithmic_oom_per_month=0.02,
                  open_spillover_oom_per_month=0.0, imitation_open_per_month=0.5,
                  imitation_closed_per_month=0.0)
    none = np.zeros((2, 2), bool)
    open_caps = np.array([26.0, -np.inf])  # lab 0 has released open weights at 26
    k = capability.grow_knowledge(np.zeros(2), np.array([1e5, 1e5]), np.array([26.0, 25.0]),
                                  np.array([1.0, 0.0]), open_caps, np.array([1.0, 2.0]), cfg,
                                  excluded=none, api_blocked=none)
    # the closed lab trails the best open model by 1 OOM; with equal compute it absorbs at
    # 1 / (1 + absorptive_half_ratio) of the base rate
    speed = 1.0 / (1.0 + cfg.absorptive_half_ratio)
    assert k == pytest.approx([0.02, 0.04 + 0.5 * speed])
    # a licence that excludes the imitator's home region leaves it nothing to imitate
    barred = np.array([[False, False], [True, False]])
    k = capability.grow_knowledge(np.zeros(2), np.array([1e5, 1e5]), np.array([26.0, 25.0]),
                                  np.array([1.0, 0.0]), open_caps, np.array([1.0, 2.0]), cfg,
                                  excluded=barred, api_blocked=none)
    assert k == pytest.approx([0.02, 0.04])


def test_best_open_for_respects_licences():
    caps = np.array([26.0, 25.5, -np.inf])
    best, owner = capability.best_open_for(caps, np.zeros((3, 3), bool))
    assert best.tolist() == [26.0] * 3 and owner.tolist() == [0, 0, 0]
    excluded = np.array([[False, False, False], [True, False, False], [True, True, False]])
    best, owner = capability.best_open_for(caps, excluded)
    assert best.tolist() == [26.0, 25.5, -np.inf] and owner.tolist() == [0, 1, -1]


def test_catching_up_needs_compute():
    kw = dict(frontier=26.0, open_fraction=0.0, frontier_training=1e6,
              closed_access=np.ones(2), algorithmic=0.0, spillover=0.0, half_ratio=0.1,
              imitation_open=0.5, imitation_closed=0.5)
    dk = capability.knowledge_step(np.ones(2), np.array([1e6, 1e4]), np.array([25.0, 25.0]),
                                   np.full(2, 25.5), open_source_training=np.full(2, 1e6), **kw)
    # same gaps; the imitator with 1% of the source's compute absorbs 1/(1 + 10) as fast
    assert dk[1] / dk[0] == pytest.approx((1e4 / (1e4 + 1e5)) / (1e6 / (1e6 + 1e5)))
