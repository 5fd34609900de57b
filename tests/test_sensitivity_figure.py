"""The sensitivity figure and the convergence check of Sobol' indices, on synthetic indices."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from study.figures.sensitivity import indices_figure
from study.figures.style import factor_labels
from study.sensitivity import MAX_CONF, convergence_note, convergence_problems, \
    convergence_warnings
from study.uncertainty import OUTCOMES, Factor

FACTORS = [Factor("network_effect", "developers.network_effect", "uncertainty", 0.0, 1.5,
                  label="network effect (pull of a popular model family)"),
           Factor("us_export_controls", "governments.US.export_controls", "lever", 0.0, 1.0),
           Factor("switching_cost", "developers.switching_cost", "uncertainty", 0.0, 4.0,
                  label="cost of switching models")]


def indices(rows: list[tuple[str, str, str, float, float]]) -> pd.DataFrame:
    """An indices table (:func:`study.sensitivity.analyse`) from (outcome, factor, index,
    value, conf)."""
    kinds = {f.name: f.kind for f in FACTORS}
    return pd.DataFrame([{"method": "sobol", "outcome": o, "factor": f, "kind": kinds[f],
                          "index": i, "value": v, "conf": c} for o, f, i, v, c in rows])


CONVERGED = [("open_share", "network_effect", "S1", 0.40, 0.05),
             ("open_share", "network_effect", "ST", 0.55, 0.06),
             ("open_share", "us_export_controls", "S1", -0.02, 0.03),  # 0 within its interval
             ("open_share", "us_export_controls", "ST", 0.03, 0.02),
             ("open_share", "switching_cost", "S1", 0.30, 0.04),
             ("open_share", "switching_cost", "ST", 0.35, 0.05)]
UNCONVERGED = [("row_cn_share", "network_effect", "S1", -0.20, 0.08),
               ("row_cn_share", "network_effect", "ST", 1.30, 0.15),
               ("row_cn_share", "us_export_controls", "S1", 0.10, 0.25),
               ("row_cn_share", "us_export_controls", "ST", 0.50, 0.05),
               ("row_cn_share", "switching_cost", "S1", -0.15, 0.05),
               ("row_cn_share", "switching_cost", "ST", 0.20, 0.05)]
NOISE = pd.DataFrame({"outcome": ["open_share", "row_cn_share"], "runs": 8,
                      "param_sd": 0.1, "noise_sd": 0.01, "noise_share": [0.05, 0.1]})


def test_indices_inside_zero_one_within_their_interval_have_converged():
    assert convergence_problems(indices(CONVERGED)).empty


def test_indices_outside_zero_one_beyond_their_interval_or_too_vague_are_flagged():
    problems = convergence_problems(indices(CONVERGED + UNCONVERGED))
    found = {(r.factor, r.index): r.problem for r in problems.itertuples()}
    assert set(problems.outcome) == {"row_cn_share"}
    assert found == {("network_effect", "S1"): "S1 < 0", ("network_effect", "ST"): "ST > 1",
                     ("us_export_controls", "S1"): f"S1 interval wider than ± {MAX_CONF:g}",
                     ("switching_cost", "S1"): "S1 < 0"}


def test_a_stricter_threshold_flags_more_intervals():
    assert len(convergence_problems(indices(CONVERGED), max_conf=0.045)) == 3  # 0.05, 0.06, 0.05


def test_the_warning_names_outcome_factor_and_index_and_suggests_a_larger_n():
    problems = convergence_problems(indices(CONVERGED + UNCONVERGED))
    (line,) = convergence_warnings(problems, 64)
    assert line.startswith("warning: Sobol' indices of row_cn_share not converged at n=64")
    assert "S1 < 0 for network_effect, switching_cost" in line
    assert "ST > 1 for network_effect" in line
    assert line.endswith("use a larger n (e.g. n=256)")
    assert convergence_note(problems, "open_share") == ""


def test_factor_labels_are_the_declared_labels_else_words():
    names = factor_labels([f.name for f in FACTORS], FACTORS)
    assert names == {"network_effect": "network effect (pull of a popular model family)",
                     "us_export_controls": "us export controls",
                     "switching_cost": "cost of switching models"}


def test_every_default_factor_has_a_label_in_words():
    names = factor_labels(["network_effect", "us_ban_cn_models"])
    assert all("_" not in n for n in names.values())


@pytest.fixture
def figure():
    fig = indices_figure(indices(CONVERGED + UNCONVERGED), NOISE, factors=FACTORS)
    yield fig
    plt.close(fig)


def test_the_chart_names_factors_and_outcomes_in_words(figure):
    left, right = figure.axes[:2]
    ticks = {t.get_text() for t in left.get_yticklabels()}
    assert ticks == {"network effect (pull of a popular model family)",
                     "us export controls (policy)", "cost of switching models"}
    assert all("_" not in t.get_text() for ax in figure.axes for t in ax.texts)
    assert left.get_title().startswith(OUTCOMES["open_share"].label)
    assert right.get_title().startswith(OUTCOMES["row_cn_share"].label)
    assert "variance" in left.get_xlabel()
    legend = [t.get_text() for t in left.get_legend().get_texts()]
    assert legend[0].startswith("first order") and legend[1].startswith("total")


def test_the_chart_marks_the_unconverged_panel_only(figure):
    left, right = figure.axes[:2]
    notes = [t.get_text().replace("\n", " ") for t in right.texts]
    assert not [t for t in left.texts if "not converged" in t.get_text()]
    (note,) = [t for t in notes if t.startswith("not converged")]
    assert "S1 < 0 for network effect (pull of a popular model family), cost of switching" \
        " models" in note and note.endswith("use a larger n")
    figure.canvas.draw()  # the note lies inside the figure once laid out
    box = right.texts[-1].get_window_extent()
    assert box.y0 >= 0 and np.isfinite(box.y0)
