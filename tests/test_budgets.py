"""Money, chips and capability obey budgets: the issue's behavioural tests.

Each test runs the model (or its rules) and checks the direction or identity a mechanism
implies: money quantities are scale-free, revenue feeds compute, catching up needs compute,
and a run stops when a value leaves what the world could supply.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sim import chips, finance
from sim.checks import RunCheckError
from sim.config import LabConfig, SimConfig
from sim.enums import BLOCS, Bloc, Posture
from sim.model import MarketModel
from sim.run import run, simulate, with_overrides
from tests.conftest import small
from tests.helpers import values

#: Outcomes that must not move when every money quantity is scaled.
CHOICES = ["lab_openness", "lab_developer_share", "bloc_share", "open_share", "n_open_labs",
           "us_china_gap_months", "lab_capability", "lab_compute_h100e", "derivatives"]


def money_paths(cfg: SimConfig) -> list[str]:
    """Every config field whose declared unit is money (USD), over all labs and governments."""
    paths = []
    for group in ("chips", "market", "finance"):
        node = getattr(cfg, group)
        paths += [f"{group}.{f.name}" for f in dataclasses.fields(node)
                  if "USD" in f.metadata.get("unit", "")]
    for name in cfg.labs:
        paths += [f"labs.{name}.{f.name}" for f in dataclasses.fields(LabConfig)
                  if f.metadata.get("unit", "").startswith("USD")]
    for region, gov in cfg.governments.items():
        paths += [f"governments.{region}.{f.name}" for f in dataclasses.fields(gov)
                  if f.metadata.get("unit", "").startswith("USD")]
    return paths


def scaled(cfg: SimConfig, factor: float) -> SimConfig:
    from sim.paths import resolve_path
    return with_overrides(cfg, {p: resolve_path(cfg, p)[2] * factor for p in money_paths(cfg)})


def test_the_money_fields_are_the_ones_the_issue_names():
    paths = money_paths(SimConfig())
    for expected in ("market.hosting_usd_per_mtok", "chips.usd_per_h100e",
                     "chips.domestic_usd_per_h100e", "chips.opex_usd_per_h100e_month",
                     "chips.rental_usd_per_h100e_month", "labs.openai.cash_usd_bn",
                     "labs.openai.funding_usd_bn_per_year", "labs.openai.staff_usd_bn_per_year",
                     "governments.EU.open_subsidy_usd_bn_per_year"):
        assert expected in paths
    assert "market.premium_max" not in paths  # a markup, not money


def test_multiplying_every_money_quantity_by_ten_changes_no_choice():
    cfg = small(model__horizon_months=36, model__n_developers=2000,
                **{"governments.EU.open_subsidy_usd_bn_per_year": 20.0})
    a, b = run(cfg), run(scaled(cfg, 10.0))
    for metric in CHOICES:
        x, y = a[a.metric == metric], b[b.metric == metric]
        assert np.allclose(x.value.to_numpy(), y.value.to_numpy(), rtol=1e-9, atol=1e-12), metric
    # money itself is ten times larger
    for metric in ("lab_revenue_usd_bn", "lab_cash_usd_bn", "lab_capex_usd_bn"):
        x, y = a[a.metric == metric].value.to_numpy(), b[b.metric == metric].value.to_numpy()
        assert np.allclose(y, 10 * x, rtol=1e-6, atol=1e-9), metric
    assert a[a.metric == "lab_openness"].value.nunique() > 1  # postures did move in the run


def budget_path(revenue: float, months: int = 24) -> np.ndarray:
    """A lab's fleet over ``months`` under the finance and chip rules, at a flat revenue."""
    ch, fin = SimConfig().chips, SimConfig().finance
    fleet, cash = np.array([1e5]), np.array([2.0])
    running = np.zeros(1)
    dep = chips.monthly_depreciation(ch)
    out = []
    for _ in range(months):
        fund = finance.funding(np.array([6.0]), np.array([revenue]), np.array([0.5]),
                               np.array([1.0]))
        budget = finance.purchase_budget(cash, fund, running, reserve_months=fin.reserve_months,
                                         spend_share=fin.spend_share_per_month)
        orders = chips.orders_h100e(fleet, budget, ch.usd_per_h100e, ch.compute_growth_per_year,
                                    dep)
        got = chips.allocate_purchases(orders, budget, np.array([0]), np.ones(len(BLOCS)), 1e12,
                                       np.zeros(len(BLOCS)), ch.usd_per_h100e,
                                       ch.domestic_usd_per_h100e)
        fleet = chips.depreciate(fleet, dep) + got.delivered
        running = fleet * ch.opex_usd_per_h100e_month / 1e9 + 0.05
        cash, _ = finance.close_month(cash, np.array([revenue]), fund, got.capex, running)
        out.append(fleet[0])
    return np.array(out)


