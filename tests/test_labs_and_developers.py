"""Labs and developers: released weights persist, segments and tokens, the workaround, foresight.

Behavioural tests: each runs the model (paired seeds where noise matters) or evaluates a lab's
decision on one model state, and checks the direction a named mechanism implies. Unless a test
says otherwise every lab's openness bias is zero, so the postures respond to the mechanisms
alone.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sim.config import EventConfig, SimConfig
from sim.enums import Bloc, EventKind
from sim.foresight import project
from sim.hydra_conf import load_config
from sim.model import MarketModel
from sim.run import simulate, with_overrides
from tests.conftest import small
from tests.helpers import values

LABS = list(SimConfig().labs)
CN_LABS = [n for n, lab in SimConfig().labs.items() if lab.bloc is Bloc.CN]
#: every lab's own taste for openness switched off
BIASES_OFF = {f"labs.{name}.openness_bias": 0.0 for name in LABS}


def runs(scenario: str, seeds, events: dict | None = None, **overrides):
    """Results tables of ``scenario`` on ``seeds``, shrunk by :func:`tests.conftest.small`."""
    out = []
    for seed in seeds:
        cfg = small(replace(load_config(scenario), seed=seed), **BIASES_OFF)
        if events:
            cfg = replace(cfg, events={**cfg.events, **events})
        out.append(simulate(with_overrides(cfg, overrides)).recorder.frame())
    return out


def mean_at(frames, metric: str, month: int, **dims) -> float:
    return float(np.mean([values(df, metric, **dims).loc[month] for df in frames]))


# ------------------------------------------------------------------ released weights persist
def test_released_weights_persist_after_closing_and_their_share_fades():
    """sim.releases: Qwen's last open release stays on offer after Alibaba closes (month 18)."""
    frames = runs("alibaba_closes", range(3), **{"model.horizon_months": 48})
    before = mean_at(frames, "lab_open_share", 17, lab="alibaba")
    six_after = mean_at(frames, "lab_open_share", 24, lab="alibaba")
    late = mean_at(frames, "lab_open_share", 47, lab="alibaba")
    assert six_after > 0.2 * before > 0  # still measurable six months on
    assert late < six_after  # and fading as the release ages
    # no new open release after the event: the newest open release is the one from before it
    m = simulate(small(replace(load_config("alibaba_closes"), seed=0), **BIASES_OFF,
                       **{"model.horizon_months": 30}))
    alibaba = m.lab_names.index("alibaba")
    assert m.releases.exists[alibaba, 1:].any()
    assert m.releases.month[alibaba, 1:].max() < 18


def test_closing_erodes_a_labs_share_gradually_not_at_once():
    """sim.foresight / switching frictions: developers leave a closed family over months."""
    frames = runs("alibaba_closes", range(3), **{"model.horizon_months": 36})
    before = mean_at(frames, "lab_open_share", 17, lab="alibaba")
    first = mean_at(frames, "lab_open_share", 19, lab="alibaba")
    year = mean_at(frames, "lab_open_share", 30, lab="alibaba")
    drop_first, drop_year = before - first, before - year
    assert drop_year > 0
    assert drop_first < 0.5 * drop_year  # most of the loss comes later, not in the first month


# ------------------------------------------------------------------ segments, channels, tokens
def test_token_shares_equal_head_shares_when_everyone_uses_the_same_amount():
    """sim.metrics token weighting: with equal usage, token shares are the head counts."""
    cfg = SimConfig()
    same = {f"developers.segments.{s}.tokens_sigma": 0.0 for s in cfg.developers.segments}
    same |= {f"developers.segments.{s}.tokens_mtok_per_month": 50.0
             for s in cfg.developers.segments}
    df = simulate(small(seed=3, **same, **{"model.horizon_months": 6})).recorder.frame()
    heads = values(df, "bloc_share", region="global", bloc="CN")
    tokens = values(df, "bloc_token_share", region="global", bloc="CN")
    assert np.allclose(heads, tokens)
    # and with the default heavy-tailed usage they differ
    df = simulate(small(seed=3, **{"model.horizon_months": 6})).recorder.frame()
    assert not np.allclose(values(df, "bloc_share", region="global", bloc="CN"),
                           values(df, "bloc_token_share", region="global", bloc="CN"))


