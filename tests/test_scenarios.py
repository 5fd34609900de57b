"""Every scenario runs; the headline scenarios move outcomes as documented (paired by seed)."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.sweep.preflight import _options
from sim import run
from sim.hydra_conf import load_config
from sim.run import with_overrides
from tests.helpers import final, values

SCENARIOS = _options("scenario")
SEEDS = range(6)


def small(cfg, **kw):
    return with_overrides(cfg, {"model.n_developers": 3000, **kw})


def test_scenario_library_is_complete():
    assert {"baseline", "alibaba_closes", "chinese_labs_close", "china_locks_in_open",
            "us_tightens_controls", "us_loosens_controls", "adaptive_controls",
            "us_bans_chinese_models", "us_open_weight_push", "eu_open_investment",
            "domestic_chip_breakthrough", "talent_restrictions"} <= set(SCENARIOS)


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_runs_and_documents_itself(name):
    text = (load_config.__globals__["CONFIG_DIR"] / "scenario" / f"{name}.yaml").read_text()
    assert "Source:" in text and "Run: python -m experiments.run scenario=" in text
    cfg = load_config(name)
    assert cfg.scenario == name
    df = run(small(cfg, **{"model.horizon_months": 36}))
    assert np.isfinite(df.value).all()


def paired(name, metric, start=None, **dims):
    diffs = []
    for seed in SEEDS:
        base = values(run(small(load_config("baseline"), seed=seed)), metric, **dims)
        scen = values(run(small(load_config(name), seed=seed)), metric, **dims)
        sl = slice(start, None)
        diffs.append(float(scen.loc[sl].mean() - base.loc[sl].mean()))
    return np.array(diffs)


def test_alibaba_closing_lowers_global_share_on_chinese_open_models():
    d = paired("alibaba_closes", "open_bloc_share", start=24, region="global", bloc="CN")
    assert d.mean() < -0.02 and (d < 0).mean() >= 0.8


def test_us_tightening_widens_the_us_china_gap():
    d = paired("us_tightens_controls", "us_china_gap_months", start=24)
    assert d.mean() > 0.3 and (d > 0).all()


def test_us_ban_sends_us_share_of_chinese_models_to_zero():
    for seed in SEEDS[:3]:
        df = run(small(load_config("us_bans_chinese_models"), seed=seed))
        share = values(df, "bloc_share", region="US", bloc="CN")
        assert share.loc[11] > 0 and (share.loc[12:] == 0).all()
        assert final(df, "bloc_share", region="ROW", bloc="CN") > 0


def test_scenarios_compose():
    cfg = load_config(["alibaba_closes", "us_tightens_controls"])
    df = run(small(cfg, **{"model.horizon_months": 30}))
    assert (values(df, "lab_openness", lab="alibaba").loc[18:] == 0).all()
    assert values(df, "export_controls", region="US").loc[3] == pytest.approx(0.95)