def test_halving_revenue_lowers_compute_growth_in_the_rules():
    full, half = budget_path(0.5), budget_path(0.25)
    assert half[-1] < full[-1]
    assert (half <= full + 1e-6).all()


def test_halving_revenue_lowers_compute_growth_in_the_model():
    cfg = small(model__horizon_months=24, model__n_developers=2000)
    a = run(cfg)
    b = run(with_overrides(cfg, {"market.token_demand_mtok_per_month":
                                 cfg.market.token_demand_mtok_per_month / 2}))
    rev_a = values(a, "lab_revenue_usd_bn", lab="openai").iloc[0]
    rev_b = values(b, "lab_revenue_usd_bn", lab="openai").iloc[0]
    assert rev_b == pytest.approx(rev_a / 2, rel=0.02)
    grow_a = values(a, "bloc_compute_h100e", bloc="US")
    grow_b = values(b, "bloc_compute_h100e", bloc="US")
    assert grow_b.iloc[-1] < grow_a.iloc[-1]


def test_a_lab_short_of_cash_cannot_buy_compute():
    cfg = small(model__horizon_months=12, model__n_developers=1000,
                **{"labs.xai.cash_usd_bn": 0.0, "labs.xai.funding_usd_bn_per_year": 0.0})
    df = run(cfg)
    capex = values(df, "lab_capex_usd_bn", lab="xai")
    assert capex.iloc[1:4].max() < values(run(small(model__horizon_months=12,
                                                    model__n_developers=1000)),
                                          "lab_capex_usd_bn", lab="xai").iloc[1:4].min()
    # never overspent (to rounding: 1e-12 USD bn is a thousandth of a dollar)
    assert (values(df, "lab_cash_usd_bn", lab="xai") >= -1e-12).all()


def test_export_controls_cut_deliveries_not_the_money_spent_on_them():
    cfg = small(model__horizon_months=24, model__n_developers=1000)
    tight = with_overrides(cfg, {"governments.US.export_controls": 1.0,
                                 "governments.US.control_leakage": 0.0})
    a, b = run(cfg), run(tight)
    assert values(b, "bloc_compute_h100e", bloc="CN").iloc[-1] \
        < values(a, "bloc_compute_h100e", bloc="CN").iloc[-1]
    # a leak-free embargo leaves only domestic accelerators
    assert (values(b, "bloc_compute_h100e", bloc="CN").diff().dropna()
            <= chips.domestic_supply_h100e(24, cfg.chips) + 1e-6).all()


def test_the_world_stock_and_output_follow_their_inputs():
    cfg = small(model__horizon_months=13, model__n_developers=500)
    df = run(cfg)
    out = values(df, "world_accelerator_output_h100e")
    assert out.iloc[12] == pytest.approx(chips.world_output_h100e(12, cfg.chips))
    stock = values(df, "world_accelerator_stock_h100e")
    dep = chips.monthly_depreciation(cfg.chips)
    assert stock.iloc[1] == pytest.approx(stock.iloc[0] * (1 - dep) + out.iloc[1])
    # the labs hold part of the world's accelerators
    assert values(df, "bloc_compute_h100e").groupby(level=0).sum().iloc[-1] < stock.iloc[-1]


