"""The catalogue of outcomes: each outcome declared once, and every consumer looks it up."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sim.metrics import METRICS
from study import calibration_targets, compare, summary, uncertainty
from study.outcomes import CATALOGUE, KEY, Outcome, metrics, select
from study.tables import DERIVED_METRICS

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sim", "study", "experiments")
#: The texts an outcome is named by in figures and tables.
LABELS = ("label", "short", "summary", "final", "brief")


def _string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


@pytest.fixture(scope="module")
def constants() -> dict[str, set[str]]:
    return {str(p.relative_to(ROOT)): _string_constants(p)
            for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}


def test_each_label_is_written_in_the_catalogue_only(constants):
    assert "study/outcomes.py" in constants
    for o in CATALOGUE.values():
        for name in LABELS:
            text = getattr(o, name)
            if not text:
                continue
            where = [module for module, texts in constants.items() if text in texts]
            assert where == ["study/outcomes.py"], f"{o.name}.{name} {text!r} is written in {where}"


def test_every_outcome_is_a_metric_of_the_table_filtered_by_its_dimensions():
    for o in CATALOGUE.values():
        if o.metric in DERIVED_METRICS:
            dims = ("bloc",)  # study.tables.bloc_lab_metrics: one row per bloc
        else:
            assert o.metric in METRICS, o.name
            dims = METRICS[o.metric][0]
        for dim in ("region", "bloc", "lab"):
            # a metric's dimension needs a value to pick one row; others must be left empty
            assert bool(getattr(o, dim)) == (dim in dims), (o.name, dim)
        assert o.label and o.unit


def test_defaults_and_views():
    o = Outcome("x", "open_share", "X share", "share of things", region="global")
    assert (o.brief, o.axis, o.share) == ("X share", "share of things", True)
    assert o.key == ("open_share", "global", "", "")
    assert o.panel == ("open_share", "global", "", "X share", "share of things")
    assert not CATALOGUE["us_china_gap"].share
    with pytest.raises(KeyError):
        select(["no_such_outcome"])
    assert metrics(["open_share", "open_share", "row_cn_share"]) == ["open_share", "bloc_share"]


def test_consumers_take_their_outcomes_from_the_catalogue():
    assert compare.KEY_OUTCOMES == [CATALOGUE[name].panel for name in KEY]
    assert all(h is CATALOGUE[h.name] for h in summary.HEADLINES)
    for name, o in uncertainty.OUTCOMES.items():
        assert o.key == CATALOGUE[name].key and o.label == CATALOGUE[name].final
    assert set(uncertainty.DEFAULT_OUTCOMES) <= set(uncertainty.OUTCOMES)
    # the calibration's shares are the token shares of the populations the surveys measure
    gaps_and_shares = {CATALOGUE[n].metric for n in ("open_closed_gap", "us_china_gap",
                                                     "enterprise_open_share", "router_open_share",
                                                     "router_cn_open_share")}
    assert gaps_and_shares <= set(calibration_targets.TARGET_METRICS)


def test_figures_and_explorer_take_their_outcomes_from_the_catalogue():
    pytest.importorskip("mesa")
    from study.explorer.model import SERIES
    from study.figures.mechanisms import CONTROLS_CHAIN, CONTROLS_LINKS
    from study.figures.run import FIGURE_OUTCOMES, OUTCOME_METRICS

    assert [c[:3] for c in CONTROLS_CHAIN] == [CATALOGUE[n].key[:3] for n in CONTROLS_LINKS]
    assert [c[3] for c in CONTROLS_CHAIN] == [f"{i}. {CATALOGUE[n].brief}"
                                              for i, n in enumerate(CONTROLS_LINKS, start=1)]
    assert set(OUTCOME_METRICS) == {CATALOGUE[n].metric for n in FIGURE_OUTCOMES}
    assert set(FIGURE_OUTCOMES) <= set(uncertainty.OUTCOMES)
    for name in ("closed_premium", "us_china_gap", "open_closed_gap"):
        assert SERIES[CATALOGUE[name].label] == CATALOGUE[name].key
    assert CATALOGUE["open_share"].key in SERIES.values()
    assert CATALOGUE["row_cn_share"].key in SERIES.values()


def test_every_outcome_has_a_title_in_the_final_month_analyses():
    """The sensitivity tables title each outcome by its final-month label; none may be blank
    (``cn_openness`` once printed as " (openness ...)")."""
    for name, outcome in uncertainty.OUTCOMES.items():
        assert outcome.label.strip(), name
