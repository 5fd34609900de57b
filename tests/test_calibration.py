"""Calibration targets, the calibrated config and its claims, and the validation report."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from experiments import calibrate
from study.calibration import CALIBRATION_DIR, select_override
from study.validation_report import Validation, render
from study.calibration_targets import (TARGETS, TARGETS_BY_NAME, Target, distance, measure_run,
                                     measure_runs, summarise)
from sim.config import SimConfig
from sim.hydra_conf import load_config
from sim.run import run, with_overrides

FIT = CALIBRATION_DIR / "calibrated.fit.json"


@pytest.fixture(scope="module")
def default_runs():
    return pd.concat([run(SimConfig(), seed=s, model__horizon_months=12,
                          model__n_developers=2000) for s in range(2)])


def test_every_target_is_measured_from_a_2025_run(default_runs):
    values = measure_runs(default_runs)
    assert len(values) == 2
    for t in TARGETS:
        assert np.isfinite(values[t.name]).all(), t.name
    summary = summarise(values)
    assert list(summary.target) == [t.name for t in TARGETS]
    assert summary["pass"].dtype == bool and np.isfinite(distance(summary))


def test_targets_need_the_whole_of_2025():
    short = run(SimConfig(), model__horizon_months=6, model__n_developers=200)
    with pytest.raises(ValueError, match="12"):
        measure_run(short)


def test_deviation_is_one_on_the_band_edge_and_log_for_ratios():
    t = TARGETS_BY_NAME["router_open_share"]
    assert t.deviation(t.hi) == pytest.approx(1.0) and t.deviation(t.lo) == pytest.approx(-1.0)
    assert t.passes(t.value) and not t.passes(t.hi + 0.01)
    r = TARGETS_BY_NAME["closed_open_price_ratio"]
    assert r.log and r.deviation(30.0) == pytest.approx(1.0)
    one_sided = Target("x", "x", 2.0, 1.3, math.inf, "x", "s", lambda df: 0.0, log=True,
                       scale=math.log(2))
    assert one_sided.deviation(4.0) == pytest.approx(1.0) and one_sided.passes(100.0)
    assert TARGETS_BY_NAME["postures"].deviation(float("nan")) == 5.0


def test_calibrated_config_is_selectable_and_sets_its_parameters():
    fit = json.loads(FIT.read_text())
    cfg = load_config("baseline", [select_override("calibrated")])
    default = SimConfig()
    changed = 0
    for p in fit["parameters"].values():
        cal = with_overrides(default, {p["path"]: p["value"]})
        from sim.paths import resolve_path
        assert resolve_path(cfg, p["path"])[2] == pytest.approx(resolve_path(cal, p["path"])[2])
        changed += resolve_path(default, p["path"])[2] != pytest.approx(p["value"])
    assert changed == 0  # the adopted calibration is the default: selecting it changes nothing
    assert cfg.scenario == "baseline"  # a parameter set, not a scenario: effects stay paired
    combo = load_config("us_tightens_controls", [select_override("calibrated")])
    assert combo.events and combo.developers == cfg.developers


def test_calibrated_config_stays_within_tolerance_of_every_pattern_it_claims():
    fit = json.loads(FIT.read_text())
    claims = fit["claims"]
    assert len(claims) >= len(TARGETS) // 2
    base = load_config("baseline", [select_override("calibrated"),
                                    *fit["validation"]["overrides"]])
    tables = [run(with_overrides(base, {"seed": s})) for s in fit["validation"]["seeds"]]
    summary = summarise(measure_runs(pd.concat(tables))).set_index("target")
    failed = {c: (summary.loc[c, "mean"], summary.loc[c, "band"]) for c in claims
              if not summary.loc[c, "pass"]}
    assert not failed, f"calibrated config left the tolerance of claimed patterns: {failed}"


def test_calibrate_writes_a_config_that_hydra_composes(tmp_path):
    cfg_dir = tmp_path / "search" / "calibration"
    argv = ["trials=3", "batch=3", "seeds=1", "validate_seeds=1", "quiet=true", "name=tiny",
            f"config_dir={cfg_dir}", f"out={tmp_path / 'runs'}", "model.n_developers=400",
            "factors=enterprise_support_value,price_sensitivity", "hydra/launcher=basic"]
    result = calibrate.calibrate(argv)
    assert result.config.exists() and result.fit.exists()
    assert result.best_loss <= result.default_loss  # the defaults are the first trial
    assert len(result.trials) == 3
    text = result.config.read_text()
    assert text.startswith("# @package _global_")
    fit = json.loads(result.fit.read_text())
    assert set(fit["parameters"]) == {"enterprise_support_value", "price_sensitivity"}
    cfg = load_config("baseline", [f"hydra.searchpath=[file://{cfg_dir.parent}]",
                                   select_override("tiny")])
    # a factor inside a segment (a dict of dataclasses) reaches the composed config too
    assert cfg.developers.segments["enterprise"].support_value == pytest.approx(
        fit["parameters"]["enterprise_support_value"]["value"])
    assert cfg.developers.price_sensitivity == pytest.approx(
        fit["parameters"]["price_sensitivity"]["value"])


def test_validation_report_lists_every_pattern(default_runs):
    values = measure_runs(default_runs)
    results = [Validation("default", values, summarise(values))]
    textbook = {"logit": {"max_abs_diff": 0.01, "max_abs_z": 2.0, "comparisons": 50},
                "lock_in": {3.0: np.array([0.0, 1.0])}}
    text = render(results, 2, ["model.horizon_months=12"], textbook)
    for t in TARGETS:
        assert t.pattern in text
    assert "| default |" in text and "Arthur 1989" in text
