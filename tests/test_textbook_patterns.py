"""Textbook patterns that show the adoption mechanics are right."""

from __future__ import annotations

import numpy as np

from study.validation_report import lock_in_shares, logit_check


def test_without_dynamics_shares_match_closed_form_logit_shares():
    check = logit_check(seed=1, n_developers=40_000, horizon=12)
    assert check["comparisons"] >= 150
    # every product in every region and segment within sampling error of the logit share
    # (the smallest rows, public-sector developers of a region, hold ~500 developers)
    assert check["max_abs_z"] < 4.5
    assert check["max_abs_diff"] < 0.07


def test_strong_increasing_returns_lock_in_to_either_lab():
    shares = lock_in_shares(3.0, seeds=range(16))
    # bimodal: almost every seed tips to one lab, and seeds tip both ways
    assert np.mean((shares > 0.2) & (shares < 0.8)) <= 0.15
    assert (shares >= 0.8).sum() >= 3 and (shares <= 0.2).sum() >= 3


def test_without_network_effects_identical_labs_split_the_market():
    shares = lock_in_shares(0.0, seeds=range(6))
    assert np.all(np.abs(shares - 0.5) < 0.1)
