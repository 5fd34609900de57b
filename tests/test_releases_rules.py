"""Layer 1: releases, access channels, the community's addition and share adjustment, as plain
functions checked against hand-computed values and invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sim.agents.developer import logit_shares
from sim.channels import Tastes, channel_utilities
from sim.community import community_addition, community_compute
from sim.config import MarketConfig
from sim.enums import Posture
from sim.foresight import adjust_shares
from sim.releases import API, KINDS, OPEN, SLOTS, SMALL, Releases, best_open_release, \
    initial_releases, kinds_released, no_releases, release, release_each


# ----------------------------------------------------------------------------- releases
def test_three_kinds_per_lab():
    assert KINDS == ("api", "open", "small") and SLOTS == 3
    assert (API, OPEN, SMALL) == (0, 1, 2)


def test_kinds_released_by_posture():
    # an open lab has no API; a hybrid keeps its flagship closed and opens a small model
    assert kinds_released(Posture.open) == (False, True, True)
    assert kinds_released(Posture.hybrid) == (True, False, True)
    assert kinds_released(Posture.closed) == (True, False, False)


def test_initial_releases_follow_the_postures():
    rel = initial_releases([Posture.open, Posture.hybrid, Posture.closed],
                           np.array([26.0, 25.5, 25.0]), small_gap_oom=0.6)
    assert rel.exists.tolist() == [[False, True, True], [True, False, True],
                                   [True, False, False]]
    assert rel.capability[0, OPEN] == 26.0 and rel.capability[0, SMALL] == pytest.approx(25.4)
    assert rel.capability[1, API] == 25.5 and rel.capability[1, SMALL] == pytest.approx(24.9)
    assert rel.capability[2, API] == 25.0
    assert np.isneginf(rel.capability[2, OPEN])  # never released
    assert rel.month[rel.exists].tolist() == [0] * 5
    assert (rel.month[~rel.exists] == -1).all()
    # product p belongs to lab p // SLOTS and is of kind p % SLOTS
    assert rel.is_open.tolist() == [False, True, True] * 3
    assert rel.flat(rel.exists).tolist() == [False, True, True, True, False, True,
                                             True, False, False]


def test_closing_keeps_the_released_weights_and_opening_withdraws_the_api():
    rel = initial_releases([Posture.open], np.array([26.0]), small_gap_oom=0.5)
    closed = release(rel, 0, Posture.closed, 26.8, 6, small_gap_oom=0.5)
    # the API appears at today's capability; the open weights stay as released at month 0
    assert closed.exists.tolist() == [[True, True, True]]
    assert closed.capability[0].tolist() == pytest.approx([26.8, 26.0, 25.5])
    assert closed.month[0].tolist() == [6, 0, 0]
    assert closed.age_months(12).tolist() == [6.0, 12.0, 12.0]
    assert rel.exists.tolist() == [[False, True, True]]  # the input is not mutated
    # going open again withdraws the API and renews both open kinds
    reopened = release(closed, 0, Posture.open, 27.0, 12, small_gap_oom=0.5)
    assert reopened.exists.tolist() == [[False, True, True]]
    assert reopened.capability[0, 1:].tolist() == pytest.approx([27.0, 26.5])
    assert reopened.month[0, 1:].tolist() == [12, 12]
    # a hybrid renews its API and its small model; its old open flagship stays
    hybrid = release(reopened, 0, Posture.hybrid, 27.5, 18, small_gap_oom=0.5)
    assert hybrid.exists.tolist() == [[True, True, True]]
    assert hybrid.capability[0].tolist() == pytest.approx([27.5, 27.0, 27.0])
    assert hybrid.month[0].tolist() == [18, 12, 18]


def test_releasing_touches_only_the_releasing_lab():
    rel = initial_releases([Posture.closed, Posture.open], np.array([26.0, 25.0]), 0.5)
    after = release(rel, 1, Posture.closed, 25.5, 3, 0.5)
    assert after.exists[0].tolist() == rel.exists[0].tolist()
    assert after.capability[0].tolist() == rel.capability[0].tolist()
    assert after.exists[1].tolist() == [True, True, True]


def test_best_open_release_adds_the_community_and_ignores_closed_models():
    rel = Releases(exists=np.array([[True, True, True], [True, False, False],
                                    [False, False, True]]),
                   capability=np.array([[27.0, 26.0, 25.5], [28.0, 26.9, -np.inf],
                                        [-np.inf, -np.inf, 24.0]]),
                   month=np.zeros((3, 3), dtype=np.int64))
    best = best_open_release(rel, np.array([0.2, 0.3, 0.1]))
    # lab 0: its open flagship 26.0 (not its API at 27); lab 1: nothing open on offer (its
    # open slot's capability is stale); lab 2: its small model
    assert best[0] == pytest.approx(26.2) and np.isneginf(best[1])
    assert best[2] == pytest.approx(24.1)


def test_release_each_is_release_for_every_market_of_a_batch():
    start = release(no_releases(2), 0, Posture.hybrid, 25.0, 0, 0.5)
    batch = Releases(*(np.stack([a] * 3) for a in (start.exists, start.capability,
                                                   start.month)))
    postures = [Posture.open, Posture.hybrid, Posture.closed]
    out = release_each(batch, 0, postures, np.array([26.0, 26.5, 27.0]), 4, 0.5)
    assert out.exists.shape == (3, 2, SLOTS)
    assert out.flat(out.exists).shape == (3, 2 * SLOTS)
    for k, (posture, cap) in enumerate(zip(postures, (26.0, 26.5, 27.0), strict=True)):
        one = release(start, 0, posture, cap, 4, 0.5)
        np.testing.assert_array_equal(out.exists[k], one.exists)
        np.testing.assert_array_equal(out.capability[k], one.capability)
        np.testing.assert_array_equal(out.month[k], one.month)


# ----------------------------------------------------------------------------- channels
MK = MarketConfig(host_margin=0.3, hosted_support=0.3, hosted_customisation=0.5,
                  api_customisation=0.2, selfhost_cost_ratio=1.0)


def tastes(volume, support=0.0, customisation=0.0, data_control=0.0, theta=0.0, alpha=1.0):
    n = len(volume)
    full = lambda x: np.broadcast_to(np.asarray(x, float), (n,)).copy()  # noqa: E731
    return Tastes(alpha=full(alpha), theta=full(theta), volume_mtok=np.asarray(volume, float),
                  support=full(support), customisation=full(customisation),
                  data_control=full(data_control))


def two_products():
    """A closed API at 3 USD/Mtok and open weights hosted at 1.3 (cost 1 each)."""
    return np.log(np.array([3.0, 1.3])), np.array([1.0, 1.0]), np.array([False, True])


def test_a_heavy_user_self_hosts_and_a_light_one_does_not():
    log_price, cost, is_open = two_products()
    u, own = channel_utilities(np.zeros(2), log_price, cost, is_open, tastes([1e6, 1.0]), MK,
                               selfhost_fixed_usd=1e4)
    # self-hosting costs 1 + 1e4 / volume per Mtok: 1.01 for the heavy user, 10001 for the light
    assert own.tolist() == [[False, True], [False, False]]
    assert u[0, 1] == pytest.approx(-math.log(1.01))
    assert u[1, 1] == pytest.approx(-math.log(1.3))
    assert u[:, 0] == pytest.approx([-math.log(3.0)] * 2)


def test_customisation_and_data_control_favour_self_hosting():
    log_price, cost, is_open = two_products()
    # 1 + 1e4 / 1e3 = 11 USD/Mtok in house against 1.3 hosted: ln(11 / 1.3) = 2.14 of utility
    plain = channel_utilities(np.zeros(2), log_price, cost, is_open, tastes([1e3]), MK, 1e4)
    keen = channel_utilities(np.zeros(2), log_price, cost, is_open,
                             tastes([1e3], customisation=1.0, data_control=2.0), MK, 1e4)
    assert not plain[1][0, 1] and keen[1][0, 1]
    # in house: -ln 11 + 1 + 2; hosted would be -ln 1.3 + 0.5
    assert keen[0][0, 1] == pytest.approx(-math.log(11.0) + 3.0)
    assert keen[0][0, 0] == pytest.approx(-math.log(3.0) + 0.2)  # the API's fine-tuning


def test_a_segment_that_values_support_prefers_the_closed_api():
    log_price, cost, is_open = two_products()
    u, _ = channel_utilities(np.zeros(2), log_price, cost, is_open,
                             tastes([1.0, 1.0], support=[3.0, 0.0]), MK, 1e4)
    # support 3: API -ln 3 + 3 against hosted -ln 1.3 + 0.3 * 3; without it, the open model
    assert u[0] == pytest.approx([-math.log(3.0) + 3.0, -math.log(1.3) + 0.9])
    assert u[0, 0] > u[0, 1] and u[1, 0] < u[1, 1]


def test_open_taste_applies_to_open_products_only_and_batches_broadcast():
    log_price, cost, is_open = two_products()
    base, _ = channel_utilities(np.zeros(2), log_price, cost, is_open, tastes([1.0]), MK, 1e4)
    fan, _ = channel_utilities(np.zeros(2), log_price, cost, is_open, tastes([1.0], theta=0.7),
                               MK, 1e4)
    assert (fan - base)[0] == pytest.approx([0.0, 0.7])
    batch, own = channel_utilities(np.zeros(2), np.stack([log_price, log_price + 1.0]),
                                   np.stack([cost, cost]), is_open, tastes([1.0, 1e6]), MK, 1e4)
    assert batch.shape == own.shape == (2, 2, 2)
    assert batch[1, 0, 0] == pytest.approx(batch[0, 0, 0] - 1.0)  # alpha 1 per log price


# ----------------------------------------------------------------------------- community
def test_community_compute_is_a_share_of_the_accelerators_outside_the_labs():
    fleets = np.array([2e5, 3e5])
    free = community_compute(1e6, fleets, 0.1, home_share=0.5, access=np.ones(2))
    assert free == pytest.approx([5e4, 5e4])
    # controls cut the home half of a controlled lab's community to its bloc's access share
    cut = community_compute(1e6, fleets, 0.1, home_share=0.5, access=np.array([1.0, 0.2]))
    assert cut == pytest.approx([5e4, 5e4 * (0.5 + 0.5 * 0.2)])
    abroad = community_compute(1e6, fleets, 0.1, home_share=0.0, access=np.array([1.0, 0.0]))
    assert abroad == pytest.approx([5e4, 5e4])  # a community abroad is beyond their reach
    assert community_compute(1e5, np.array([2e5]), 0.1, 0.5, np.ones(1)) == pytest.approx([0.0])


def test_community_addition_hand_computed():
    add = community_addition(np.array([0.1, 0.0, 0.1]), 1e5, np.array([1e4, 1e4, 1e5]), 0.3)
    # ratio 1e5 * 0.1 / 1e4 = 1 -> half the most it can add; no users -> 0; ten times the
    # compute -> ratio 0.1 -> 0.1 / 1.1 of the most
    assert add == pytest.approx([0.15, 0.0, 0.3 * 0.1 / 1.1])
    # it never exceeds the most the community can add, however large the community
    assert community_addition(np.array([1.0]), 1e12, np.array([1.0]), 0.3)[0] <= 0.3


@settings(max_examples=80, deadline=None)
@given(users=st.floats(1e-4, 1.0), community=st.floats(1.0, 1e9), training=st.floats(1.0, 1e8),
       factor=st.floats(1.5, 100.0), efficiency=st.floats(0.01, 3.0))
def test_more_community_or_less_own_compute_adds_more(users, community, training, factor,
                                                     efficiency):
    def add(u=users, c=community, t=training):
        return float(community_addition(np.array([u]), c, np.array([t]), efficiency)[0])
    base = add()
    assert base > 0
    assert add(c=community * factor) > base
    assert add(u=min(users * factor, 1.0)) >= base
    assert add(t=training / factor) >= base  # (training is floored at 1 H100e)
    assert add(t=training * factor) < base
    assert add(u=0.0) == 0.0


# ----------------------------------------------------------------------------- shares
@settings(max_examples=100, deadline=None)
@given(data=st.data(), rows=st.integers(1, 4), products=st.integers(1, 6),
       moving=st.floats(0.0, 1.0))
def test_adjust_shares_invariants(data, rows, products, moving):
    raw = data.draw(hnp.arrays(float, (rows, products), elements=st.floats(0.0, 1.0)))
    scale = data.draw(st.floats(0.0, 1.0))
    total = raw.sum(axis=1, keepdims=True)
    previous = np.divide(raw, total, out=np.zeros_like(raw), where=total > 0) * scale
    available = data.draw(hnp.arrays(bool, (rows, products)))
    v = data.draw(hnp.arrays(float, (rows, products), elements=st.floats(-5.0, 5.0)))
    target = logit_shares(v, available)
    s = adjust_shares(previous, target, available, moving)
    assert (s >= -1e-12).all()
    assert (s.sum(axis=1) <= 1.0 + 1e-9).all()
    # withdrawn products lose their demand at once, whoever moved
    assert (s[~available] == 0.0).all()
    # rows with something on offer are fully served
    served = available.any(axis=1)
    assert s[served].sum(axis=1) == pytest.approx(np.ones(served.sum()))
    # with everything still on offer and nobody moving, shares are kept (newcomers aside)
    if np.allclose(previous.sum(axis=1), 1.0) and available.all():
        assert adjust_shares(previous, target, available, 0.0) == pytest.approx(previous)
    assert adjust_shares(previous, target, available, 1.0) == pytest.approx(target)


def test_adjust_shares_hand_computed():
    previous = np.array([[0.5, 0.3, 0.2]])
    target = np.array([[0.0, 0.25, 0.75]])
    available = np.array([[False, True, True]])
    s = adjust_shares(previous, target, available, 0.1)
    # stay: 0.9 * (0, 0.3, 0.2) = (0, 0.27, 0.18); the remaining 0.55 by the target
    assert s[0] == pytest.approx([0.0, 0.27 + 0.55 * 0.25, 0.18 + 0.55 * 0.75])
    # leading batch axes (one row per posture) broadcast
    batch = adjust_shares(np.broadcast_to(previous, (3, 1, 3)), np.stack([target] * 3),
                          np.stack([available] * 3), 0.1)
    assert batch.shape == (3, 1, 3) and batch[2, 0] == pytest.approx(s[0])
