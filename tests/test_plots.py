"""The figure functions of study.figures, on real run tables: readable, consistent, correct.

A reader who has not seen the code must be able to read each figure: titled, axes labelled with
units, scenarios named in words, one colour per scenario, bloc and region everywhere, and the
drawn numbers equal to the table's.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib
import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.ticker import PercentFormatter

from study.results_io import read_key_series
from study import tables
from study.figures import mechanisms, scenarios, style
from study.figures import run as single_run
from study.compare import KEY_OUTCOMES, scenario_summary
from sim.config import MarketConfig
from sim.hydra_conf import load_config
from sim.market import closed_markup
from sim.run import run

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["model.n_developers=600", "model.horizon_months=24"]
SCENARIOS = ["baseline", "alibaba_closes", "us_tightens_controls"]
SEEDS = range(3)


@pytest.fixture(scope="module")
def one_run() -> pd.DataFrame:
    return run(load_config("alibaba_closes", SMALL))


@pytest.fixture(scope="module")
def multi() -> pd.DataFrame:
    """A collected-style table: 3 scenarios x 3 seeds, with the extra columns collect adds."""
    frames = [run(load_config(name, SMALL), seed=s) for name in SCENARIOS for s in SEEDS]
    df = pd.concat(frames, ignore_index=True)
    return df.assign(config_hash="abc", **{"model.n_developers": "600"})


@pytest.fixture(scope="module")
def summary(multi, tmp_path_factory) -> pd.DataFrame:
    """The scenario summary as a user reads scenario_summary.csv (pandas' defaults: "" -> NaN)."""
    path = tmp_path_factory.mktemp("summary") / "scenario_summary.csv"
    scenario_summary(multi[multi.month.isin([11, 23])]).to_csv(path, index=False)
    return pd.read_csv(path)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def line_colours(ax) -> dict[str, str]:
    return {line.get_label(): mcolors.to_hex(line.get_color()) for line in ax.get_lines()
            if not line.get_label().startswith("_")}


def assert_readable(ax) -> None:
    assert ax.get_title().strip(), "untitled panel"
    assert ax.get_xlabel().strip(), f"{ax.get_title()}: x axis without label"
    assert ax.get_ylabel().strip(), f"{ax.get_title()}: y axis without label"


# ------------------------------------------------------------------------------ readability
@pytest.mark.parametrize("draw, unit", [
    (single_run.plot_open_share, "%"),
    (lambda df, ax: single_run.plot_bloc_shares(df, "ROW", ax), "%"),
    (single_run.plot_capability, "months"),
    (single_run.plot_premium, "(x)"),
    (single_run.plot_open_labs, "labs"),
    (single_run.plot_postures, "lab"),
])
def test_each_panel_is_titled_and_its_axes_carry_units(one_run, draw, unit):
    fig, ax = plt.subplots()
    draw(one_run, ax)
    assert_readable(ax)
    assert unit in ax.get_ylabel()
    assert "month" in ax.get_xlabel()


def test_shares_are_shown_in_percent(one_run):
    ax = single_run.plot_open_share(one_run)
    assert isinstance(ax.yaxis.get_major_formatter(), PercentFormatter)
    assert ax.get_ylim() == (0, 1)
    assert style.unit_label("share") == "% of developers"
    assert style.unit_label("share of wanted chips") == "% of wanted chips"
    assert style.unit_label("months") == "months"


def test_scenarios_are_named_in_words():
    assert style.scenario_label("us_tightens_controls") == "US tightens chip controls"
    assert style.scenario_label("alibaba_closes+us_tightens_controls") == \
        "Alibaba closes the Qwen weights + US tightens chip controls"
    assert style.scenario_label("baseline").startswith("baseline")
    assert style.scenario_label("my_new_case") == "my new case"
    for path in (ROOT / "configs" / "scenario").glob("*.yaml"):
        label = style.scenario_label(path.stem)
        assert "_" not in label and label != path.stem.replace("_", " ") or \
            path.stem == "baseline", f"{path.stem} has no description in scenario_parts"


def test_overlay_legend_names_scenarios_in_words(multi):
    ax = scenarios.plot_scenario_bands(multi, "open_share", "global", "", "Open-weight share",
                                   "share", legend=True)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == [style.scenario_label(s) for s in SCENARIOS]
    assert not any("_" in t for t in texts)
    assert_readable(ax)


def test_forest_plot_names_scenarios_in_words_and_states_its_unit(summary):
    ax = scenarios.plot_effects(summary, "open_share", "global", "", "Open-weight share", "share")
    ticks = {t.get_text() for t in ax.get_yticklabels()}
    assert ticks == {style.scenario_label(s) for s in SCENARIOS[1:]}
    assert "percentage points" in ax.get_xlabel() and ax.get_title()


# ------------------------------------------------------------------------------ colours
def _srgb_to_lab(colour: str) -> np.ndarray:
    rgb = np.array(mcolors.to_rgb(colour))
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ lin / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_palettes_are_colour_blind_safe_sets_and_distinct():
    okabe_ito = {c.upper() for c in style.OKABE_ITO}
    for colours in (style.BLOC_COLOURS, style.REGION_COLOURS, style.POSTURE_COLOURS):
        assert {c.upper() for c in colours.values()} <= okabe_ito
    tol = {"#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
           "#882255", "#AA4499", "#4477AA", "#EE7733", "#000000"}
    assert {c.upper() for c in style.SCENARIO_PALETTE[:len(tol)]} == tol
    named = [style.scenario_colour(s) for s in style.scenario_order()]
    assert len(set(named)) == len(named)
    lab = [_srgb_to_lab(c) for c in named]
    closest = min(np.linalg.norm(a - b) for i, a in enumerate(lab) for b in lab[i + 1:])
    assert closest > 20  # CIE76: no two scenarios in near-identical colours


def test_every_scenario_in_configs_has_a_fixed_style():
    names = sorted(p.stem for p in (ROOT / "configs" / "scenario").glob("*.yaml"))
    assert set(names) == set(style.scenario_order())
    assert style.scenario_order()[0] == "baseline"
    assert style.scenario_style("baseline")["color"] == "#000000"
    # an unknown scenario's style depends on its name only: a slot outside the named ones
    assert style.scenario_colour("x_y") not in [style.scenario_colour(s)
                                                for s in style.scenario_order()]


def test_a_new_scenario_file_is_ordered_and_styled_without_code(tmp_path, monkeypatch):
    import shutil

    import sim.hydra_conf

    configs = tmp_path / "configs"
    shutil.copytree(sim.hydra_conf.CONFIG_DIR / "scenario", configs / "scenario")
    (configs / "scenario" / "my_scenario.yaml").write_text(
        "# @package _global_\n# A new case.\n# Source: assumption.\n"
        "# Run: python -m experiments.run scenario=my_scenario\n"
        "scenario_parts:\n  my_scenario: My new case\n")
    before = {s: style.scenario_colour(s) for s in style.scenario_order()}
    monkeypatch.setattr(sim.hydra_conf, "CONFIG_DIR", configs)
    order = style.scenario_order()
    assert order[0] == "baseline" and "my_scenario" in order
    assert style.order_scenarios(["my_scenario", "baseline"]) == ["baseline", "my_scenario"]
    assert style.scenario_label("my_scenario") == "My new case"
    colours = [style.scenario_colour(s) for s in order]
    assert len(set(colours)) == len(colours)  # its own colour, distinct from every other
    assert set(before) < set(order)


def test_scenario_colour_is_the_same_in_every_figure(multi, summary):
    expected = {style.scenario_label(s): mcolors.to_hex(style.scenario_colour(s))
                for s in SCENARIOS}
    ax = scenarios.plot_scenario_bands(multi, "us_china_gap_months", "", "", "gap", "months")
    assert line_colours(ax) == expected
    subset = scenarios.plot_scenario_bands(multi, "us_china_gap_months", "", "", "gap", "months",
                                       scenarios=["us_tightens_controls"])
    assert line_colours(subset) == {k: v for k, v in expected.items() if "tightens" in k}
    ax = scenarios.plot_effects(summary, "us_china_gap_months", "", "", "gap", "months")
    drawn = {c.get_label(): mcolors.to_hex(c.lines[0].get_color()) for c in ax.containers}
    assert drawn == {k: v for k, v in expected.items() if not k.startswith("baseline")}
    fig = scenarios.scenario_outcomes_figure(multi)
    for sub in fig.subfigs:
        tag = next(t for t in sub.texts if t.get_text() == sub.get_suptitle())
        colour = mcolors.to_hex(tag.get_bbox_patch().get_facecolor())
        assert expected[tag.get_text()] == colour
        for ax in sub.axes:
            assert line_colours(ax)[tag.get_text()] == colour


def test_bloc_and_region_colours_agree_across_figures(one_run):
    for bloc in style.BLOC_COLOURS:
        assert style.REGION_COLOURS[bloc] == style.BLOC_COLOURS[bloc]
    ax = single_run.plot_open_share(one_run)
    assert line_colours(ax) == {style.REGION_NAMES[r]: c.lower()
                                for r, c in style.REGION_COLOURS.items()}
    ax = single_run.plot_bloc_shares(one_run, "CN")
    for label, colour in line_colours(ax).items():
        bloc = next(b for b, name in style.BLOC_NAMES.items() if label.startswith(name))
        assert colour == style.BLOC_COLOURS[bloc].lower()
    fig = single_run.regional_shares_figure(one_run)
    assert len(fig.axes) == 4
    assert {c for ax in fig.axes for c in line_colours(ax).values()} == \
        {c.lower() for c in style.BLOC_COLOURS.values()}


# ------------------------------------------------------------------------------ numbers drawn
def test_lines_are_the_mean_across_seeds_and_bands_span_them(multi):
    ax = scenarios.plot_scenario_bands(multi, "open_share", "global", "", "open", "share",
                                   scenarios=["baseline"])
    (line,) = ax.get_lines()
    values = tables.series(multi[multi.scenario == "baseline"], "open_share", region="global")
    expected = values.groupby("month").value.mean().to_numpy()
    np.testing.assert_allclose(line.get_ydata(), expected)
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 1
    ys = bands[0].get_paths()[0].vertices[:, 1]
    assert ys.min() == pytest.approx(values.value.min(), abs=0.02)
    single = single_run.plot_open_share(multi[multi.run_id == multi.run_id.iloc[0]])
    assert not [c for c in single.collections if isinstance(c, PolyCollection)]


def test_forest_plot_draws_the_paired_effects(summary):
    ax = scenarios.plot_effects(summary, "us_china_gap_months", "", "", "gap", "months")
    rows = summary[(summary.metric == "us_china_gap_months") & (summary.month == 23)
                   & (summary.scenario != "baseline")].set_index("scenario")
    for container in ax.containers:
        name = next(s for s in SCENARIOS if style.scenario_label(s) == container.get_label())
        assert container.lines[0].get_xdata()[0] == pytest.approx(rows.effect_mean[name])
    shares = scenarios.plot_effects(summary, "open_share", "global", "", "open", "share")
    row = summary[(summary.metric == "open_share") & (summary.region == "global")
                  & (summary.month == 23) & (summary.scenario == "alibaba_closes")]
    drawn = [c.lines[0].get_xdata()[0] for c in shares.containers
             if c.get_label() == style.scenario_label("alibaba_closes")]
    assert drawn[0] == pytest.approx(100 * row.effect_mean.iloc[0])  # percentage points


def test_forest_plot_refuses_several_parameter_sets(summary):
    doubled = pd.concat([summary.assign(p="1"), summary.assign(p="2")])
    with pytest.raises(ValueError, match="several rows per scenario"):
        scenarios.plot_effects(doubled, "open_share", "global", "", "open", "share")


def test_premium_curve_is_the_models_pricing_rule(multi):
    market = MarketConfig()
    ax = mechanisms.plot_premium_vs_gap(multi, market)
    rule = next(line for line in ax.get_lines() if "pricing rule" in line.get_label())
    x = np.asarray(rule.get_xdata())
    expected = 1 + closed_markup(x, floor=market.premium_floor, ceiling=market.premium_max,
                                 scale_months=market.premium_gap_scale_months)
    np.testing.assert_allclose(rule.get_ydata(), expected)
    dots = ax.collections[0].get_offsets()
    assert len(dots) == len(tables.series(multi, "closed_price_premium"))
    assert_readable(ax)
    assert "months" in ax.get_xlabel() and "(x)" in ax.get_ylabel()


def test_bloc_lab_metrics_count_and_average_the_blocs_postures(one_run):
    derived = tables.bloc_lab_metrics(one_run)
    assert set(derived.metric) == set(tables.DERIVED_METRICS)
    blocs = tables.default_lab_blocs()
    cn = [lab for lab, bloc in blocs.items() if bloc == "CN"]
    last = one_run[one_run.month == one_run.month.max()]
    openness = tables.series(last, "lab_openness")
    derived_last = derived[derived.month == one_run.month.max()]
    got = tables.series(derived_last, "bloc_open_labs", bloc="CN").value
    assert float(got.iloc[0]) == (openness[openness.lab.isin(cn)].value == 1.0).sum()
    got = tables.series(derived_last, "bloc_openness", bloc="CN").value
    assert float(got.iloc[0]) == pytest.approx(openness[openness.lab.isin(cn)].value.mean())
    expected = tables.series(last, "lab_expected_openness")
    got = tables.series(derived_last, "bloc_expected_openness", bloc="CN").value
    assert float(got.iloc[0]) == pytest.approx(expected[expected.lab.isin(cn)].value.mean())
    assert set(derived.columns) == set(one_run.columns)


def test_posture_timeline_shows_each_lab_grouped_by_bloc(one_run):
    ax = single_run.plot_postures(one_run)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    blocs = [label.rsplit("(", 1)[1].rstrip(")") for label in labels]
    assert blocs == sorted(blocs, key=["US", "CN", "EU"].index)
    assert len(labels) == one_run[one_run.metric == "lab_openness"].lab.nunique()
    mesh = ax.collections[0]
    assert set(np.unique(mesh.get_array())) <= {0.0, 0.5, 1.0}
    # alibaba_closes: Alibaba is closed from month 18 on
    row = labels.index("alibaba (CN)")
    assert np.all(np.asarray(mesh.get_array()).reshape(len(labels), -1)[row, 18:] == 0.0)
    bar = ax.figure.axes[-1]
    assert [t.get_text() for t in bar.get_yticklabels()] == ["closed", "hybrid", "open"]
    assert "Alibaba" in ax.get_title()


def test_lever_chain_shows_each_link_over_time_and_against_the_lever():
    cfg = load_config("baseline", SMALL)
    df = pd.concat([run(cfg, seed=s, governments__US__export_controls=c).assign(controls=c)
                    for c in (0.0, 1.0) for s in (0, 1)], ignore_index=True)
    fig = mechanisms.lever_chain_figure(df, "controls", "US export controls",
                                   by_unit="share of frontier chips denied",
                                   fmt=lambda v: f"{v:.0%} denied")
    axes = [ax for sub in fig.subfigs for ax in sub.axes]
    assert len(axes) == 2 * len(mechanisms.CONTROLS_CHAIN)
    for ax in axes:
        assert_readable(ax)
    over_time, against = axes[:6], axes[6:]
    assert [ax.get_title() for ax in over_time] == [c[3] for c in mechanisms.CONTROLS_CHAIN]
    assert all("chips denied" in ax.get_xlabel() for ax in against)
    access = {line.get_label(): line.get_ydata()[-1] for line in over_time[0].get_lines()}
    assert access == pytest.approx({"0% denied": 1.0, "100% denied": 0.3})  # leakage 0.3
    legend = fig.subfigs[0].legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["0% denied", "100% denied"]


# ------------------------------------------------------------------------------ figures & files
def test_small_multiples_put_each_scenario_against_the_baseline(multi):
    fig = scenarios.scenario_outcomes_figure(multi)
    assert [s.get_suptitle() for s in fig.subfigs] == \
        [style.scenario_label(s) for s in SCENARIOS[1:]]
    grid = [sub.axes for sub in fig.subfigs]
    assert all(len(row) == len(KEY_OUTCOMES) for row in grid)
    for row in grid:
        for ax in row:
            assert set(line_colours(ax)) <= {style.BASELINE_LABEL,
                                             *(style.scenario_label(s) for s in SCENARIOS)}
            assert ax.get_ylabel()
    for c in range(len(KEY_OUTCOMES)):
        assert len({row[c].get_ylim() for row in grid}) == 1  # one y range per outcome
    assert [ax.get_title() for ax in grid[0]] == \
        [style.wrap(title, 30) for _, _, _, title, _ in KEY_OUTCOMES]


def test_run_figures_writes_the_command_line_figures(one_run, tmp_path):
    paths = single_run.run_figures(one_run, tmp_path / "run")
    assert [p.name for p in paths] == ["outcomes.png", "postures.png", "regions.png",
                                       "shares.png"]
    assert all(p.stat().st_size > 10_000 for p in paths)


def test_sweep_figures_work_on_a_collected_table(multi, summary, tmp_path):
    table = tmp_path / "sweep_results.parquet"
    multi.to_parquet(table)
    # as the collector calls it: the key outcomes' rows only, read back from Parquet
    paths = scenarios.sweep_figures(read_key_series(table), summary, tmp_path / "figures")
    # the budgets figure too: the collector keeps the bloc budget rows
    assert [p.name for p in paths] == ["scenario_outcomes.png", "scenario_effects.png",
                                       "budgets.png"]
    assert all(p.stat().st_size > 10_000 for p in paths)
    # with every region's bloc shares, the regional panels too
    paths = scenarios.sweep_figures(pd.read_parquet(table), summary, tmp_path / "all")
    assert [p.name for p in paths] == ["scenario_outcomes.png", "scenario_effects.png",
                                       "scenario_regions.png", "budgets.png"]


def test_sweep_figures_without_a_baseline_skip_the_effects(multi, tmp_path):
    no_base = multi[multi.scenario != "baseline"]
    summary = scenario_summary(no_base[no_base.month == 23])
    names = [p.name for p in scenarios.sweep_figures(no_base, summary, tmp_path)]
    assert "scenario_effects.png" not in names and "scenario_outcomes.png" in names


def test_helpers_read_dimension_columns_with_missing_values(summary, multi):
    assert summary.lab.isna().any()  # CSV "" read back as NaN
    assert len(tables.series(summary, "us_china_gap_months", region="", bloc="", lab=""))
    slim = tables.slim(multi, ["open_share"])
    assert set(slim.columns) == set(tables.FIGURE_COLUMNS)
    assert isinstance(slim.metric.dtype, pd.CategoricalDtype)
    assert len(tables.series(slim, "open_share", region="global")) == \
        len(tables.series(multi, "open_share", region="global"))


def test_scripts_draw_off_screen_and_notebooks_keep_their_backend():
    code = "import study.figures.run, matplotlib; print(matplotlib.get_backend())"
    env = {k: v for k, v in __import__("os").environ.items() if k != "MPLBACKEND"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip().lower() == "agg"
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert "inline" in out.stdout
    assert matplotlib.get_backend().lower() == "agg"


def test_the_forest_plot_keeps_one_scenario_order_in_every_panel(summary):
    fig = scenarios.scenario_effects_figure(summary)
    rows = [[t.get_text() for t in ax.get_yticklabels()] for ax in fig.axes if ax.get_visible()]
    shown = [r for r in rows if r]
    assert len(shown) > 1 and all(r == shown[0] for r in shown)
    # the first scenario file's scenario is at the top (the last tick from the bottom)
    names = [s for s in style.scenario_order()
             if style.scenario_label(s) in shown[0]]
    assert shown[0][::-1] == [style.scenario_label(s) for s in names]


def test_scenario_events_are_marked_on_its_time_series(multi):
    # alibaba_closes schedules its closing: a dotted line at that month on its panels
    months = style.scenario_event_months("alibaba_closes")
    assert months and style.scenario_event_months("baseline") == []
    assert style.scenario_event_months("alibaba_closes+us_tightens_controls") == sorted(
        set(months) | set(style.scenario_event_months("us_tightens_controls")))
    ax = scenarios.plot_scenario_vs_baseline(multi.assign(scenario="alibaba_closes"),
                                             "alibaba_closes", "open_share", "global", "",
                                             "open share", "share")
    dotted = [ln for ln in ax.get_lines() if ln.get_linestyle() == ":"]
    inside = [m for m in months if 0 < m <= multi.month.max()]
    assert inside and len(dotted) == len(inside)