def test_enterprises_value_of_support_keeps_them_on_closed_apis():
    """sim.channels: the support and indemnity of a closed API, valued by enterprises."""
    def enterprise_open(value: float) -> float:
        frames = [simulate(small(seed=s, **BIASES_OFF, **{
            "model.horizon_months": 12,
            "developers.segments.enterprise.support_value": value})).recorder.frame()
            for s in range(2)]
        return mean_at(frames, "enterprise_open_token_share", 11)

    assert enterprise_open(3.0) < enterprise_open(0.0)


def test_heavy_users_self_host_and_more_do_as_usage_grows():
    """sim.channels: self-hosting has a fixed cost, so it pays as usage grows."""
    frames = runs("baseline", range(2))
    early = mean_at(frames, "selfhost_share", 1, region="global")
    late = mean_at(frames, "selfhost_share", 35, region="global")
    assert 0 < early < late
    dear = runs("baseline", range(2), **{"market.selfhost_fixed_usd_per_month": 1e6})
    assert mean_at(dear, "selfhost_share", 35, region="global") < late


def test_without_support_value_withdrawing_weights_does_not_win_share():
    """sim.channels: nothing favours a model because its weights were withdrawn, bar support."""
    no_support = {f"developers.segments.{s}.support_value": 0.0
                  for s in SimConfig().developers.segments}
    base = runs("baseline", range(3), **no_support)
    closed = runs("chinese_labs_close", range(3), **no_support)
    effect = [float(values(c, "bloc_share", region="global", bloc="CN").loc[24:].mean()
                    - values(b, "bloc_share", region="global", bloc="CN").loc[24:].mean())
              for b, c in zip(base, closed, strict=True)]
    assert np.mean(effect) < 0


# ------------------------------------------------------------------ the workaround value
WORKAROUND = {"capability.community_max_months": 6.0, "capability.community_compute_share": 0.2}


def _cn_mean(frames, metric: str, months: slice) -> float:
    return float(np.mean([np.mean([values(df, metric, lab=n).loc[months].mean()
                                   for n in CN_LABS]) for df in frames]))


def test_with_the_workaround_tighter_controls_raise_the_value_of_openness():
    """sim.community: the community's addition is worth more to a lab with fewer chips."""
    abroad = {**WORKAROUND, "capability.community_home_share": 0.0}
    base = runs("baseline", range(3), **abroad)
    tight = runs("us_tightens_controls", range(3), **abroad)
    months = slice(6, 35)
    assert _cn_mean(tight, "community_addition_months", months) \
        > _cn_mean(base, "community_addition_months", months)
    assert _cn_mean(tight, "lab_payoff_community", months) \
        > _cn_mean(base, "lab_payoff_community", months)


@pytest.mark.parametrize("settings, sign", [
    # the community works abroad, beyond the controls: controls raise openness's value
    ({**WORKAROUND, "capability.community_home_share": 0.0}, +1),
    # the community is at home, cut off as much as the labs, and money barely counts
    ({**WORKAROUND, "capability.community_home_share": 1.0, "lab_behaviour.money_weight": 0.05},
     -1),
])
def test_named_parameters_decide_the_sign_of_controls_on_chinese_openness(settings, sign):
    """community_home_share and money_weight decide d(CN openness)/d(export controls)."""
    seeds = range(6)
    base = runs("baseline", seeds, **settings)
    tight = runs("us_tightens_controls", seeds, **settings)
    effect = [_cn_mean([t], "lab_expected_openness", slice(4, 35))
              - _cn_mean([b], "lab_expected_openness", slice(4, 35))
              for b, t in zip(base, tight, strict=True)]
    mean, se = np.mean(effect), np.std(effect, ddof=1) / np.sqrt(len(effect))
    assert sign * mean > 2 * se


# ------------------------------------------------------------------ foresight and the payoff terms
def _model(month: int = 6, **overrides) -> MarketModel:
    """A baseline model (biases off) stepped to a month, for evaluating decisions on its state."""
    m = MarketModel(small(seed=5, **BIASES_OFF, **overrides))
    for _ in range(month):
        m.step()
    return m


def _term_gap(m: MarketModel, lab: str, term: str) -> float:
    terms = m.payoff_terms(m.lab_names.index(lab))
    return float(terms[term][0] - terms[term][-1])


def test_foresight_anticipates_rivals_imitating_the_labs_released_weights():
    """sim.foresight: released weights let rivals catch up, which shrinks the lab's lead."""
    m = _model()
    gaps = {}
    for rate in (0.0, 0.5):
        m.cfg = with_overrides(m.cfg, {"capability.imitation_open_per_month": rate})
        gaps[rate] = _term_gap(m, "openai", "money")
    assert gaps[0.5] < gaps[0.0]


