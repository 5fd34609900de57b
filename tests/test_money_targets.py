"""The money and compute-stock calibration targets, measured on small hand-built tidy tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from study.calibration_targets import (TARGET_METRICS, TARGETS_BY_NAME, annual_revenue,
                                     largest_lab_growth, measure_run, us_capex_2025, world_stock)

MONTHS = range(12)
NEW = ["us_capex_2025", "openai_revenue_2025", "anthropic_revenue_start",
       "anthropic_revenue_end", "world_stock_start", "world_stock_end", "us_compute_growth"]


def rows(metric: str, values, bloc: str = "", lab: str = "") -> list[dict]:
    return [{"month": m, "metric": metric, "region": "", "bloc": bloc, "lab": lab, "value": v}
            for m, v in zip(MONTHS, values, strict=True)]


def linear(start: float, end: float) -> np.ndarray:
    return np.linspace(start, end, 12)


@pytest.fixture()
def table() -> pd.DataFrame:
    """2025 of one run: capex and revenue by bloc and lab, the world stock, training compute."""
    records = (rows("bloc_capex_usd_bn", [30.0 + m for m in MONTHS], bloc="US")  # 426 in all
               + rows("bloc_capex_usd_bn", [5.0] * 12, bloc="CN")
               + rows("lab_revenue_usd_bn", linear(1.0, 1.75), lab="openai")
               + rows("lab_revenue_usd_bn", linear(0.1, 0.75), lab="anthropic")
               + rows("world_accelerator_stock_h100e", linear(5e6, 15e6))
               # training compute: google largest at the start, openai at the end
               + rows("lab_training_compute_h100e", linear(100.0, 300.0), lab="google")
               + rows("lab_training_compute_h100e", linear(50.0, 550.0), lab="openai")
               + rows("lab_training_compute_h100e", linear(40.0, 120.0), lab="deepseek")
               + rows("lab_compute_h100e", [900.0] * 12, lab="openai"))  # fleet: not read
    return pd.DataFrame(records).assign(run_id="r0", seed=0, scenario="baseline")


def test_money_targets_equal_the_hand_computed_values(table):
    assert us_capex_2025(table) == pytest.approx(sum(30.0 + m for m in MONTHS))  # US bloc only
    assert annual_revenue(table, "openai", 11) == pytest.approx(12 * 1.75)
    assert annual_revenue(table, "anthropic", 0) == pytest.approx(1.2)
    assert annual_revenue(table, "anthropic", 11) == pytest.approx(9.0)
    assert world_stock(table, 0) == pytest.approx(5e6)
    assert world_stock(table, 11) == pytest.approx(15e6)


def test_compute_growth_reads_the_largest_labs_training_compute(table):
    # largest US lab: 100 (google) in 2025-01, 550 (openai) in 2025-12; 11 months -> a year
    assert largest_lab_growth(table, "US") == pytest.approx(5.5 ** (12 / 11))
    assert largest_lab_growth(table, "CN") == pytest.approx(3.0 ** (12 / 11))
    assert math.isnan(largest_lab_growth(table, "EU"))  # no EU lab in the table


def test_targets_measure_what_the_functions_compute(table):
    got = measure_run(table, [TARGETS_BY_NAME[n] for n in NEW + ["china_compute_growth"]])
    assert got == pytest.approx({
        "us_capex_2025": 426.0, "openai_revenue_2025": 21.0, "anthropic_revenue_start": 1.2,
        "anthropic_revenue_end": 9.0, "world_stock_start": 5e6, "world_stock_end": 15e6,
        "us_compute_growth": 5.5 ** (12 / 11), "china_compute_growth": 3.0 ** (12 / 11)})
    for name in NEW:
        assert TARGETS_BY_NAME[name].passes(got[name]), name


@pytest.mark.parametrize("name, lo, value, hi", [
    ("us_capex_2025", 250.0, 410.0, 600.0),
    ("openai_revenue_2025", 13.0, 20.0, 30.0),
    ("anthropic_revenue_start", 0.5, 1.0, 2.0),
    ("anthropic_revenue_end", 5.0, 9.0, 14.0),
    ("world_stock_start", 4e6, 5e6, 7e6),
    ("world_stock_end", 10e6, 15e6, 20e6),
    ("us_compute_growth", 3.5, 5.0, 7.0),
    ("china_compute_share", 0.05, 0.12, 0.15),
])
def test_bands_pass_inside_and_count_one_on_their_edges(name, lo, value, hi):
    t = TARGETS_BY_NAME[name]
    assert (t.lo, t.value, t.hi) == (lo, value, hi)
    assert t.passes(lo) and t.passes(value) and t.passes(hi)
    assert not t.passes(lo * 0.99) and not t.passes(hi * 1.01)
    assert t.deviation(value) == pytest.approx(0.0)
    assert t.deviation(hi) == pytest.approx(1.0) and t.deviation(lo) == pytest.approx(-1.0)
    if t.log:  # halfway in log space between the point value and the upper edge
        assert t.deviation(math.sqrt(value * hi)) == pytest.approx(0.5)
    assert t.deviation(float("nan")) == 5.0


def test_money_targets_compare_in_log_space():
    assert all(TARGETS_BY_NAME[name].log for name in NEW)
    assert TARGETS_BY_NAME["china_compute_growth"].log


def test_a_table_without_the_metrics_measures_nan(table):
    old = table[table.metric == "lab_compute_h100e"]  # a table from before budgets
    for name in NEW + ["china_compute_growth"]:
        assert math.isnan(TARGETS_BY_NAME[name].measure(old)), name


def test_capex_needs_every_month_of_2025(table):
    short = table[~((table.metric == "bloc_capex_usd_bn") & (table.month == 5))]
    assert math.isnan(us_capex_2025(short))


def test_the_new_metrics_survive_filtering_the_table_to_the_target_metrics():
    for metric in ("bloc_capex_usd_bn", "lab_revenue_usd_bn", "lab_training_compute_h100e",
                   "world_accelerator_stock_h100e", "lab_compute_h100e"):
        assert metric in TARGET_METRICS
