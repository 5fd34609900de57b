"""Stacked-area market shares by bloc and by lab, on a synthetic table of two seeds."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from study.figures.shares import lab_colours, mean_shares, share_areas_figure
from study.figures.style import BLOC_COLOURS, BLOC_NAMES
from study.tables import series

LAB_BLOCS = {"openai": "US", "meta": "US", "deepseek": "CN", "mistral": "EU"}
BLOC_VALUES = {"US": (0.5, 0.4), "CN": (0.3, 0.4), "EU": (0.1, 0.1)}  # months 0 and 1
LAB_VALUES = {"openai": (0.3, 0.2), "meta": (0.2, 0.2), "deepseek": (0.3, 0.4),
              "mistral": (0.1, 0.1)}


def table() -> pd.DataFrame:
    """Two seeds, two months; seed 1 is seed 0 plus 0.02 on every row (the mean adds 0.01)."""
    rows = []
    for seed in (0, 1):
        for month, date in enumerate(("2025-01", "2025-02")):
            base = {"run_id": f"r{seed}", "scenario": "baseline", "seed": seed,
                    "month": month, "date": date}
            rows += [{**base, "metric": "bloc_share", "region": region, "bloc": b, "lab": "",
                      "value": v[month] * (0.5 if region == "ROW" else 1) + 0.02 * seed}
                     for b, v in BLOC_VALUES.items() for region in ("global", "ROW")]
            rows += [{**base, "metric": "lab_developer_share", "region": "", "bloc": "",
                      "lab": lab, "value": v[month] + 0.02 * seed}
                     for lab, v in LAB_VALUES.items()]
    return pd.DataFrame(rows)


def test_mean_shares_average_the_runs_per_calendar_month():
    shares = mean_shares(series(table(), "bloc_share", region="global"), "bloc")
    assert list(shares.index.strftime("%Y-%m")) == ["2025-01", "2025-02"]
    assert shares.loc["2025-02-01", "CN"] == pytest.approx(0.41)


def test_labs_take_their_bloc_colour_lighter_for_each_further_lab():
    colours = lab_colours(["openai", "meta", "deepseek"], LAB_BLOCS)
    assert colours["openai"] == BLOC_COLOURS["US"].lower()
    assert colours["deepseek"] == BLOC_COLOURS["CN"].lower()
    assert colours["meta"] not in (colours["openai"], colours["deepseek"])


@pytest.fixture
def figure():
    fig = share_areas_figure(table(), lab_blocs=LAB_BLOCS)
    yield fig
    plt.close(fig)


def test_stacks_reach_the_sum_of_the_shares(figure):
    blocs, labs = figure.axes[:2]
    top = blocs.collections[-1].get_paths()[0].vertices[:, 1].max()
    assert top == pytest.approx(max(sum(v[m] for v in BLOC_VALUES.values()) + 0.03
                                    for m in (0, 1)))
    top = labs.collections[-1].get_paths()[0].vertices[:, 1].max()
    assert top == pytest.approx(0.94)  # 0.9 in month 1, plus 4 labs x 0.01


def test_legends_colours_and_axes_are_in_words(figure):
    blocs, labs = figure.axes[:2]
    names = [t.get_text() for t in blocs.get_legend().get_texts()]
    assert names == [BLOC_NAMES[b] for b in ("EU", "CN", "US")]  # the top area first
    faces = [tuple(np.round(c.get_facecolor()[0][:3], 3)) for c in blocs.collections]
    assert faces[0] == tuple(np.round(plt.matplotlib.colors.to_rgb(BLOC_COLOURS["US"]), 3))
    lab_names = [t.get_text() for t in labs.get_legend().get_texts()]
    assert set(lab_names) == {"openai (US)", "meta (US)", "deepseek (CN)", "mistral (EU)"}
    assert "%" in blocs.get_ylabel() and "mean of 2 runs" in figure.get_suptitle()
    assert "world" in blocs.get_title()


def test_the_bloc_panel_shows_the_region_asked_for():
    fig = share_areas_figure(table(), region="ROW", lab_blocs=LAB_BLOCS)
    ax = fig.axes[0]
    top = ax.collections[-1].get_paths()[0].vertices[:, 1].max()
    assert top == pytest.approx(0.45 + 0.03) and "rest of the world" in ax.get_title()
    plt.close(fig)
