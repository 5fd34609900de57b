"""The interactive explorer: page controls -> config, chart data, and the page in a real browser.

The unit tests check that the page builds exactly the configs the command line builds. The
``browser`` test starts the server (``python -m experiments.explore``), opens the page in headless
Chromium through Playwright, moves a slider, steps the model and checks that charts render and
numbers change; it saves the screenshot shown in the README (docs/img/explorer.png). Deselect it
with ``-m "not browser"``.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import shlex
import shutil
import subprocess
from enum import Enum
from pathlib import Path
from types import SimpleNamespace

import pytest

from experiments import explore
from sim.paths import resolve_path
from sim.hydra_conf import CONFIG_DIR, load_config
from sim.metrics import Recorder
from sim.paths import set_path
from study.explorer import browser
from study.explorer.levers import (LEVERS, command_line, explorer_config, lever_overrides,
                                   page_params, scenario_names)
from study.explorer.model import SERIES, ExplorerModel
from study.uncertainty import load_space

logging.getLogger("MESA").setLevel(logging.WARNING)

REPO = Path(__file__).resolve().parents[1]
SCREENSHOT = REPO / "docs" / "img" / "explorer.png"
CHROMIUM = browser.CHROMIUM

#: A value away from the baseline for every control (the test fails if a control is added
#: without one).
MOVED = {"us_export_controls": 0.95, "us_control_leakage": 0.1, "us_ban_cn_models": "market",
         "us_open_endorsement": 0.8, "cn_open_endorsement": 0.0, "eu_open_subsidy": 20.0,
         "network_effect": 1.2, "n_developers": 2000, "seed": 7}
#: Controls that are settings of a run, not factors of the uncertainty space.
SETTINGS = {"n_developers", "seed"}


def _plain(value):
    return value.value if isinstance(value, Enum) else value


# ----------------------------------------------------------------------------- controls -> config
def test_scenario_choices_are_the_scenario_files():
    files = {p.stem for p in (CONFIG_DIR / "scenario").glob("*.yaml")}
    assert set(scenario_names()) == files
    assert scenario_names()[0] == "baseline"
    assert page_params()["scenario_name"]["values"] == scenario_names()


@pytest.mark.parametrize("scenario", scenario_names())
def test_scenario_on_the_page_is_the_command_line_scenario(scenario):
    model = ExplorerModel(scenario_name=scenario)
    assert model.overrides == []
    assert model.cfg_initial == load_config(scenario)
    assert model.command_line == f"python -m experiments.run scenario={scenario}"


def test_controls_start_at_the_baseline_values():
    base = load_config("baseline")
    for name, lever in LEVERS.items():
        current = resolve_path(base, lever.path)[2]
        expected = lever.missing if current is None else _plain(current)
        assert lever.default == expected, name
        assert page_params()[name]["value"] == lever.default


def test_levers_and_their_ranges_are_the_uncertainty_spaces():
    space = load_space("default")
    assert set(LEVERS) - SETTINGS <= set(space.by_name)
    for name, lever in LEVERS.items():
        if name in SETTINGS:
            assert lever.factor == "" and lever.path not in {f.path for f in space.factors()}
            continue
        factor = space.by_name[name]
        assert (lever.factor, lever.path) == (name, factor.path)
        if factor.categorical:
            assert lever.kind == "Select"
            assert lever.values == tuple(factor.format(v) for v in factor.values)
            assert lever.default in lever.values
        else:
            assert (lever.lo, lever.hi) == (factor.lo, factor.hi), name
            assert page_params()[name]["min"] == factor.lo
            assert page_params()[name]["max"] == factor.hi
            assert lever.lo <= lever.default <= lever.hi  # the baseline lies inside the range


def test_export_control_slider_sets_us_export_controls():
    model = ExplorerModel(us_export_controls=0.9)
    assert model.overrides == ["governments.US.export_controls=0.9"]
    assert model.cfg_initial.governments["US"].export_controls == 0.9
    # nothing else moves
    assert model.cfg_initial == set_path(load_config("baseline"),
                                         "governments.US.export_controls", 0.9)
    frame = model.recorder.frame()
    row = frame[(frame.metric == "export_controls") & (frame.region == "US")]
    assert row.value.tolist() == [0.9]


def test_every_control_has_a_test_value():
    assert set(MOVED) == set(LEVERS)


@pytest.mark.parametrize("name", sorted(MOVED))
def test_each_control_sets_its_config_path_and_only_that(name):
    lever, value = LEVERS[name], MOVED[name]
    assert not lever.is_default(value)
    cfg = explorer_config("baseline", lever_overrides({name: value}))
    assert _plain(resolve_path(cfg, lever.path)[2]) == value
    assert cfg == set_path(load_config("baseline"), lever.path, value)


def test_controls_at_their_start_value_keep_the_scenario_value():
    # slider floats carry binary noise; they must not turn into overrides
    start = {name: lever.default for name, lever in LEVERS.items()}
    start["us_export_controls"] = 0.7000000000000001
    assert lever_overrides(start) == []


SLIDERS = sorted(n for n, lever in LEVERS.items() if lever.kind != "Select")


@pytest.mark.parametrize("name", SLIDERS)
def test_every_slider_holds_its_baseline_value_exactly(name):
    # The browser's slider snaps a value to its step grid; a baseline off the grid (the EU
    # subsidy 0.3 on a step of 1) became an override on the first Reset.
    lever = LEVERS[name]
    assert lever.slider_value(lever.default) == lever.default
    assert lever_overrides({name: lever.slider_value(lever.default)}) == []
    assert lever.slider_value(lever.lo) == lever.lo and lever.slider_value(lever.hi) == lever.hi


def test_slider_rounding_is_vuetifys():
    lever = LEVERS["eu_open_subsidy"]  # 0 to 40 in steps of 0.1
    assert lever.slider_value(0.30000000000000004) == 0.3
    assert lever.slider_value(0.25) == 0.3  # halves round up, as JavaScript's Math.round
    assert lever.slider_value(41) == 40
    assert lever.display(0.3) == "0.3" and LEVERS["n_developers"].display(10000) == "10,000"


def test_a_slider_step_that_misses_the_baseline_is_rejected():
    with pytest.raises(ValueError, match="cannot hold the baseline 0.3"):
        dataclasses.replace(LEVERS["eu_open_subsidy"], step=1.0)


def test_overrides_are_command_line_syntax():
    assert lever_overrides({"us_export_controls": 0.30000000000000004}) == \
        ["governments.US.export_controls=0.3"]
    assert lever_overrides({"n_developers": 5000.0}) == ["model.n_developers=5000"]
    # bans is a dict the baseline leaves empty: Hydra needs ++ to add the key
    assert lever_overrides({"us_ban_cn_models": "government"}) == \
        ["++governments.US.bans.CN=government"]
    with pytest.raises(KeyError):
        lever_overrides({"not_a_control": 1})


def test_displayed_command_line_composes_the_same_config():
    model = ExplorerModel(scenario_name="us_bans_chinese_models", us_ban_cn_models="government",
                          eu_open_subsidy=20.0, seed=3)
    words = shlex.split(model.command_line)
    assert words[:3] == ["python", "-m", "experiments.run"]
    scenario = words[3].removeprefix("scenario=")
    assert load_config(scenario, words[4:]) == model.cfg_initial
    assert command_line("baseline", ["seed=1"]) == \
        "python -m experiments.run scenario=baseline seed=1"


def test_unknown_scenario_is_rejected():
    with pytest.raises(ValueError, match="unknown scenario"):
        explorer_config("no_such_scenario")


# ----------------------------------------------------------------------------- model and charts
def test_chart_columns_are_the_results_table():
    model = ExplorerModel(n_developers=2000)
    for _ in range(3):
        model.step()
    charts = model.datacollector.get_model_vars_dataframe()
    assert list(charts.columns) == list(SERIES)
    assert len(charts) == 4  # month 0 plus three steps
    frame = model.recorder.frame()
    for name, (metric, region, bloc, lab) in SERIES.items():
        rows = frame[(frame.metric == metric) & (frame.region == region) & (frame.bloc == bloc)
                     & (frame.lab == lab)].set_index("month").value
        for month in range(4):
            expected = rows.get(month, math.nan)
            got = charts[name].iloc[month]
            assert (math.isnan(got) and math.isnan(expected)) or got == expected, (name, month)


def test_the_recorder_reports_only_the_last_month():
    clock = SimpleNamespace(month=0)
    recorder = Recorder(clock)
    recorder._add("a", 1.0)
    recorder._add("b", [2.0, 5.0], region=["US", "CN"])
    clock.month = 1
    recorder._add("a", 3.0)
    recorder._add("b", [4.0, 6.0], region=["US", "CN"])
    assert recorder.latest() == {("a", "", "", ""): 3.0, ("b", "US", "", ""): 4.0,
                                 ("b", "CN", "", ""): 6.0}


def test_play_stops_at_the_configured_horizon():
    model = ExplorerModel(n_developers=1000)
    steps = 0
    while model.running and steps < 1000:
        model.step()
        steps += 1
    assert model.month == model.horizon - 1 == load_config("baseline").model.horizon_months - 1
    assert steps == model.horizon - 1


def test_mesa_reset_rebuilds_the_model_from_page_values():
    pytest.importorskip("solara", reason="the explorer page needs the viz extra")
    from mesa.visualization.solara_viz import _build_model_init_kwargs, _check_model_params

    model = ExplorerModel()
    params = page_params()
    _check_model_params(model, params)  # what SolaraViz checks when the page opens
    values = {name: spec["value"] for name, spec in params.items()}
    values.update(scenario_name="us_tightens_controls", us_export_controls=0.9)
    kwargs = _build_model_init_kwargs(model, values, add_scenario_when_empty=True,
                                      require_model_accepts_scenario=True)
    rebuilt = type(model)(**kwargs)  # what the Reset button does
    assert rebuilt.cfg_initial == load_config("us_tightens_controls",
                                              ["governments.US.export_controls=0.9"])


def test_page_components_show_model_values():
    pytest.importorskip("solara", reason="the explorer page needs the viz extra")
    from study.explorer.charts import CHART_SPECS
    from study.explorer.components import key_numbers_html, lab_table_html, month_label

    for spec in CHART_SPECS:
        assert set(spec.measures) <= set(SERIES)
    model = ExplorerModel(scenario_name="alibaba_closes", n_developers=1000)
    for _ in range(18):  # the event fixes Alibaba's posture in month 18
        model.step()
    assert month_label(model) == "2026-07"
    summary = key_numbers_html(model)
    assert 'data-key="month">2026-07<' in summary
    assert 'data-key="export_controls">0.70<' in summary
    table = lab_table_html(model)
    assert table.count("<tr data-lab=") == len(model.lab_names)
    alibaba = table.split("data-lab='alibaba'")[1].split("</tr>")[0]
    assert ">closed</span> *" in alibaba


def test_charts_have_calendar_x_axes_and_sensible_limits_at_month_0():
    from study.explorer.charts import CHART_SPECS, LiveChart, calendar_month, model_chart_html

    assert calendar_month(2025, 0) == "2025-01" and calendar_month(2025, 71) == "2030-12"
    model = ExplorerModel(n_developers=1000)
    for spec in CHART_SPECS:
        chart = LiveChart(spec, 2025, model.horizon)
        img = model_chart_html(chart, model)
        assert img.startswith("<img class='explorer-chart-img' data-step='0'")
        ax = chart.ax
        chart.fig.canvas.draw()
        assert ax.get_xlim() == (-0.5, model.horizon - 0.5)  # the whole run, from month 0
        label = ax.xaxis.get_major_formatter()
        shown = [label(t) for t in ax.get_xticks() if 0 <= t < model.horizon]
        assert shown == [f"{y}-01" for y in range(2025, 2031)] and ax.get_xlabel() == ""
        lo, hi = ax.get_ylim()
        values = [model.datacollector.model_vars[m][0] for m in spec.measures]
        finite = [v for v in values if math.isfinite(v)]
        assert hi - lo >= 0.1 and all(lo < v < hi for v in finite), spec.title
        assert all(line.get_marker() == "o" for line in ax.get_lines())  # one point: a dot


# ----------------------------------------------------------------------------- launcher
def test_launcher_binds_to_localhost_by_default():
    args = explore.parse_args([])
    assert (args.host, args.port) == ("127.0.0.1", 8765)
    cmd = explore.solara_command(args.host, args.port)
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert explore.APP in cmd and "--production" in cmd
    assert "--host 0.0.0.0" in explore.banner("127.0.0.1", 8765)
    assert "http://127.0.0.1:8765/" in explore.banner("127.0.0.1", 8765)
    assert "anyone" in explore.banner("0.0.0.0", 9000)


# ----------------------------------------------------------------------------- real browser
def _install_chromium() -> str:
    """Install Debian's chromium if missing; return why it is unavailable ('' if present)."""
    if CHROMIUM.exists():
        return ""
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        return (f"{CHROMIUM} is missing and cannot be installed here (needs root and apt-get): "
                "run `apt-get install chromium`")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in ([apt, "update"], [apt, "install", "-y", "chromium"]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return f"`{' '.join(cmd)}` failed: {done.stderr[-500:]}"
    return "" if CHROMIUM.exists() else f"apt-get installed chromium but {CHROMIUM} is missing"


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Path of Debian's headless-capable Chromium, installed on first use."""
    pytest.importorskip("playwright.sync_api",
                        reason="the browser test needs playwright: pip install -e .[dev]")
    reason = _install_chromium()
    if reason:
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="module")
def explorer_url(tmp_path_factory):
    """Serve the page with the project's launcher on a free localhost port."""
    pytest.importorskip("solara", reason="the explorer needs the viz extra: pip install -e .[viz]")
    log = tmp_path_factory.mktemp("explorer") / "server.log"
    try:
        with browser.serve(log) as url:
            yield url
    except browser.ServerError as exc:
        pytest.fail(str(exc))