def test_foresight_anticipates_premium_erosion_from_rivals_open_releases():
    """sim.foresight: a rival open lab that improves fast erodes a closed API's profit."""
    m = _model()
    i, meta = m.lab_names.index("openai"), m.lab_names.index("meta")
    profits = {}
    for trend in (0.0, 0.3):
        m.trend = m.trend.copy()
        m.trend[meta] = trend
        state = m.decision_state(i)
        profits[trend] = project(state, m.cfg).profit[-1]  # closed posture
    assert profits[0.3] < profits[0.0]


def test_investor_pressure_raises_the_payoff_of_closing():
    """sim.agents.lab.investor_pressure: money weighs more when capex outgrows revenue."""
    m = _model()
    gaps = {}
    for weight in (0.0, 1.0):
        m.cfg = with_overrides(m.cfg, {"lab_behaviour.investor_pressure": weight})
        gaps[weight] = _term_gap(m, "alibaba", "money")
    assert gaps[0.0] < 0  # closing brings Alibaba more money ...
    assert gaps[1.0] < gaps[0.0]  # ... and pressure makes it count for more


def test_home_endorsement_raises_the_political_cost_of_closing():
    """payoff_terms political: closing an open lab costs more under a stronger endorsement."""
    m = _model()
    gaps = {}
    for level in (0.0, 1.0):
        m.cfg = with_overrides(m.cfg, {"governments.CN.open_endorsement": level})
        gaps[level] = _term_gap(m, "deepseek", "political")
    assert gaps[0.0] == 0.0 < gaps[1.0]


def test_no_payoff_term_is_a_constant_across_decisions():
    """Every mechanism's term varies with the state (the bias term is the lab's taste)."""
    df = simulate(small(seed=2, **{"model.horizon_months": 36})).recorder.frame()
    for term in ("money", "community", "reach", "political", "security"):
        gaps = df[df.metric == f"lab_payoff_{term}"].pivot_table(
            index="month", columns="lab", values="value").loc[6:]
        varying = (gaps.nunique() > 2).sum()
        assert varying >= 3, term


# ------------------------------------------------------------------ behaviour the issue names
def test_a_lab_behind_the_frontier_is_more_likely_to_release_openly():
    """Laggards open, leaders closed (Qiu, Laufer, Kleinberg and Heidari 2025)."""
    def openness(lag: float) -> float:
        frames = runs("baseline", range(4), **{"labs.xai.lag_months": lag,
                                               "model.horizon_months": 24})
        return float(np.mean([values(df, "lab_expected_openness", lab="xai").loc[1:].mean()
                              for df in frames]))

    assert openness(15.0) > openness(0.0)


def test_a_free_near_equal_open_model_lowers_closed_labs_revenue_and_compute():
    """'Make winning meaningless': a frontier open model erodes closed revenue, then fleets.

    Meta opens at month 6 against staying closed, paired by seed. The shock is an event, not
    an initial condition: financiers value traction against the lab's traction in the first
    month (``sim.finance.funding``), so a world that starts with a free rival maps its smaller
    starting revenue to the same observed funding. The chain is revenue, then traction and
    funding, then the budget for accelerators.
    """
    closed = ["openai", "anthropic", "xai"]

    def outcome(lag: float, opens: bool) -> tuple[np.ndarray, np.ndarray]:
        events = {"meta_closed": EventConfig(month=0, kind=EventKind.lab_posture,
                                             target="meta", value="closed")}
        if opens:
            events["meta_opens"] = EventConfig(month=6, kind=EventKind.lab_posture,
                                               target="meta", value="open")
        frames = runs("baseline", range(3), events=events,
                      **{"labs.meta.lag_months": lag, "model.horizon_months": 36})
        revenue = np.array([sum(values(df, "lab_revenue_usd_bn", lab=n).loc[12:].sum()
                                for n in closed) for df in frames])
        fleet = np.array([sum(values(df, "lab_compute_h100e", lab=n).loc[35] for n in closed)
                          for df in frames])
        return revenue, fleet

    (rev_closed, fleet_closed), (rev_open, fleet_open) = outcome(0.0, False), outcome(0.0, True)
    assert (rev_open < 0.8 * rev_closed).all()  # measured: about 40% less
    assert (fleet_open < 0.9 * fleet_closed).all()  # measured: about 30% fewer H100e
    # a far-behind open model is no near-equal substitute: it takes less of the fleets
    (_, far_closed), (_, far_open) = outcome(18.0, False), outcome(18.0, True)
    assert (fleet_closed - fleet_open).mean() > (far_closed - far_open).mean()
