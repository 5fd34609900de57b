"""The scenario-discovery figure: PRIM's terms and the parameters in words."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from study.discovery import Box
from study.figures.discovery import COVERAGE, DENSITY, boxes_figure
from study.uncertainty import Factor

FACTORS = {f.name: f for f in (
    Factor("us_export_controls", "governments.US.export_controls", "lever", 0.0, 1.0,
           label="US chip export controls (share denied)"),
    Factor("row_trust_cn", "developers.region_trust.ROW.CN", "uncertainty", -2.0, 1.0),
    Factor("us_ban_cn_models", "governments.US.bans.CN", "lever",
           values=("none", "government", "market"), label="US ban on Chinese models"))}


@pytest.fixture
def figure():
    limits = pd.DataFrame({"factor": ["us_export_controls", "row_trust_cn", "us_ban_cn_models"],
                           "kind": ["lever", "uncertainty", "lever"],
                           "lower": [0.6, -2.0, float("nan")], "upper": [1.0, -0.5, float("nan")],
                           "values": ["", "", "market"], "qp": [6e-7, 0.02, 1e-4]})
    trajectory = pd.DataFrame({"coverage": [1.0, 0.9, 0.7], "density": [0.1, 0.3, 0.8],
                               "mass": [1.0, 0.3, 0.09], "res_dim": [0, 1, 3],
                               "clean_coverage": [1.0, 0.9, 0.7],
                               "clean_density": [0.1, 0.3, 0.8], "clean_res_dim": [0, 1, 3]})
    box = Box(1, 0.7, 0.8, 0.09, 90, limits, trajectory, chosen=2)
    fig = boxes_figure([box], FACTORS, "Where rest-of-world developers on Chinese models > 0.5")
    yield fig
    plt.close(fig)


def texts(fig) -> list[str]:
    """Every text of the figure: titles, axis labels, ticks, legends."""
    found = [t.get_text() for t in fig.findobj(plt.Text)]
    return [t for t in found if t.strip()]


def test_prim_terms_are_explained_in_words(figure):
    trajectory, limits = figure.axes[:2]
    assert trajectory.get_xlabel() == COVERAGE and "cases of interest" in COVERAGE
    assert trajectory.get_ylabel().replace("\n", " ") == DENSITY
    assert "(coverage)" in limits.get_title() and "(mass)" in limits.get_title()
    assert not [t for t in texts(figure) if "qp" in t or "res dim" in t]


def test_the_count_of_limited_parameters_has_a_discrete_legend_not_a_colour_bar(figure):
    assert len(figure.axes) == 2  # a colour bar would be a third axes
    legend = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert {"without chance limits: 1 parameter limited",
            "without chance limits: 3 parameters limited"} <= set(legend)


def test_parameters_are_named_by_their_labels(figure):
    ticks = [t.get_text() for t in figure.axes[1].get_yticklabels()]
    assert ticks[0].startswith("US chip export controls (share denied) (policy)\n")
    assert ticks[1].startswith("row trust cn (assumption)")  # no label: the name in words
    assert ticks[0].endswith("p < 0.001") and ticks[1].endswith("p 0.02")
    assert not [t for t in ticks if "_" in t]
