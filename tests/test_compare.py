"""The paired scenario comparison: its t intervals are scipy.stats' t intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from study.compare import scenario_summary, t_half_width


@pytest.mark.parametrize("level", [0.90, 0.95])
def test_half_width_is_that_of_scipy_stats_t_interval(level):
    x = np.array([0.3, -0.1, 0.7, 0.2, 0.05])
    lo, hi = stats.t.interval(level, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    half = t_half_width(np.array([x.std(ddof=1)]), np.array([len(x)]), level)[0]
    assert half == pytest.approx((hi - lo) / 2, rel=1e-12)


def test_half_width_is_zero_below_two_values():
    assert list(t_half_width(np.array([np.nan, 0.0]), np.array([1, 0]))) == [0.0, 0.0]


def test_paired_effect_interval_is_the_t_interval_of_the_seedwise_differences():
    base = np.array([0.50, 0.52, 0.47, 0.55])
    other = np.array([0.45, 0.50, 0.40, 0.51])
    rows = [{"scenario": s, "seed": k, "month": 11, "metric": "open_share", "region": "",
             "bloc": "", "lab": "", "value": v}
            for s, values in (("baseline", base), ("ban", other)) for k, v in enumerate(values)]
    summary = scenario_summary(pd.DataFrame(rows))
    effect = summary[summary.scenario == "ban"].iloc[0]
    diff = other - base
    lo, hi = stats.t.interval(0.90, len(diff) - 1, loc=diff.mean(), scale=stats.sem(diff))
    assert effect.effect_mean == pytest.approx(diff.mean())
    assert (effect.effect_lo, effect.effect_hi) == pytest.approx((lo, hi), rel=1e-12)
