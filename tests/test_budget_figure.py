"""The budget figure (compute, spending and revenue by bloc) on small hand-built tidy tables."""

from __future__ import annotations

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from study.compare import scenario_summary
from study.figures import budgets, scenarios, style

MONTHS = range(24)
#: per bloc: (fleet in 2025-01, H100e; monthly capex, USD bn; monthly revenue, USD bn)
LEVELS = {"US": (3e6, 30.0, 4.0), "CN": (4e5, 3.0, 0.5), "EU": (5e4, 0.5, 0.1)}


def tidy(scenario: str, seed: int, with_budgets: bool = True) -> pd.DataFrame:
    """One run: a key outcome and, if ``with_budgets``, the bloc budget metrics; seed 1 is 1.5x."""
    k = 1.0 + 0.5 * seed
    rows = [("open_share", "global", "", 0.3 + 0.001 * m, m) for m in MONTHS]
    if with_budgets:
        for bloc, (fleet, capex, revenue) in LEVELS.items():
            rows += [(metric, "", bloc, k * v * 1.05 ** m, m) for m in MONTHS
                     for metric, v in (("bloc_compute_h100e", fleet),
                                       ("bloc_capex_usd_bn", capex),
                                       ("bloc_revenue_usd_bn", revenue))]
    df = pd.DataFrame(rows, columns=["metric", "region", "bloc", "value", "month"])
    dates = pd.period_range("2025-01", periods=len(MONTHS), freq="M").astype(str)
    return df.assign(lab="", date=dates[df.month], scenario=scenario, seed=seed,
                     run_id=f"{scenario}|seed={seed}")


@pytest.fixture()
def table() -> pd.DataFrame:
    return pd.concat([tidy(s, seed) for s in ("baseline", "alibaba_closes") for seed in (0, 1)],
                     ignore_index=True)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_three_panels_titled_labelled_and_compute_on_a_log_axis(table):
    fig = budgets.budget_figure(table)
    axes = fig.axes
    assert len(axes) == 3
    assert [ax.get_title() for ax in axes] == ["Accelerators the labs own",
                                              "Spending on accelerators", "Revenue"]
    assert "H100e" in axes[0].get_ylabel()
    assert all("USD bn per year, annualised" in ax.get_ylabel() for ax in axes[1:])
    assert axes[0].get_yscale() == "log" and axes[1].get_yscale() == "linear"
    assert all(ax.get_xlabel() == "calendar month" for ax in axes)
    title = fig.get_suptitle()
    assert style.scenario_label("baseline") in title and "median of 2 seeds" in title


def test_one_line_per_bloc_in_its_colour_at_the_median_across_seeds(table):
    fig = budgets.budget_figure(table)
    for ax, panel in zip(fig.axes, budgets.PANELS, strict=True):
        lines = {line.get_label(): line for line in ax.get_lines()}
        assert set(lines) == {style.BLOC_NAMES[b] for b in style.BLOCS}
        for bloc, levels in budgets_by_bloc().items():
            line = lines[style.BLOC_NAMES[bloc]]
            assert mcolors.to_hex(line.get_color()) == style.BLOC_COLOURS[bloc].lower()
            # seeds 0 and 1 are 1x and 1.5x: the median of two is 1.25x; flows shown x 12
            start = levels[panel.metric] * 1.25 * panel.factor
            assert line.get_ydata()[0] == pytest.approx(start)
            assert line.get_ydata()[-1] == pytest.approx(start * 1.05 ** 23)
        x = ax.get_lines()[0].get_xdata()
        assert pd.Timestamp(x[0]) == pd.Timestamp("2025-01-01")
        assert len(ax.collections) == 3  # a band per bloc (two seeds)
    assert fig.axes[1].get_lines()[0].get_ydata()[0] == pytest.approx(12 * 30.0 * 1.25)


def budgets_by_bloc() -> dict[str, dict[str, float]]:
    return {bloc: dict(zip(budgets.METRICS, levels, strict=True))
            for bloc, levels in LEVELS.items()}


def test_the_band_spans_the_seeds(table):
    fig = budgets.budget_figure(table)
    band = fig.axes[2].collections[0]  # revenue, US
    ys = band.get_paths()[0].vertices[:, 1]
    lo, hi = 12 * 4.0 * (1 + 0.05 * 0.5), 12 * 4.0 * (1.5 - 0.05 * 0.5)  # 5th and 95th pct
    assert ys.min() == pytest.approx(lo) and np.isclose(ys, hi).any()


def test_a_scenario_other_than_the_baseline_is_drawn_on_request(table):
    other = table.assign(value=np.where(table.scenario == "alibaba_closes", 2 * table.value,
                                        table.value))
    fig = budgets.budget_figure(other, scenario="alibaba_closes")
    assert style.scenario_label("alibaba_closes") in fig.get_suptitle()
    us = fig.axes[1].get_lines()[0]
    assert us.get_ydata()[0] == pytest.approx(2 * 12 * 30.0 * 1.25)


def test_sweep_figures_write_the_budget_figure_when_the_table_has_budgets(table, tmp_path):
    summary = scenario_summary(table[table.month.isin([11, 23])])
    names = [p.name for p in scenarios.sweep_figures(table, summary, tmp_path)]
    assert "budgets.png" in names
    assert (tmp_path / "budgets.png").stat().st_size > 10_000


def test_sweep_figures_skip_the_budget_figure_for_a_table_without_budgets(tmp_path):
    old = pd.concat([tidy(s, seed, with_budgets=False) for s in ("baseline", "alibaba_closes")
                     for seed in (0, 1)], ignore_index=True)
    assert not budgets.has_budgets(old)
    summary = scenario_summary(old[old.month.isin([11, 23])])
    names = [p.name for p in scenarios.sweep_figures(old, summary, tmp_path)]
    assert "scenario_outcomes.png" in names and "budgets.png" not in names
    assert not (tmp_path / "budgets.png").exists()


def test_a_sweep_without_the_baseline_has_no_budget_figure(table, tmp_path):
    no_base = table[table.scenario != "baseline"]
    assert not budgets.has_budgets(no_base)
    summary = scenario_summary(no_base[no_base.month.isin([11, 23])])
    names = [p.name for p in scenarios.sweep_figures(no_base, summary, tmp_path)]
    assert "budgets.png" not in names