def _two_labs(lag_cn: float, **capability) -> SimConfig:
    labs = {"us": LabConfig(bloc=Bloc.US, posture=Posture.closed, compute_h100e=4e5,
                            lag_months=0.0, derivatives=0.0, release_phase_month=59,
                            funding_usd_bn_per_year=20.0, cash_usd_bn=5.0),
            "cn": LabConfig(bloc=Bloc.CN, posture=Posture.closed, compute_h100e=1e5,
                            lag_months=lag_cn, derivatives=0.0, release_phase_month=59,
                            funding_usd_bn_per_year=5.0, cash_usd_bn=2.0)}
    cfg = with_overrides(SimConfig(labs=labs), {
        "model.n_developers": 1000, "model.horizon_months": 48,
        "capability.open_spillover_oom_per_month": 0.0,
        "capability.community_compute_share": 0.0,
        # serving rented: training compute is the whole fleet, so the lag that equalises
        # knowledge is known before the run
        "chips.max_serving_share": 0.0,
        **{f"capability.{k}": v for k, v in capability.items()}})
    return cfg


def test_without_imitation_the_gap_is_the_log_compute_gap_over_monthly_progress():
    off = {"imitation_open_per_month": 0.0, "imitation_closed_per_month": 0.0}
    cfg = _two_labs(0.0, **off)
    oom = cfg.model.capability_oom_per_month
    # start with equal knowledge: the CN lab's lag is its log-compute gap
    lag = float(np.log10(cfg.labs["us"].compute_h100e / cfg.labs["cn"].compute_h100e) / oom)
    m = simulate(_two_labs(lag, **off))
    df = m.recorder.frame()
    gap = values(df, "us_china_gap_months")
    train = df[df.metric == "lab_training_compute_h100e"].pivot(index="month", columns="lab",
                                                                 values="value")
    expected = np.log10(train["us"] / train["cn"]) / oom
    assert gap.to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-9)
    assert gap.iloc[-1] > gap.iloc[0] + 3  # the controlled lab falls behind as fleets diverge


def test_imitation_narrows_the_gap_and_needs_compute():
    on = _two_labs(6.0)
    gap_on = values(run(on), "us_china_gap_months").iloc[-1]
    gap_off = values(run(with_overrides(on, {"capability.imitation_open_per_month": 0.0,
                                             "capability.imitation_closed_per_month": 0.0})),
                     "us_china_gap_months").iloc[-1]
    assert gap_on < gap_off
    # with a larger compute threshold for absorbing a model, imitation helps less
    hard = values(run(with_overrides(on, {"capability.absorptive_half_ratio": 10.0})),
                  "us_china_gap_months").iloc[-1]
    assert gap_on < hard <= gap_off + 1e-9


class _Overbuying(MarketModel):
    """A model that hands the Chinese labs accelerators nobody could have sold them."""

    def _buy_compute(self) -> None:
        super()._buy_compute()
        self.fleet = self.fleet + 1e7 * (self.lab_bloc == BLOCS.index(Bloc.CN))


class _Broken(MarketModel):
    def _book_month(self) -> None:
        super()._book_month()
        if self.month == 3:
            self.revenue = self.revenue * np.nan


def test_a_fleet_beyond_what_the_bloc_could_obtain_stops_the_run():
    with pytest.raises(RunCheckError, match="CN labs hold"):
        _Overbuying(small(model__n_developers=500, model__horizon_months=6)).run()


def test_a_value_that_is_not_finite_stops_the_run_naming_it():
    with pytest.raises(RunCheckError, match="month 3: lab_revenue_usd_bn"):
        _Broken(small(model__n_developers=500, model__horizon_months=6)).run()


@settings(max_examples=12, deadline=None)
# a vanishing (subnormal) funding scale once made a lab's projected funding overflow to inf
@example(controls=0.0, leakage=0.0, funding=2.225073858507203e-309, price=1.0, output=1.0)
@given(controls=st.floats(0.0, 1.0), leakage=st.floats(0.0, 1.0), funding=st.floats(0.0, 5.0),
       price=st.floats(0.3, 3.0), output=st.floats(0.1, 3.0))
def test_budgets_and_supply_hold_for_any_levers(controls, leakage, funding, price, output):
    cfg = small(model__n_developers=300, model__horizon_months=18)
    cfg = with_overrides(cfg, {
        "governments.US.export_controls": controls, "governments.US.control_leakage": leakage,
        "chips.usd_per_h100e": cfg.chips.usd_per_h100e * price,
        "chips.world_output_h100e_per_month": cfg.chips.world_output_h100e_per_month * output,
        **{f"labs.{n}.funding_usd_bn_per_year": lab.funding_usd_bn_per_year * funding
           for n, lab in cfg.labs.items()}})
    df = run(cfg)  # the run's own checks raise on a fleet beyond supply or a non-finite value
    wide = df[df.metric.isin(["lab_cash_usd_bn", "lab_capex_usd_bn", "lab_compute_h100e",
                              "lab_funding_usd_bn"])]
    assert (wide.value >= -1e-9).all()
    fleets = values(df, "bloc_compute_h100e").groupby(level=0).sum()
    stock = values(df, "world_accelerator_stock_h100e")
    assert (fleets <= stock + 1e-6).all()
    assert isinstance(df, pd.DataFrame)


