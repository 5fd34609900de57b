"""Scenario discovery: PRIM boxes over uncertainties and policy levers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments import discover
from experiments.cli import folder_name, parse_kv
from study.discovery import find_boxes
from study.uncertainty import latin_hypercube, load_space, numeric_inputs, unit_to_values
from sim.validate import ConfigError


@pytest.fixture(scope="module")
def design():
    space = load_space("default")
    factors = space.factors(controls=False)
    samples = unit_to_values(latin_hypercube(1000, len(factors), seed=2), factors)
    return factors, numeric_inputs(samples, factors)


def test_prim_recovers_a_planted_box_of_policy_and_assumption(design):
    factors, x = design
    rng = np.random.default_rng(0)
    planted = (x.us_export_controls > 0.6) & (x.row_trust_cn < -0.5) \
        & (x.us_ban_cn_models == "market")
    y = planted.to_numpy() | (rng.random(len(x)) < 0.02)
    kinds = {f.name: f.kind for f in factors}
    bounds = {f.name: (f.lo, f.hi) for f in factors if not f.categorical}
    boxes = find_boxes(x, y, kinds, max_boxes=2, bounds=bounds)
    assert boxes
    box = boxes[0]
    restricted = set(box.limits.factor)
    assert {"us_export_controls", "row_trust_cn", "us_ban_cn_models"} <= restricted
    assert box.density > 0.6 and box.coverage > 0.5 and box.test_density > 0.6
    lim = box.limits.set_index("factor")
    assert lim.loc["us_export_controls", "lower"] == pytest.approx(0.6, abs=0.1)
    assert lim.loc["us_export_controls", "upper"] == 1.0  # unpeeled side: the declared bound
    assert lim.loc["us_ban_cn_models", "values"] == "market"
    assert set(lim.kind) <= {"lever", "uncertainty"}
    text = box.describe({f.name: f for f in factors})
    assert "policy:" in text and "assumptions:" in text and "us_export_controls >=" in text


def test_covering_recovers_two_known_boxes_one_after_the_other():
    # the outcome happens in 90% of the runs with a > 0.6 and b > 0.6, or with c < 0.2, and
    # in 3% elsewhere: PRIM's covering finds one box, then the other outside it
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.random((1000, 6)), columns=list("abcdef"))
    region = ((x.a > 0.6) & (x.b > 0.6)) | (x.c < 0.2)
    y = (region.to_numpy() & (rng.random(1000) < 0.9)) | (rng.random(1000) < 0.03)
    boxes = find_boxes(x, y, dict.fromkeys(x, "uncertainty"),
                       bounds=dict.fromkeys(x, (0.0, 1.0)))
    found = {frozenset(b.limits.factor): b.limits.set_index("factor") for b in boxes}
    assert set(found) == {frozenset("ab"), frozenset("c")}
    ab, c = found[frozenset("ab")], found[frozenset("c")]
    assert list(ab.lower) == pytest.approx([0.6, 0.6], abs=0.05)
    assert list(ab.upper) == [1.0, 1.0]  # sides not peeled, or peeled by chance: open
    assert (c.loc["c", "lower"], c.loc["c", "upper"]) == (0.0, pytest.approx(0.2, abs=0.03))
    assert all(b.density > 0.8 and b.test_density > 0.8 for b in boxes)
    assert sum(b.coverage for b in boxes) > 0.85  # each run counted in one box only
    assert [b.index for b in boxes] == [1, 2]


def test_no_box_when_the_outcome_is_pure_noise(design):
    # PRIM always finds some box in sample; the held-out check must reject it
    factors, x = design
    kinds = {f.name: f.kind for f in factors}
    for seed in range(3):
        y = np.random.default_rng(100 + seed).random(len(x)) < 0.3
        assert find_boxes(x, y, kinds) == []
    assert find_boxes(x, np.zeros(len(x), bool), {}) == []


def test_arguments_are_checked():
    with pytest.raises(ConfigError, match="outcome"):
        discover.discover(["threshold=0.5"])
    with pytest.raises(ConfigError, match="row_cn_share"):
        discover.discover(["outcome=nope", "threshold=0.5"])
    with pytest.raises(ConfigError, match="threshold"):
        discover.discover(["outcome=row_cn_share"])


def test_discovery_runs_through_the_sweep_machinery(tmp_path):
    argv = ["outcome=row_cn_share", "threshold=0.2", "n=12", "quiet=true", f"out={tmp_path}",
            "factors=row_trust_cn,us_ban_cn_models,network_effect", "model.n_developers=400",
            "model.horizon_months=12", "hydra/launcher=basic"]
    result = discover.discover(argv)
    assert result.n_runs == 12
    outcomes = pd.read_csv(result.out_dir / "outcomes.csv")
    assert len(outcomes) == 12 and outcomes.row_cn_share.between(0, 1).all()
    assert (result.out_dir / "boxes_row_cn_share_gt0.2.csv").exists()
    assert "sampled worlds" in result.describe()


def test_questions_about_one_design_share_its_runs():
    base = ["n=50", "model.n_developers=400"]
    _, ov = parse_kv(base, discover.DEFAULTS)
    names = set()
    for question in (["outcome=row_cn_share", "threshold=0.5"],
                     ["outcome=us_china_gap", "threshold=12", "direction=>"]):
        opts, _ = parse_kv(base + question, discover.DEFAULTS)
        design = {k: v for k, v in opts.items() if k in discover.DESIGN_KEYS}
        names.add(folder_name("lhs", design, ov))
    assert len(names) == 1
