"""Uncertain parameters (declaration, checks, sampling) and the global sensitivity analysis."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from experiments import sensitivity
from experiments.cli import parse_kv
from hydra_plugins.openmarket_samples.samples_sweeper import read_jobs
from sim.config import SimConfig
from study.sensitivity import analyse, design
from study.uncertainty import (OUTCOMES, job_overrides, latin_hypercube, load_space,
                             outcome_table, unit_to_values)
from sim.validate import ConfigError


def write(tmp_path, text: str):
    path = tmp_path / "unc.yaml"
    path.write_text(text)
    return path


def test_default_list_declares_uncertainties_and_levers_with_sources():
    space = load_space("default")
    assert len(space.uncertainties) >= 10 and len(space.levers) >= 5
    paths = {f.path for f in space.uncertainties + space.levers}
    for path in ("developers.network_effect", "capability.community_max_months",
                 "capability.open_spillover_oom_per_month", "chips.domestic_perf_rel_h100",
                 "chips.domestic_supply_growth_per_year", "developers.price_sensitivity",
                 "lab_behaviour.political_cost", "developers.switching_cost",
                 "governments.US.export_controls", "governments.US.bans.CN",
                 "governments.EU.open_subsidy_usd_bn_per_year"):
        assert path in paths
    for f in space.uncertainties + space.levers:
        assert f.source or f.rationale
        if not f.categorical:
            assert f.lo < f.hi
    assert all(f.kind == "lever" for f in space.levers)
    assert [f.name for f in space.factors() if f.control] == ["row_adaptive_threshold"]


@pytest.mark.parametrize("entry, message", [
    ("path: developers.network_efect\n    range: [0, 1]", "network_effect"),
    ("path: developers.network_effect\n    range: [0, 9]", "[0.0, 5.0]"),
    ("path: developers.network_effect\n    range: [1, 0]", "lo < hi"),
    ("path: developers.network_effect\n    range: [0, 1]\n    typo: 3", "keys"),
    ("path: developers\n    range: [0, 1]", "single value"),
    ("path: governments.US.bans.CN\n    values: [none, total]", "government"),
    ("path: developers.affinity.ROW.CN\n    range: [-30, 0]", "-20"),
])
def test_bad_declarations_fail_at_load_naming_what_is_allowed(tmp_path, entry, message):
    path = write(tmp_path, f"uncertainties:\n  x:\n    {entry}\n    source: assumption\n")
    with pytest.raises(ConfigError) as err:
        load_space(path)
    assert message in str(err.value)


def test_missing_source_and_unknown_group_are_errors(tmp_path):
    with pytest.raises(ConfigError, match="source"):
        load_space(write(tmp_path, "levers:\n  x:\n    path: governments.US.export_controls\n"
                                   "    range: [0, 1]\n"))
    with pytest.raises(ConfigError, match="default"):
        load_space("no_such_list")


def test_unit_points_map_to_values_and_overrides():
    space = load_space("default")
    by = space.by_name
    ban, deriv = by["us_ban_cn_models"], by["derivatives_per_month"]
    assert list(ban.from_unit(np.array([0.0, 0.5, 1.0]))) == [ban.values[0], ban.values[1],
                                                              ban.values[2]]
    assert ban.override(ban.values[2]) == "++governments.US.bans.CN=market"
    mid = deriv.from_unit(np.array([0.5]))[0]
    assert mid == pytest.approx(np.sqrt(deriv.lo * deriv.hi), rel=1e-5)  # log-uniform
    factors = space.factors()
    table = unit_to_values(latin_hypercube(8, len(factors), seed=3), factors)
    again = unit_to_values(latin_hypercube(8, len(factors), seed=3), factors)
    pd.testing.assert_frame_equal(table, again)  # seeded
    for f in factors:
        if not f.categorical:
            assert table[f.name].between(f.lo, f.hi).all()
    overrides = job_overrides(table.iloc[0], factors)
    assert len(overrides) == len(factors) and all("=" in o for o in overrides)


def test_outcome_table_reads_the_final_month():
    from sim.run import run
    df = run(SimConfig(), model__n_developers=300, model__horizon_months=6)
    out = outcome_table(df)
    assert len(out) == 1 and set(OUTCOMES) <= set(out.columns)
    last = df[(df.month == 5) & (df.metric == "open_share") & (df.region == "global")]
    assert out.open_share.iloc[0] == pytest.approx(last.value.iloc[0])


def test_command_line_keys_and_hydra_overrides_are_separated():
    opts, overrides = parse_kv(
        ["method=morris", "n=8", "levers=true", "model.n_developers=100", "scenario=baseline",
         "hydra/launcher=basic"], sensitivity.DEFAULTS)
    assert opts["method"] == "morris" and opts["n"] == 8 and opts["levers"] is True
    assert overrides == ["model.n_developers=100", "scenario=baseline", "hydra/launcher=basic"]
    with pytest.raises(ConfigError, match="method"):
        parse_kv(["methd=sobol"], sensitivity.DEFAULTS)
    with pytest.raises(ConfigError, match="int"):
        parse_kv(["n=many"], sensitivity.DEFAULTS)


def test_jobs_file_is_checked(tmp_path):
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps({"jobs": [{"name": "a", "overrides": ["seed=1"]},
                                         {"name": "a", "overrides": []}]}))
    with pytest.raises(Exception, match="unique"):
        read_jobs(path)
    path.write_text(json.dumps({"jobs": [{"name": "a", "overrides": ["seed=1"]}]}))
    assert read_jobs(path) == [("a", ["seed=1"])]


def test_morris_analysis_finds_the_only_active_input():
    space = load_space("default")
    factors = space.factors(names=["network_effect", "price_sensitivity", "row_adaptive_threshold"])
    unit = design("morris", factors, 10, seed=1)
    y = 3.0 * unit[:, 0] + np.sin(3 * unit[:, 1])
    outcomes = pd.DataFrame({"sample": np.arange(len(y)), "replicate": 0, "open_share": y})
    idx = analyse("morris", unit, factors, outcomes, ["open_share"], seed=1)
    mu = idx[idx["index"] == "mu_star"].set_index("factor")["value"]
    assert mu["network_effect"] == pytest.approx(3.0)
    assert mu["row_adaptive_threshold"] == 0.0 and mu["price_sensitivity"] > 0.5


def test_sobol_on_a_tiny_run_gives_well_formed_indices_and_zero_for_an_ignored_parameter(
        tmp_path, capsys):
    argv = ["method=sobol", "n=4", "replicates=2", "quiet=true", f"out={tmp_path}",
            "factors=network_effect,price_sensitivity,row_adaptive_threshold",
            "outcomes=open_share,row_cn_share", "model.n_developers=500",
            "model.horizon_months=24", "hydra.launcher.n_jobs=2"]
    result = sensitivity.sensitivity(argv)
    # 4 x (3 + 2) Saltelli samples, 2 seeds each, all run through experiments.run
    assert len(result.outcomes) == 40
    assert len(list(result.out_dir.glob("s*/seed=*/results.parquet"))) == 40  # 20 jobs
    idx = result.indices
    assert set(idx.outcome) == {"open_share", "row_cn_share"}
    assert set(idx["index"]) == {"S1", "ST"}
    assert len(idx) == 2 * 3 * 2
    assert np.isfinite(idx.value).all() and (idx.conf >= 0).all()
    # the rest of the world runs no adaptive controls: the outcomes provably ignore the
    # threshold of a rule that never runs
    control = idx[idx.factor == "row_adaptive_threshold"]
    assert (control.value.abs() < 1e-9).all()
    st = idx[(idx["index"] == "ST") & (idx.factor == "price_sensitivity")].value
    assert (st > 0.05).all()
    noise = result.noise.set_index("outcome")
    assert noise.noise_share.between(0, 1).all()
    assert result.figure.exists() and result.figure.stat().st_size > 5000
    assert (result.out_dir / "indices.csv").exists()
    assert "seed noise" in sensitivity.report(result)
    # n=4 is far too small: the command says so, per outcome, and suggests a larger n
    warnings = [line for line in capsys.readouterr().err.splitlines() if "not converged" in line]
    assert warnings and all("use a larger n (e.g. n=16)" in line for line in warnings)


def test_effect_of_a_scenario_is_analysed_as_paired_differences(tmp_path):
    """effect_of: each sample runs with and without the scenario on the same seeds."""
    argv = ["method=morris", "n=2", "replicates=1", "quiet=true", f"out={tmp_path}",
            "factors=price_sensitivity,row_adaptive_threshold", "outcomes=cn_share,us_china_gap",
            "model.n_developers=300", "model.horizon_months=12", "hydra.launcher.n_jobs=2"]
    tight = sensitivity.sensitivity([*argv, "effect_of=us_tightens_controls", "name=tight"])
    assert len(tight.outcomes) == 2 * 3  # n x (factors + 1) samples, one seed each
    assert (tmp_path / "tight" / "base").is_dir()
    assert (tmp_path / "tight" / "us_tightens_controls").is_dir()
    # controls from month 3 widen the gap in every sample: the effect is the paired difference
    assert (tight.outcomes.us_china_gap > 0).all()
    # a scenario against itself has no effect at all (common random numbers)
    same = sensitivity.sensitivity([*argv, "effect_of=baseline", "name=same"])
    assert (same.outcomes[["cn_share", "us_china_gap"]] == 0).all().all()
