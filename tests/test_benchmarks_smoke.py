"""Smoke tests of the benchmark: the per-object reference model is the same model.

The naive model (one ``mesa.Agent`` per developer) draws its random numbers in a different order,
so runs agree in distribution, not path by path: the checks compare averages over a few seeds
with tolerances of three to five standard errors of the paired seed-by-seed differences (measured
when the tests were written), and a deliberately broken per-object rule shows that the switching
check has the power to notice a different rule. Timing is never asserted here.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from benchmarks import bench_model as bm
from benchmarks.naive_developers import NaiveMarketModel, ScalarNaiveDeveloper
from sim.run import with_overrides

SEEDS = range(6)
NAIVE = ("naive_numpy", "naive_scalar")


def sorting_stats(model) -> np.ndarray:
    """Open share, and how tastes sort developers between open and closed products."""
    pop, menu = model.developers, model.menu
    on = pop.choice >= 0
    is_open = menu.is_open[np.maximum(pop.choice, 0)] & on
    closed = on & ~is_open
    return np.array([is_open.mean(),
                     pop.theta[is_open].mean() - pop.theta[closed].mean(),
                     pop.alpha[is_open].mean() - pop.alpha[closed].mean()])


def switch_rate(model, months: int) -> float:
    """Share of developers whose product changes from one month to the next."""
    rates = []
    for _ in range(months):
        before = model.developers.choice.copy()
        model.step()
        rates.append(np.mean(before != model.developers.choice))
    return float(np.mean(rates))


def everyone_reconsiders(seed: int):
    return with_overrides(bm.bench_config(400, 6, seed), {"developers.reconsider_per_month": 1.0})


@pytest.fixture(scope="module")
def sorting():
    """sorting_stats after 6 months, 500 developers, per variant and seed."""
    return {v: np.array([sorting_stats(bm.build_and_run(v, bm.bench_config(500, 6, s)))
                         for s in SEEDS]) for v in bm.VARIANTS}


def test_naive_model_has_one_agent_per_developer_and_the_same_population():
    cfg = bm.bench_config(300, 2, seed=4)
    vec, naive = bm.build_and_run("vectorised", cfg), bm.build_and_run("naive_scalar", cfg)
    assert len(naive.naive_developers) == 300
    agents = sorted(naive.naive_developers, key=lambda a: a.index)
    np.testing.assert_array_equal([a.alpha for a in agents], vec.developers.alpha)
    np.testing.assert_array_equal([a.theta for a in agents], vec.developers.theta)
    np.testing.assert_array_equal([a.region for a in agents], vec.developers.region)
    # the agents' own state is what the inherited market and recorder code read
    np.testing.assert_array_equal([a.choice for a in agents], naive.developers.choice)
    # same labs, same menu: only the developer representation differs
    assert [lab.name for lab in naive.labs] == [lab.name for lab in vec.labs]


@pytest.mark.parametrize("variant", NAIVE)
def test_open_share_agrees(sorting, variant):
    diff = sorting[variant][:, 0] - sorting["vectorised"][:, 0]
    assert 0.1 < sorting["vectorised"][:, 0].mean() < 0.9  # a non-degenerate market
    assert abs(diff.mean()) < 0.04


@pytest.mark.parametrize("variant", NAIVE)
def test_tastes_sort_developers_the_same_way(sorting, variant):
    vec, naive = sorting["vectorised"], sorting[variant]
    assert vec[:, 1].mean() > 0.5  # open-weight fans end up on open models
    assert abs(naive[:, 1].mean() - vec[:, 1].mean()) < 0.25
    assert abs(naive[:, 2].mean() - vec[:, 2].mean()) < 0.03  # price-sensitive ones too


@pytest.mark.parametrize("variant", NAIVE)
def test_switching_agrees_when_everyone_reconsiders(variant):
    vec = np.mean([switch_rate(bm.VARIANTS["vectorised"](everyone_reconsiders(s)), 4)
                   for s in SEEDS])
    naive = np.mean([switch_rate(bm.VARIANTS[variant](everyone_reconsiders(s)), 4)
                     for s in SEEDS])
    assert 0.2 < vec < 0.9
    assert abs(naive - vec) < 0.04


class _NoSwitchingCost(ScalarNaiveDeveloper):
    """A wrong rule: ignores the switching cost."""

    def step(self) -> None:
        tables = self.model.naive_tables
        saved, tables["switching"] = tables["switching"], 0.0
        super().step()
        tables["switching"] = saved


def test_switching_check_detects_a_different_rule():
    vec = np.mean([switch_rate(bm.VARIANTS["vectorised"](everyone_reconsiders(s)), 4)
                   for s in SEEDS])
    wrong = np.mean([switch_rate(NaiveMarketModel(everyone_reconsiders(s), _NoSwitchingCost), 4)
                     for s in SEEDS])
    assert abs(wrong - vec) > 0.1


def test_benchmark_functions_run_at_tiny_sizes(tmp_path):
    results = bm.run_benchmark(quick=True, n=200, months=3, reps=1, sizes=[300],
                               scaling_reps=1)
    variants = results["compare"]["variants"]
    assert set(variants) == {"vectorised", "sim_run", "naive_numpy", "naive_scalar"}
    for name in NAIVE:
        assert np.isfinite(variants[name]["ratio_total"]) and variants[name]["ratio_total"] > 0
    row = results["scaling"]["rows"][0]
    assert row["n_developers"] == 300 and row["peak_rss_mb"] > 0
    assert all(t["met"] is None for t in results["targets"])  # not judged at tiny sizes
    md, js = bm.write_results(results, tmp_path)
    assert "| developers |" in md.read_text()
    assert json.loads(js.read_text())["compare"]["n_developers"] == 200


def test_sweep_benchmark_runs_and_accounts_for_every_run(tmp_path, capsys):
    from benchmarks import bench_sweep

    r = bench_sweep.run_sweep(runs=4, jobs=2, out=tmp_path / "s", per_job=2, developers=300)
    assert r["runs"] == 4 and 0 < r["model_s"] <= r["job_s"]
    assert 0 < r["model_share"] <= r["run_share"] <= 1
    assert bench_sweep.main(["--runs", "2", "--seeds-per-job", "1", "--developers", "300",
                             "--repeat", "1"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].startswith("| runs |") and table[-1].startswith("| 2 | 300 | 1 | 2 |")