def _chart_sources(page) -> list[str]:
    return page.eval_on_selector_all("img.explorer-chart-img", "imgs => imgs.map(i => i.src)")


def _slider(page, label: str):
    return page.locator(".v-input").filter(has_text=label).locator("[role=slider]")


def _check_first_render(page, shown, expect) -> None:
    """The page renders its cards at step 0, with no Mesa settings and slider values shown."""
    browser.wait_for_month(page, 0)
    expect(shown("month")).to_have_text("2025-01")
    expect(page.locator(".lab-table tbody tr")).to_have_count(13)
    expect(shown("export_controls")).to_have_text("0.70")
    expect(shown("chip_access_cn")).to_have_text("51%")
    text = page.locator("body").inner_text()
    for internal in ("Play Interval", "Render Interval", "Use Threads", "PAGE 0", "Page 0",
                     "runs on Solara"):
        assert internal not in text, internal
    for name, lever in LEVERS.items():  # every slider shows its value beside it
        if lever.kind != "Select":
            expect(page.locator(f"[data-lever={name}]")).to_have_text(lever.display(lever.default))
    # the sliders' ranges are the uncertainty space's (leakage: 0 to 0.6)
    expect(_slider(page, "Chip leakage")).to_have_attribute("aria-valuemax", "0.6")


