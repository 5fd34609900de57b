"""One baseline: the calibrated values are the model's defaults everywhere."""

from __future__ import annotations

import pytest

from sim import calibrated
from sim.config import DeveloperConfig, SimConfig
from sim.hydra_conf import load_config
from sim.paths import resolve_path
from sim.run import config_dict


def test_the_calibrated_values_are_the_defaults():
    assert calibrated.VALUES, "sim/calibrated.py holds no calibration"
    cfg = SimConfig()
    for path, value in calibrated.VALUES.items():
        assert resolve_path(cfg, path)[2] == pytest.approx(value), path


def test_the_command_line_python_and_scenarios_share_the_baseline():
    assert config_dict(load_config("baseline")) == config_dict(SimConfig())
    # a scenario changes its own keys only, on top of the calibrated values
    cfg = load_config("us_tightens_controls")
    for path, value in calibrated.VALUES.items():
        assert resolve_path(cfg, path)[2] == pytest.approx(value), path


def test_values_given_are_never_replaced_by_calibrated_ones():
    path = next(p for p in calibrated.VALUES
                if p.startswith("developers.") and p.count(".") == 1)
    field = path.split(".", 1)[1]
    given = SimConfig(developers=DeveloperConfig(**{field: 0.123}))
    assert getattr(given.developers, field) == 0.123
    assert resolve_path(load_config("baseline", [f"{path}=0.123"]), path)[2] == 0.123


def test_calibration_prior_runs_the_model_before_the_fit():
    prior = load_config("baseline", ["calibration=prior"])
    for path, value in calibrated.PRIORS.items():
        assert resolve_path(prior, path)[2] == pytest.approx(value), path
    assert any(calibrated.PRIORS[p] != pytest.approx(v) for p, v in calibrated.VALUES.items())


def test_sim_calibrated_is_current_with_its_fit():
    from experiments.adopt_calibration import main
    assert main(["--check"]) == 0, "run: python -m experiments.adopt_calibration"
