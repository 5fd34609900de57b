"""study.batch: scenarios x seeds in process, equal to single runs, checked before any run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import study.batch
from sim.hydra_conf import load_config
from sim.run import RUN_COLUMNS
from sim.run import run as run_one
from sim.validate import ConfigError
from study.batch import compare_to_baseline, run_scenarios
from study.compare import SUMMARY_COLUMNS

SMALL = {"model.n_developers": 500, "model.horizon_months": 12}
SCENARIOS = ["baseline", "us_tightens_controls"]


@pytest.fixture(scope="module")
def batch():
    return run_scenarios(SCENARIOS, seeds=[0, 1], overrides=SMALL)


def test_one_table_in_scenario_then_seed_order(batch):
    assert list(batch.columns) == RUN_COLUMNS
    runs = batch[["scenario", "seed"]].drop_duplicates().apply(tuple, axis=1).tolist()
    assert runs == [(s, k) for s in SCENARIOS for k in (0, 1)]


def test_rows_equal_a_single_run_of_the_composed_scenario(batch):
    small = [f"{k}={v}" for k, v in SMALL.items()]
    for scenario in SCENARIOS:
        alone = run_one(load_config(scenario, ["seed=1", *small]))
        mine = batch[(batch.scenario == scenario) & (batch.seed == 1)].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone[RUN_COLUMNS])


def test_hydra_strings_and_keywords_give_the_same_rows(batch):
    strings = run_scenarios(["baseline"], seeds=1, overrides=[f"{k}={v}" for k, v in
                                                              SMALL.items()])
    keywords = run_scenarios(["baseline"], seeds=1, model__n_developers=500,
                             model__horizon_months=12)
    expected = batch[(batch.scenario == "baseline") & (batch.seed == 0)]
    pd.testing.assert_frame_equal(strings, expected.reset_index(drop=True))
    pd.testing.assert_frame_equal(keywords, strings)


def test_two_workers_give_the_same_table(batch):
    parallel = run_scenarios(SCENARIOS, seeds=[0, 1], overrides=SMALL, n_jobs=2)
    pd.testing.assert_frame_equal(parallel, batch)


@pytest.mark.parametrize("scenarios, overrides, key", [
    (["baseline", "no_such_scenario"], SMALL, "scenario"),
    ([["baseline", "no_such_scenario"]], SMALL, "scenario"),
    (SCENARIOS, {**SMALL, "model.no_such_key": 1}, "model.no_such_key"),
    (SCENARIOS, ["model.no_such_key=1"], "model.no_such_key"),
    (SCENARIOS, {**SMALL, "model.horizon_months": -3}, "model.horizon_months"),
])
def test_bad_input_fails_before_any_run(monkeypatch, scenarios, overrides, key):
    calls = []
    monkeypatch.setattr(study.batch, "run", lambda cfg: calls.append(cfg))
    with pytest.raises(ConfigError) as err:
        run_scenarios(scenarios, seeds=3, overrides=overrides)
    assert err.value.key == key
    assert calls == []


def test_comparison_has_the_summary_columns_and_pairs_by_seed(batch):
    summary = compare_to_baseline(batch)
    assert list(summary.columns) == SUMMARY_COLUMNS
    assert sorted(summary.month.unique()) == [11]
    assert set(summary.n_seeds) == {2}
    base = summary[summary.scenario == "baseline"]
    assert base.effect_mean.isna().all()  # as in a sweep's scenario_summary.csv
    # a copy of the baseline under another name: paired seed by seed, every effect is zero
    copy = batch[batch.scenario == "baseline"].assign(scenario="baseline_again")
    again = compare_to_baseline(pd.concat([batch, copy], ignore_index=True))
    again = again[again.scenario == "baseline_again"]
    assert len(again) == len(base)
    for col in ("effect_mean", "effect_lo", "effect_hi"):
        np.testing.assert_array_equal(again[col].to_numpy(), 0.0)
    tightened = summary[summary.scenario == "us_tightens_controls"]
    assert tightened.effect_mean.notna().all()
    assert (tightened.effect_lo <= tightened.effect_hi).all()