def _reset(page) -> None:
    old = browser.model_serial(page)
    page.get_by_role("button", name="Reset").click()
    browser.wait_for_new_model(page, old)


def _untouched_reset_is_the_baseline(page, shown, expect) -> None:
    """Reset with nothing moved rebuilds exactly the baseline (no slider snapped its value)."""
    _reset(page)
    expect(shown("command")).to_have_text("python -m experiments.run scenario=baseline")
    expect(page.locator("[data-lever=eu_open_subsidy]")).to_have_text("0.3")


def _raise_controls_to_the_maximum(page, shown, expect) -> None:
    """Move the export-control slider to its maximum and rebuild the model."""
    slider = _slider(page, "US export controls")
    slider.focus()
    slider.press("End")
    expect(slider).to_have_attribute("aria-valuenow", "1")
    expect(page.locator("[data-lever=us_export_controls]")).to_have_text("1.00")
    _reset(page)
    expect(shown("command")).to_have_text(
        "python -m experiments.run scenario=baseline governments.US.export_controls=1")
    expect(shown("export_controls")).to_have_text("1.00")
    expect(shown("chip_access_cn")).to_have_text("30%")


def _step_a_year(page, shown, expect) -> None:
    """Step a year, one month per click: the numbers change and the charts redraw."""
    open_share, charts = shown("open_share").inner_text(), _chart_sources(page)
    for month in range(1, 12):
        page.get_by_role("button", name="Step").click()
        browser.wait_for_month(page, month)
        expect(shown("month")).to_have_text(f"2025-{month + 1:02d}")
    assert shown("open_share").inner_text() != open_share
    after = _chart_sources(page)
    assert all(a != b for a, b in zip(after, charts, strict=True)), "charts did not redraw"


