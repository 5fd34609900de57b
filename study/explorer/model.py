"""The explorer's model: a :class:`~sim.model.MarketModel` built from the page's controls.

:class:`ExplorerModel` composes its config from the scenario and the controls
(:mod:`study.explorer.levers`) and feeds the page's charts through a Mesa ``DataCollector`` that
reads the model's own results table: :data:`SERIES` names each chart line's row of that table,
taken from the outcome catalogue (:mod:`study.outcomes`).
"""

from __future__ import annotations

import itertools
import math
from functools import partial

import mesa

from sim.enums import BLOCS, REGIONS
from sim.model import MarketModel
from study.explorer.levers import LEVERS, command_line, explorer_config, lever_overrides
from study.figures.style import BLOC_NAMES
from study.outcomes import CATALOGUE

#: A region's developers, as the open-share chart's legend names them.
_DEVELOPERS = {"US": "US developers", "CN": "Chinese developers", "EU": "EU developers",
               "ROW": "rest-of-world developers", "global": "all developers"}
#: A bloc's models, as the rest-of-world chart's legend names them.
_MODELS = {"US": "on US models", "CN": "on Chinese models", "EU": "on EU models"}


def _series() -> dict[str, tuple[str, str, str, str]]:
    open_share, row_cn = CATALOGUE["open_share"], CATALOGUE["row_cn_share"]
    # the open share in every region, and whose models rest-of-world developers use
    out = {_DEVELOPERS[r]: (open_share.metric, r, open_share.bloc, open_share.lab)
           for r in [x.value for x in REGIONS] + [open_share.region]}
    out.update({_MODELS[b.value]: (row_cn.metric, row_cn.region, b.value, row_cn.lab)
                for b in BLOCS})
    out.update({BLOC_NAMES[b.value]: ("frontier_capability", "", b.value, "") for b in BLOCS})
    out.update({o.label: o.key for o in (CATALOGUE[name] for name in (
        "closed_premium", "us_china_gap", "open_closed_gap"))})
    return out


#: Chart series: DataCollector column -> (metric, region, bloc, lab) row of the results table.
SERIES: dict[str, tuple[str, str, str, str]] = _series()


def _report(model: ExplorerModel, key: tuple[str, str, str, str]) -> float:
    # NaN, not 0, for a metric absent this month (no closed model -> no premium): the chart
    # shows a break instead of a false value.
    return model.latest.get(key, math.nan)


#: Serial numbers of the models built in this process: the page marks which model it shows, so a
#: test can tell that Reset has built a new one even when nothing else on the page changes.
_BUILT = itertools.count(1)


class ExplorerModel(MarketModel):
    """:class:`~sim.model.MarketModel` built from the page's controls, with chart data.

    Mesa's SolaraViz re-creates the model as ``ExplorerModel(**page values)`` on Reset, so the
    arguments are the keys of :func:`~study.explorer.levers.page_params`. (The scenario argument
    is not called ``scenario``: Mesa reserves that name for its own Scenario objects.)

    Args:
        scenario_name: a scenario file in ``configs/scenario`` (as ``scenario=`` takes).
        us_export_controls: see :data:`~study.explorer.levers.LEVERS` for this and the other
            controls (each named as in the uncertainty space).
        us_control_leakage: see :data:`~study.explorer.levers.LEVERS`.
        us_ban_cn_models: see :data:`~study.explorer.levers.LEVERS`.
        us_open_endorsement: see :data:`~study.explorer.levers.LEVERS`.
        cn_open_endorsement: see :data:`~study.explorer.levers.LEVERS`.
        eu_open_subsidy: see :data:`~study.explorer.levers.LEVERS`.
        network_effect: see :data:`~study.explorer.levers.LEVERS`.
        n_developers: see :data:`~study.explorer.levers.LEVERS`.
        seed: see :data:`~study.explorer.levers.LEVERS`.
    """

    def __init__(self, scenario_name: str = "baseline",
                 us_export_controls: float = LEVERS["us_export_controls"].default,
                 us_control_leakage: float = LEVERS["us_control_leakage"].default,
                 us_ban_cn_models: str = LEVERS["us_ban_cn_models"].default,
                 us_open_endorsement: float = LEVERS["us_open_endorsement"].default,
                 cn_open_endorsement: float = LEVERS["cn_open_endorsement"].default,
                 eu_open_subsidy: float = LEVERS["eu_open_subsidy"].default,
                 network_effect: float = LEVERS["network_effect"].default,
                 n_developers: int = LEVERS["n_developers"].default,
                 seed: int = LEVERS["seed"].default):
        self.scenario_name = scenario_name
        self.serial = next(_BUILT)
        self.lever_values = {
            "us_export_controls": us_export_controls, "us_control_leakage": us_control_leakage,
            "us_ban_cn_models": us_ban_cn_models, "us_open_endorsement": us_open_endorsement,
            "cn_open_endorsement": cn_open_endorsement, "eu_open_subsidy": eu_open_subsidy,
            "network_effect": network_effect, "n_developers": n_developers, "seed": seed}
        self.overrides = lever_overrides(self.lever_values)
        super().__init__(explorer_config(scenario_name, self.overrides))
        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(_report, key=key) for name, key in SERIES.items()})
        self._collect()

    @property
    def command_line(self) -> str:
        """The command that runs this configuration without the page."""
        return command_line(self.scenario_name, self.overrides)

    @property
    def horizon(self) -> int:
        """Number of months in a run (month 0 is the initial state)."""
        return self.cfg_initial.model.horizon_months

    def _collect(self) -> None:
        self.latest = self.recorder.latest()
        self.datacollector.collect(self)

    def step(self) -> None:
        """Advance one month and record chart data; stop at the configured horizon."""
        super().step()
        self._collect()
        # Same length as a command-line run; the page's Play/Step buttons stop here.
        self.running = self.month < self.horizon - 1
