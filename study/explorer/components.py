"""Custom Solara components of the explorer page, for views Mesa has no component for.

* :func:`KeyNumbers`: the month, headline outcomes, the policy levers in force *now* (scheduled
  events change them mid-run) and the equivalent command line;
* :func:`LabTable`: each lab's posture (open/hybrid/closed) and revenue;
* :func:`Chart`: one chart of :data:`study.explorer.charts.CHART_SPECS`;
* :func:`LeverInputs`: the model parameters, each slider with its value beside it.

Cards render one HTML snippet rather than a tree of widgets: one widget update per step keeps the
page responsive while playing. The HTML builders are plain functions so they can be tested
without a browser; every number carries a ``data-key`` attribute for the browser test, and each
card's root carries ``data-step``, the model step it shows, so a test can wait for a step to be
drawn instead of waiting for a time.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from typing import Any

import solara
from mesa.visualization.utils import update_counter

from sim.enums import OPENNESS, Posture
from study.explorer.charts import CHART_SPECS, LiveChart, calendar_month, model_chart_html
from study.explorer.levers import LEVERS
from study.outcomes import CATALOGUE

if TYPE_CHECKING:  # pragma: no cover
    from study.explorer.model import ExplorerModel

#: Posture colours as in study.figures.run.plot_postures (Okabe-Ito: closed vermilion, hybrid
#: yellow, open bluish green), so the page and the saved figures agree.
POSTURE_COLOURS = {Posture.closed: "#D55E00", Posture.hybrid: "#F0E442", Posture.open: "#009E73"}
_CELL = "padding:0 6px;text-align:right;white-space:nowrap;"
_HEAD = "padding:0 6px;text-align:right;border-bottom:1px solid #999;font-weight:600;"
_BOX = "font-size:85%;line-height:1.45"


def month_label(model: "ExplorerModel") -> str:
    """Calendar month of the model's current step, e.g. ``2025-04``."""
    return calendar_month(model.cfg_initial.model.start_year, model.month)


def _value(key: str, text: str) -> str:
    return f'<b data-key="{key}">{html.escape(text)}</b>'


def key_numbers_html(model: "ExplorerModel") -> str:
    """The summary card: month, headline outcomes, levers in force and the command line."""
    latest, c = model.latest, CATALOGUE
    us = model.cfg.governments.get("US")
    ban = us.bans.get("CN") if us else None
    ban_text = getattr(ban, "value", ban) or "none"
    n_open = int(latest.get(c["open_labs"].key, 0))
    rows = [
        ("Month", _value("month", month_label(model))
         + f" (step {model.month} of {model.horizon - 1})"),
        (c["open_share"].brief,
         _value("open_share", f"{latest[c['open_share'].key]:.1%}")),
        (c["row_cn_share"].label,
         _value("row_on_cn", f"{latest[c['row_cn_share'].key]:.1%}")),
        (c["us_china_gap"].label,
         _value("us_china_gap", f"{latest[c['us_china_gap'].key]:.1f}") + " months"),
        (c["open_labs"].label, _value("n_open_labs", str(n_open)) + f" of {len(model.labs)}"),
        ("US export controls in force",
         _value("export_controls", f"{us.export_controls:.2f}" if us else "n/a")),
        (c["cn_chip_access"].label,
         _value("chip_access_cn", f"{latest[c['cn_chip_access'].key]:.0%}")),
        ("US ban on Chinese models in force", _value("us_ban_on_cn", ban_text)),
    ]
    body = "".join(f"<tr><td style='padding:0 12px 0 0'>{html.escape(k)}</td><td>{v}</td></tr>"
                   for k, v in rows)
    return (
        f"<div style='{_BOX}' data-step='{model.month}' data-model='{model.serial}'>"
        f"<div>Scenario <b data-key='scenario'>{html.escape(model.scenario_name)}</b></div>"
        f"<table style='margin:4px 0'>{body}</table>"
        "<div>Same run from the command line:</div>"
        f"<code data-key='command' style='word-break:break-all'>"
        f"{html.escape(model.command_line)}</code>"
        "<div style='margin-top:4px;color:#555'>Controls apply on <b>Reset</b>; <b>Step</b> is "
        "one month.</div></div>")