# ----------------------------------------------------------------------------- controls -> posture
# Either sign is possible for "do tighter controls push a lab towards open release?" through
# the money channel, and two named quantities decide it: the share of the lab's orders that chip
# supply fills (set by chips.domestic_* and the controls' leakage) and its training compute.

def _closing_probability(fill: float, training: float) -> float:
    from sim.agents.lab import payoff_terms, posture_probabilities
    from sim.config import LabBehaviourConfig
    from sim.foresight import Foresight
    money = np.array([1.0, 1.5, 2.0])  # USD bn a month under open, hybrid, closed
    months = finance.money_months(money, fill=fill, usd_per_h100e=3e4,
                                  training_h100e=training, planning_months=12,
                                  oom_per_month=0.1)
    zeros = np.zeros(3)
    foresight = Foresight(money_months=months, community_months=zeros, share=zeros,
                          open_share=zeros, profit=money, revenue=money)
    behaviour = LabBehaviourConfig(money_weight=1.0, inertia=0.0, community_weight=0.0,
                                   reach_value=0.0)
    terms = payoff_terms(foresight, Posture.open, pressure=0.0, prominence=1.0, proximity=1.0,
                         openness_bias=0.0, endorsement=0.0, release_cost=0.0,
                         behaviour=behaviour)
    return float(posture_probabilities(sum(terms.values()), Posture.open, behaviour.inertia,
                                       behaviour.temperature)[2])


def test_money_that_chips_cannot_follow_pushes_towards_open():
    # controls that leave orders unfilled make money worth less: the closed posture's extra
    # profit buys little compute, so closing is less likely
    assert _closing_probability(fill=0.2, training=1e5) < _closing_probability(1.0, 1e5)


def test_with_chips_to_buy_a_smaller_fleet_makes_money_matter_more():
    # with orders filled (ample domestic supply), controls that shrink the fleet make each
    # dollar a larger share of it: closing, which earns more, becomes more likely
    assert _closing_probability(fill=1.0, training=5e4) > _closing_probability(1.0, 1e5)


def test_a_labs_cash_is_no_longer_inert():
    # the old sensitivity control: cash now buys accelerators, so it moves the lab's fleet. At
    # its calibrated 40 USD bn a year Anthropic's funding buys all the growth it wants, so the
    # test funds it less: then cash is what it can spend
    cfg = small(model__horizon_months=12, model__n_developers=1000,
                **{"labs.anthropic.funding_usd_bn_per_year": 4.0})
    rich = with_overrides(cfg, {"labs.anthropic.cash_usd_bn": 20.0})
    poor = with_overrides(cfg, {"labs.anthropic.cash_usd_bn": 1.0})
    fleet = [values(run(c), "lab_compute_h100e", lab="anthropic") for c in (poor, rich)]
    assert fleet[1].iloc[-1] > 1.5 * fleet[0].iloc[-1]
    assert (fleet[1] >= fleet[0] - 1e-6).all()


def test_an_eu_grant_conditioned_on_openness_shifts_mistrals_posture():
    """InvestAI-style grants enter the deciding lab's money term (``DecisionState.grants``), so
    they move Mistral's posture probabilities, seed by seed (measured: expected openness
    0.33-0.45 without, 0.48-0.53 with 5 bn USD a year)."""
    def openness(subsidy: float, seed: int) -> float:
        cfg = small(seed=seed, model__horizon_months=36, model__n_developers=2000,
                    **{"governments.EU.open_subsidy_usd_bn_per_year": subsidy})
        df = run(cfg)
        sel = df[(df.metric == "lab_expected_openness") & (df.lab == "mistral") & (df.month > 0)]
        return float(sel.value.mean())

    for seed in range(3):
        assert openness(5.0, seed) > openness(0.0, seed) + 0.05
