"""What a parameter sweep leaves behind: per-value summary rows, typed columns, a response plot."""

from __future__ import annotations

import os
import stat

import pandas as pd
import pytest

from experiments.sweep.collection import collect_text
from study.results_io import COLLECTED, SUMMARY
from tests.test_sweeps import sweep

PARAM = "developers.network_effect"


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    out = tmp_path_factory.mktemp("ne") / "sweep"
    res = sweep(out, f"{PARAM}=0,0.5,2", "seed=0,1", "hydra.launcher.n_jobs=2")
    assert "open-weight share of developers" in res.stdout  # the sweep's end summary
    return out, collect_text(out, figures=True)  # collected again, with figures


def test_collected_table_keeps_the_swept_column_numeric(swept):
    out, _ = swept
    df = pd.read_parquet(out / COLLECTED)
    assert pd.api.types.is_float_dtype(df[PARAM])
    assert sorted(df[PARAM].unique()) == [0.0, 0.5, 2.0]
    assert df["model.n_developers"].dtype == "int64"


def test_summary_has_one_row_per_swept_value_with_that_values_mean(swept):
    out, stdout = swept
    df = pd.read_parquet(out / COLLECTED)
    last = df[(df.metric == "open_share") & (df.region == "global")
              & (df.month == df.month.max())]
    expected = last.groupby(PARAM).value.mean()
    summary = pd.read_csv(out / SUMMARY, keep_default_na=False)
    rows = summary[(summary.metric == "open_share") & (summary.region == "global")
                   & (summary.month == df.month.max())]
    assert sorted(rows[PARAM]) == [0.0, 0.5, 2.0] and set(rows.n_seeds) == {2}
    for value, mean in expected.items():
        assert rows.loc[rows[PARAM] == value, "mean"].item() == pytest.approx(mean)
    # the terminal: one row per value, each with its own mean, in percent
    table = stdout[stdout.index("open-weight share of developers"):]
    for value, mean in expected.items():
        line = next(ln for ln in table.splitlines() if f" {value} " in f" {ln} ")
        assert f"{100 * mean:.1f}%" in line, (value, line)
    assert "model.n_developers" not in table  # set for every run: not a row key


def test_a_parameter_sweep_draws_a_response_plot_per_swept_parameter(swept):
    out, _ = swept
    names = sorted(p.name for p in (out / "figures").glob("*.png"))
    assert names == [f"response_{PARAM}.png"]  # pooled time series would mix the values


def test_collected_table_is_as_readable_as_every_other_output(swept):
    out, _ = swept
    run = next(out.glob("*/results.parquet"))
    umask = os.umask(0)
    os.umask(umask)
    for path in (out / COLLECTED, out / SUMMARY, run):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path


def test_terminal_table_uses_percent_percentage_points_and_plain_names():
    from study.compare import comparison_table

    rows = []
    for scenario, effect in (("baseline", float("nan")), ("alibaba_closes", -0.05)):
        for metric, region, bloc, mean in (("open_share", "global", "", 0.527),
                                           ("bloc_share", "global", "CN", 0.3),
                                           ("bloc_share", "ROW", "CN", 0.25),
                                           ("us_china_gap_months", "", "", 7.25)):
            rows.append({"scenario": scenario, "metric": metric, "region": region, "bloc": bloc,
                         "lab": "", "month": 23, "n_seeds": 5, "mean": mean, "lo": mean,
                         "hi": mean, "effect_mean": effect, "effect_lo": effect - 0.01,
                         "effect_hi": effect + 0.01})
    text = comparison_table(pd.DataFrame(rows), compact=True).to_string()
    for name in ("open-weight share of developers", "developers on Chinese models",
                 "rest of world on Chinese models", "US-China gap (months)"):
        assert name in text
    assert "52.7%" in text and "(-5.0 pp)*" in text and "7.25" in text
    assert "RoW" not in text and "on CN" not in text and "0.527" not in text
    assert list(comparison_table(pd.DataFrame(rows)).index) == ["baseline", "alibaba_closes"]


def test_the_terminal_table_is_headed_by_the_calendar_month(swept):
    out, stdout = swept
    df = pd.read_parquet(out / COLLECTED, columns=["month", "date"])
    last = df.loc[df.month == df.month.max(), "date"].iloc[0]
    assert f"{last} (the last month): mean across seeds" in stdout
