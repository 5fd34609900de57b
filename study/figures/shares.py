"""Market shares as stacked areas: developers by the bloc of the model they use, and by lab.

Drawn from the tidy table of one run or several (the mean across runs per month): the
``bloc_share`` rows of one region, and the ``lab_developer_share`` rows (global). What the
stacks leave below 100% is the developers on no bloc's or lab's model in the table.
"""

from __future__ import annotations

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from study.figures.style import BLOC_COLOURS, BLOC_NAMES, BLOCS, IN_REGION, band_note, \
    date_axis, format_axis
from study.tables import band, default_lab_blocs, dim_column, series, to_dates


def mean_shares(sel: pd.DataFrame, by: str) -> pd.DataFrame:
    """Mean share across runs per month (rows, calendar dates) and value of ``by`` (columns)."""
    sel = sel.assign(**{by: dim_column(sel[by].astype(object))})
    frame = {key: band(rows)["mean"] for key, rows in sel.groupby(by, sort=True)}
    out = pd.DataFrame(frame).fillna(0.0)
    out.index = to_dates(out.index)
    return out


def lab_colours(labs: list[str], lab_blocs: dict[str, str]) -> dict[str, str]:
    """A colour per lab: its bloc's colour, lighter for each further lab of the same bloc."""
    colours, seen = {}, {}
    for lab in labs:
        bloc = lab_blocs.get(lab, "")
        k = seen[bloc] = seen.get(bloc, -1) + 1
        base = mcolors.to_rgb(BLOC_COLOURS.get(bloc, "#999999"))
        mix = min(0.18 * k, 0.7)
        colours[lab] = mcolors.to_hex([c + (1 - c) * mix for c in base])
    return colours


def share_areas_figure(df: pd.DataFrame, region: str = "global",
                       lab_blocs: dict[str, str] | None = None) -> Figure:
    """Two stacked-area panels: developers by the bloc of their model, and by lab.

    Args:
        df: tidy rows of one run or several (mean across runs) with ``bloc_share`` and
            ``lab_developer_share`` rows.
        region: the region of the bloc panel (``global``, ``US``, ``CN``, ``EU``, ``ROW``).
        lab_blocs: lab name -> home bloc, for the labs' colours and order (default: the
            default roster's).
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2), constrained_layout=True)
    blocs = mean_shares(series(df, "bloc_share", region=region), "bloc")
    blocs = blocs[[b for b in BLOCS if b in blocs.columns]]
    left.stackplot(blocs.index, blocs.T.to_numpy(), labels=[BLOC_NAMES[b] for b in blocs],
                   colors=[BLOC_COLOURS[b] for b in blocs], alpha=0.85)
    left.set_title(f"Developers in {IN_REGION[region]}, by the bloc of their model", fontsize=10)
    lab_blocs = lab_blocs or default_lab_blocs()
    labs = mean_shares(series(df, "lab_developer_share"), "lab")
    order = sorted(labs.columns, key=lambda lab: (_bloc_rank(lab_blocs.get(lab)), lab))
    colours = lab_colours(order, lab_blocs)
    right.stackplot(labs.index, labs[order].T.to_numpy(),
                    labels=[f"{lab} ({lab_blocs.get(lab, 'other')})" for lab in order],
                    colors=[colours[lab] for lab in order], alpha=0.9, edgecolor="white",
                    lw=0.4)
    right.set_title("Developers worldwide, by the lab of their model", fontsize=10)
    for ax, ncol in ((left, 1), (right, 2)):
        ax.set_ylim(0, 1)
        ax.set_xlim(blocs.index.min() if len(blocs) else None,
                    blocs.index.max() if len(blocs) else None)
        format_axis(ax, "share of the region's developers" if ax is left
                    else "share of developers")
        date_axis(ax)
        handles, names = ax.get_legend_handles_labels()
        ax.legend(handles[::-1], names[::-1], frameon=False, fontsize=7, ncol=ncol,
                  loc="upper left", bbox_to_anchor=(1.0, 1.0))
    note = band_note(df)
    if note:
        fig.suptitle(note.split(";")[0].replace("lines", "areas"), fontsize=8)
    return fig


def _bloc_rank(bloc: str | None) -> int:
    """Position of a bloc in :data:`~study.figures.style.BLOCS` (unknown blocs last)."""
    return BLOCS.index(bloc) if bloc in BLOCS else len(BLOCS)
