"""Layer 3: seeded behavioural tests — mechanisms move outcomes in the documented direction."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim import run, simulate
from sim.config import EventConfig, SimConfig
from sim.enums import BLOCS, Bloc, EventKind, Posture
from sim.hydra_conf import load_config
from tests.conftest import small
from tests.helpers import final, values

SEEDS = range(4)


CN_LABS = ["deepseek", "alibaba", "baidu", "tencent", "moonshot", "minimax", "zhipu"]


def _cn_compute(df) -> float:
    sel = df[(df.metric == "lab_compute_h100e") & df.lab.isin(CN_LABS)]
    return float(sel.groupby("month").value.sum().iloc[-1])


def test_tighter_controls_cut_chinese_compute_and_widen_the_gap():
    for seed in SEEDS:
        loose = run(small(seed=seed, governments__US__export_controls=0.3))
        tight = run(small(seed=seed, governments__US__export_controls=1.0,
                          governments__US__control_leakage=0.0))
        assert _cn_compute(tight) < 0.8 * _cn_compute(loose)
        assert final(tight, "us_china_gap_months") > final(loose, "us_china_gap_months") + 1.0
        assert final(tight, "chip_access", bloc="CN") < final(loose, "chip_access", bloc="CN")


def test_us_ban_removes_chinese_models_within_a_month():
    cfg = small(load_config("us_bans_chinese_models"), model__horizon_months=20)
    model = simulate_until(cfg, 2)
    cn = np.flatnonzero(model.menu.bloc == BLOCS.index(Bloc.CN))
    dev = model.developers
    us_public = (dev.region == 0) & dev.public
    assert us_public.any()
    assert not np.isin(dev.choice[us_public], cn).any()  # device ban: month 2
    assert np.isin(dev.choice[(dev.region == 0) & ~dev.public], cn).any()  # others still may
    for _ in range(10):
        model.step()
    assert model.month == 12
    assert not np.isin(dev.choice[dev.region == 0], cn).any()  # market ban: month 12
    df = run(cfg)
    us_cn = values(df, "bloc_share", region="US", bloc="CN")
    assert us_cn.loc[11] > 0 and (us_cn.loc[12:] == 0).all()


def simulate_until(cfg, month):
    from sim.model import MarketModel
    model = MarketModel(cfg)
    while model.month < month:
        model.step()
    return model


def _hhi(df) -> float:
    shares = df[(df.metric == "lab_developer_share") & (df.month == df.month.max())].value
    return float((shares**2).sum())


def test_stronger_network_effects_concentrate_the_market():
    weak, strong = [], []
    for seed in range(6):
        kw = dict(seed=seed, model__horizon_months=48, developers__reconsider_per_month=0.3,
                  developers__switching_cost=0.0)
        weak.append(run(small(developers__network_effect=0.0, **kw)))
        strong.append(run(small(developers__network_effect=2.5, **kw)))
    assert np.mean([_hhi(d) for d in strong]) > 1.5 * np.mean([_hhi(d) for d in weak])


def test_strong_network_effects_make_the_winner_between_equals_a_matter_of_history():
    """Path dependence (Arthur 1989): two identical labs split the market under weak network
    effects; under strong ones one of them takes it, and which one the seed's history decides.

    Twins isolate the mechanism: in the full roster the labs differ so much that strong
    network effects hand the market to the same favourite in every seed, and the spread
    across seeds comes from posture draws instead (measured: 0.07 with network effects off).
    """
    twin = SimConfig().labs["meta"]
    labs = {"meta": twin, "meta_twin": replace(twin)}
    locked = {f"lock_{n}": EventConfig(month=0, kind=EventKind.lab_posture, target=n,
                                       value="open") for n in labs}

    def shares(network_effect: float) -> np.ndarray:
        out = []
        for seed in range(8):
            cfg = small(seed=seed, model__horizon_months=48, developers__switching_cost=0.0,
                        developers__reconsider_per_month=0.3,
                        developers__network_effect=network_effect)
            out.append(final(run(replace(cfg, labs=labs, events=locked)),
                             "lab_developer_share", lab="meta"))
        return np.array(out)

    weak, strong = shares(0.0), shares(2.5)
    assert np.abs(weak - 0.5).max() < 0.1  # measured: 0.48-0.51
    assert (np.minimum(strong, 1 - strong) < 0.1).all()  # one twin takes the market ...
    assert (strong > 0.5).any() and (strong < 0.5).any()  # ... and not always the same one



def test_open_parity_lowers_the_closed_premium():
    for seed in SEEDS:
        base = small(seed=seed, model__horizon_months=18)
        parity = replace(base, events={"frontier_open": EventConfig(
            month=1, kind=EventKind.lab_posture, target="openai", value="open")})
        premium = lambda df: values(df, "closed_price_premium").loc[2:12].mean()  # noqa: E731
        assert premium(run(parity)) < 0.7 * premium(run(base))


def test_endorsement_lowers_the_chance_that_labs_close():
    def closings(endorsement: float, seed: int) -> int:
        cfg = small(seed=seed, model__horizon_months=48, lab_behaviour__temperature=0.4,
                    governments__CN__open_endorsement=endorsement)
        model = simulate(cfg)
        df = model.recorder.frame()
        cn = [lab.name for lab in model.labs if lab.params.bloc is Bloc.CN]
        o = df[(df.metric == "lab_openness") & df.lab.isin(cn)].pivot(
            index="month", columns="lab", values="value")
        return int((o.diff() < 0).to_numpy().sum())
    seeds = range(8)
    free = np.array([closings(0.0, s) for s in seeds])
    endorsed = np.array([closings(1.0, s) for s in seeds])
    # the political term is scaled by each lab's prominence at home, so the many small CN
    # labs feel it less: about a fifth fewer closings (measured 93 against 121)
    assert endorsed.sum() < 0.85 * free.sum()
    assert (endorsed < free).sum() >= 6  # seed by seed (common random numbers)


def test_lab_posture_event_fixes_the_posture():
    cfg = small(load_config("alibaba_closes"), model__horizon_months=36)
    model = simulate(cfg)
    assert model.lab_by_name["alibaba"].posture is Posture.closed
    df = model.recorder.frame()
    ali = values(df, "lab_openness", lab="alibaba")
    assert (ali.loc[18:] == 0).all()