def lab_table_html(model: "ExplorerModel") -> str:
    """One row per lab: bloc, posture, revenue (with a bar), developer share, lag, cash."""
    latest, names = model.latest, model.lab_names
    revenue = {n: latest[("lab_revenue_usd_bn", "", "", n)] for n in names}
    top = max(max(revenue.values()), 1e-12)
    frontier = max(latest[("lab_capability", "", "", n)] for n in names)
    per_month = model.cfg.model.capability_oom_per_month
    head = "".join(f"<th style='{_HEAD}' title='{t}'>{h}</th>" for h, t in (
        ("lab", "lab"), ("bloc", "home bloc"), ("posture", "release posture this month"),
        ("revenue", "revenue this month, USD bn (API + captured services)"),
        ("devs", "global share of developers on the lab's models"),
        ("lag", "months behind the best lab's flagship"), ("cash", "cash, USD bn")))
    rows = []
    for lab in model.labs:
        n = lab.name
        colour = POSTURE_COLOURS[lab.posture]
        width = int(round(50 * revenue[n] / top))
        fixed = " *" if lab.locked else ""  # a scheduled event fixed this posture
        rows.append(
            f"<tr data-lab='{html.escape(n)}'>"
            f"<td style='{_CELL}text-align:left'>{html.escape(n)}</td>"
            f"<td style='{_CELL}text-align:left'>{html.escape(model.cfg.labs[n].bloc.value)}</td>"
            f"<td style='{_CELL}text-align:left'><span data-key='posture' "
            f"data-openness='{OPENNESS[lab.posture]}' style='background:{colour};"
            f"padding:0 6px;border-radius:3px'>{lab.posture.value}</span>{fixed}</td>"
            f"<td style='{_CELL}'><span style='display:inline-block;height:8px;width:{width}px;"
            f"background:#0072B2;margin-right:4px'></span>"
            f"<span data-key='revenue'>{revenue[n]:.3f}</span></td>"
            f"<td style='{_CELL}'>{latest[('lab_developer_share', '', '', n)]:.1%}</td>"
            f"<td style='{_CELL}'>"
            f"{(frontier - latest[('lab_capability', '', '', n)]) / per_month:.1f}</td>"
            f"<td style='{_CELL}'>{latest[('lab_cash_usd_bn', '', '', n)]:.1f}</td></tr>")
    return (f"<div style='{_BOX};overflow-x:auto' data-step='{model.month}'>"
            "<table class='lab-table' style='border-collapse:collapse'>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            "<div style='color:#555'>revenue: USD bn this month; devs: share of developers; "
            "lag: months behind the leading lab; cash: USD bn; *: posture fixed by a "
            "scenario event</div></div>")


@solara.component
def KeyNumbers(model: "ExplorerModel"):
    """Card with the month, headline outcomes, levers in force and the command line."""
    update_counter.get()  # re-render after each Step/Play tick (Mesa bumps this counter)
    with solara.Card("Key numbers", classes=["explorer-summary"]):
        solara.HTML(tag="div", unsafe_innerHTML=key_numbers_html(model))


@solara.component
def LabTable(model: "ExplorerModel"):
    """Card with each lab's posture and revenue this month."""
    update_counter.get()
    with solara.Card("Labs: posture and revenue", classes=["explorer-labs"]):
        solara.HTML(tag="div", unsafe_innerHTML=lab_table_html(model))


@solara.component
def Chart(model: "ExplorerModel", index: int):
    """Card with chart ``index`` of :data:`~study.explorer.charts.CHART_SPECS`, once a month."""
    update_counter.get()
    spec = CHART_SPECS[index]
    # one figure per session and chart, rebuilt only when Reset brings a new model
    chart = solara.use_memo(lambda: LiveChart(spec, model.cfg_initial.model.start_year,
                                              model.horizon), dependencies=[model])
    img = solara.use_memo(lambda: model_chart_html(chart, model),
                          dependencies=[model, model.month])
    with solara.Card(classes=["explorer-chart"]):
        solara.HTML(tag="div", unsafe_innerHTML=img)


def _on(params: solara.Reactive[dict], name: str):
    return lambda value: params.set({**params.value, name: value})


def _lever_row(name: str, spec: dict[str, Any], params: solara.Reactive[dict]) -> None:
    """One control: the widget, and for a slider its value beside it."""
    value = params.value.get(name, spec["value"])
    if spec["type"] == "Select":
        solara.Select(spec["label"], value=value, values=spec["values"],
                      on_value=_on(params, name))
        return
    slider = solara.SliderFloat if spec["type"] == "SliderFloat" else solara.SliderInt
    with solara.Row(classes=["explorer-lever"], style={"align-items": "center"}):
        slider(spec["label"], value=value, min=spec["min"], max=spec["max"], step=spec["step"],
               on_value=_on(params, name), thumb_label=False)
        text = html.escape(LEVERS[name].display(value))
        solara.HTML(tag="span", classes=["explorer-lever-value"],
                    unsafe_innerHTML=f"<span data-lever='{name}'>{text}</span>")


@solara.component
def LeverInputs(params: solara.Reactive[dict], specs: dict[str, dict[str, Any]]):
    """The model parameters (:func:`~study.explorer.levers.page_params`), values shown."""
    for name, spec in specs.items():
        _lever_row(name, spec, params)