def _box(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(selector, "els => els.map(e => { const r ="
                                     " e.getBoundingClientRect(); return {left: r.left, top:"
                                     " r.top, right: r.right, bottom: r.bottom}; })")


def _overlap(a: dict, b: dict) -> bool:
    return (min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5)


def _check_layout(page, width: int) -> None:
    """Every lab-table column lies inside its card and the window; no two boxes overlap."""
    card = _box(page, ".explorer-labs")[0]
    cells = _box(page, ".lab-table th") + _box(page, ".lab-table tbody td")
    assert len(cells) == 7 * 14
    clipped = [c for c in cells if c["right"] > min(card["right"], width) + 0.5
               or c["left"] < card["left"] - 0.5]
    assert not clipped, f"lab-table cells outside their card: {clipped[:3]}"
    # the table's box scrolls nothing sideways: all of it is on show
    assert page.eval_on_selector(".lab-table", "t => t.parentElement.scrollWidth"
                                 " <= t.parentElement.clientWidth")
    boxes = (_box(page, ".explorer-main > .v-card") + _box(page, ".v-navigation-drawer")
             + _box(page, ".v-app-bar, header"))
    assert len(boxes) >= 8
    overlapping = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if _overlap(a, b)]
    assert not overlapping, overlapping


@pytest.mark.browser
def test_explorer_page_in_headless_chromium(chromium, explorer_url, tmp_path):
    from playwright import sync_api
    expect = sync_api.expect
    # expectations wait for state; the bound is generous so a loaded machine is only slower
    expect.set_options(timeout=browser.STATE_TIMEOUT_MS)
    width, height = 1280, 720
    with sync_api.sync_playwright() as pw:
        chrome = browser.launch(pw, chromium)
        try:
            page = chrome.new_page(viewport={"width": width, "height": height})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(explorer_url)

            def shown(key: str):
                return page.locator(f"[data-key={key}]").first

            _check_first_render(page, shown, expect)
            _untouched_reset_is_the_baseline(page, shown, expect)
            _raise_controls_to_the_maximum(page, shown, expect)
            _step_a_year(page, shown, expect)
            _check_layout(page, width)
            assert not errors, errors
            shot = tmp_path / "explorer.png"
            page.screenshot(path=str(shot))
        finally:
            chrome.close()
    assert shot.stat().st_size > 10_000
    if os.environ.get("UPDATE_DOCS_IMAGES") == "1":  # refresh the README's screenshot on demand
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, SCREENSHOT)
