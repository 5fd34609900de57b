"""Interactive explorer, model side: page controls -> the config the command line builds.

The browser page (:mod:`study.explorer.app`, a Mesa SolaraViz page) rebuilds the model from its
controls whenever Reset is pressed. This module holds everything that does not need Solara, so it
can be tested without a browser:

* :data:`LEVERS`: each control on the page, the config path it sets and its widget;
* :func:`lever_overrides`: control values -> Hydra overrides (``path=value``), exactly the words
  one would type after ``python -m experiments.run``;
* :func:`explorer_config`: scenario + overrides -> :class:`~sim.config.SimConfig` through
  :func:`sim.hydra_conf.load_config`, so a scenario picked on the page *is* ``scenario=...``;
* :class:`ExplorerModel`: the :class:`~sim.model.MarketModel` built from page values, with a
  Mesa ``DataCollector`` feeding the page's charts from the model's own results table.
"""

from __future__ import annotations

import math
import shlex
import threading
from dataclasses import dataclass, field
from enum import Enum
from functools import partial
from typing import Any

import mesa

from sim.config import SimConfig
from sim.enums import BLOCS, REGIONS, BanScope
from sim.paths import resolve_path
from sim.hydra_conf import CONFIG_DIR, load_config
from sim.model import MarketModel

__all__ = ["LEVERS", "SERIES", "ExplorerModel", "Lever", "command_line", "explorer_config",
           "lever_overrides", "page_params", "scenario_names"]

# Hydra's GlobalHydra is a process-wide singleton that load_config clears and re-initialises;
# the Solara server runs each browser session's Reset in its own thread.
_HYDRA_LOCK = threading.Lock()


def _baseline_value(path: str, missing: Any) -> Any:
    """The calibrated baseline's value at ``path`` (enum values as plain strings)."""
    try:
        value = resolve_path(SimConfig(), path)[2]
    except KeyError:
        value = None
    value = missing if value is None else value
    return value.value if isinstance(value, Enum) else value


@dataclass(frozen=True)
class Lever:
    """One control on the page: the config value it sets and how it is drawn.

    Attributes:
        path: dotted config path, as on the command line (``governments.US.export_controls``).
        label: text shown next to the widget.
        kind: Mesa/Solara widget type: ``SliderFloat``, ``SliderInt`` or ``Select``.
        lo: slider minimum.
        hi: slider maximum.
        step: slider increment.
        values: choices of a ``Select``.
        add_key: the path ends in a dict key the baseline may lack (needs Hydra's ``++``).
        missing: value shown when the baseline has no entry at ``path``.
        default: the starting value: the calibrated baseline's value at ``path``.
    """

    path: str
    label: str
    kind: str = "SliderFloat"
    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.05
    values: tuple[str, ...] = ()
    add_key: bool = False
    missing: Any = None
    default: Any = field(init=False)

    def __post_init__(self) -> None:
        # The page starts from the calibrated baseline, read from the typed schema so the
        # sliders cannot drift from sim/config.py and sim/roster.py.
        object.__setattr__(self, "default", _baseline_value(self.path, self.missing))

    def widget(self) -> dict[str, Any]:
        """The Mesa ``model_params`` entry (a user-adjustable input) for this control."""
        spec: dict[str, Any] = {"type": self.kind, "label": self.label, "value": self.default}
        if self.kind == "Select":
            spec["values"] = list(self.values)
        else:
            spec.update(min=self.lo, max=self.hi, step=self.step)
        return spec

    def is_default(self, value: Any) -> bool:
        """True if ``value`` is the control's starting value (then the scenario's value holds)."""
        if isinstance(self.default, (int, float)) and not isinstance(self.default, bool):
            return math.isclose(float(value), float(self.default), rel_tol=1e-9, abs_tol=1e-9)
        return str(value) == str(self.default)

    def override(self, value: Any) -> str:
        """The Hydra override that sets this control to ``value`` (command-line syntax)."""
        if self.kind == "SliderInt":
            text = str(int(round(float(value))))
        elif self.kind == "SliderFloat":
            text = format(float(value), ".6g")  # slider floats carry binary noise (0.7000001)
        else:
            text = str(value)
        return f"{'++' if self.add_key else ''}{self.path}={text}"


#: The page's controls, keyed by the ``ExplorerModel`` argument each one feeds. Labels are short
#: because Solara draws them beside the slider; docs/EXPLORER.md explains each one.
LEVERS: dict[str, Lever] = {
    "export_controls": Lever("governments.US.export_controls", "US export controls"),
    "control_leakage": Lever("governments.US.control_leakage", "Chip leakage"),
    "us_ban_on_cn": Lever("governments.US.bans.CN", "US ban on Chinese models", kind="Select",
                          values=tuple(s.value for s in BanScope), add_key=True,
                          missing=BanScope.none.value),
    "us_endorsement": Lever("governments.US.open_endorsement", "US endorses open"),
    "cn_endorsement": Lever("governments.CN.open_endorsement", "China endorses open"),
    "eu_subsidy": Lever("governments.EU.open_subsidy_usd_bn_per_year", "EU subsidy $bn/yr",
                        hi=100.0, step=1.0),
    "network_effect": Lever("developers.network_effect", "Network effect", hi=2.0, step=0.05),
    "n_developers": Lever("model.n_developers", "Developers", kind="SliderInt",
                          lo=1_000, hi=100_000, step=1_000),
    "seed": Lever("seed", "Random seed", kind="SliderInt", lo=0, hi=99, step=1),
}


def scenario_names() -> list[str]:
    """Scenario files in ``configs/scenario`` (what ``scenario=`` accepts), baseline first."""
    names = sorted(p.stem for p in (CONFIG_DIR / "scenario").glob("*.yaml"))
    return sorted(names, key=lambda n: n != "baseline")


def lever_overrides(values: dict[str, Any]) -> list[str]:
    """Hydra overrides for the controls moved away from their starting value.

    A control left at its starting value adds nothing, so the scenario's own value of that
    parameter holds and the page with untouched controls is exactly ``scenario=<name>``.

    Args:
        values: control name (a key of :data:`LEVERS`) -> value from the page.

    Raises:
        KeyError: for a name that is not a control.
    """
    unknown = set(values) - set(LEVERS)
    if unknown:
        raise KeyError(f"not explorer controls: {sorted(unknown)}")
    return [LEVERS[name].override(v) for name, v in values.items()
            if not LEVERS[name].is_default(v)]


def explorer_config(scenario: str = "baseline", overrides: list[str] | tuple[str, ...] = ()
                    ) -> SimConfig:
    """Compose the scenario with overrides, exactly as ``python -m experiments.run`` does."""
    if scenario not in scenario_names():
        raise ValueError(f"unknown scenario {scenario!r}; choose from {scenario_names()}")
    with _HYDRA_LOCK:
        return load_config(scenario, list(overrides))


def command_line(scenario: str, overrides: list[str] | tuple[str, ...]) -> str:
    """The command that runs the same configuration without the page."""
    words = ["python", "-m", "experiments.run", f"scenario={scenario}", *overrides]
    return " ".join(shlex.quote(w) for w in words)


def page_params() -> dict[str, Any]:
    """Mesa ``model_params`` for SolaraViz: the scenario choice and every control."""
    names = scenario_names()
    params: dict[str, Any] = {
        "scenario_name": {"type": "Select", "label": "Scenario",
                          "value": names[0], "values": names},
    }
    params.update({name: lever.widget() for name, lever in LEVERS.items()})
    return params


def _series() -> dict[str, tuple[str, str, str, str]]:
    regions = {"US": "US developers", "CN": "Chinese developers", "EU": "EU developers",
               "ROW": "rest-of-world developers", "global": "all developers"}
    blocs = {"US": "US", "CN": "Chinese", "EU": "EU"}
    out = {regions[r]: ("open_share", r, "", "") for r in [x.value for x in REGIONS] + ["global"]}
    out.update({f"on {blocs[b.value]} models": ("bloc_share", "ROW", b.value, "")
                for b in BLOCS})
    out.update({f"{blocs[b.value]} labs": ("frontier_capability", "", b.value, "")
                for b in BLOCS})
    out["closed price premium"] = ("closed_price_premium", "", "", "")
    out["US-China gap"] = ("us_china_gap_months", "", "", "")
    out["open-closed gap"] = ("open_closed_gap_months", "", "", "")
    return out


#: Chart series: DataCollector column -> (metric, region, bloc, lab) row of the results table.
SERIES: dict[str, tuple[str, str, str, str]] = _series()


def _report(model: "ExplorerModel", key: tuple[str, str, str, str]) -> float:
    # NaN, not 0, for a metric absent this month (no closed model -> no premium): the chart
    # shows a break instead of a false value.
    return model.latest.get(key, math.nan)


class ExplorerModel(MarketModel):
    """:class:`~sim.model.MarketModel` built from the page's controls, with chart data.

    Mesa's SolaraViz re-creates the model as ``ExplorerModel(**page values)`` on Reset, so the
    arguments are the keys of :func:`page_params`. (The scenario argument is not called
    ``scenario``: Mesa reserves that name for its own Scenario objects.)

    Args:
        scenario_name: a scenario file in ``configs/scenario`` (as ``scenario=`` takes).
        export_controls: see :data:`LEVERS` for this and the other controls.
        control_leakage: see :data:`LEVERS`.
        us_ban_on_cn: see :data:`LEVERS`.
        us_endorsement: see :data:`LEVERS`.
        cn_endorsement: see :data:`LEVERS`.
        eu_subsidy: see :data:`LEVERS`.
        network_effect: see :data:`LEVERS`.
        n_developers: see :data:`LEVERS`.
        seed: see :data:`LEVERS`.
    """

    def __init__(self, scenario_name: str = "baseline",
                 export_controls: float = LEVERS["export_controls"].default,
                 control_leakage: float = LEVERS["control_leakage"].default,
                 us_ban_on_cn: str = LEVERS["us_ban_on_cn"].default,
                 us_endorsement: float = LEVERS["us_endorsement"].default,
                 cn_endorsement: float = LEVERS["cn_endorsement"].default,
                 eu_subsidy: float = LEVERS["eu_subsidy"].default,
                 network_effect: float = LEVERS["network_effect"].default,
                 n_developers: int = LEVERS["n_developers"].default,
                 seed: int = LEVERS["seed"].default):
        self.scenario_name = scenario_name
        self.lever_values = {
            "export_controls": export_controls, "control_leakage": control_leakage,
            "us_ban_on_cn": us_ban_on_cn, "us_endorsement": us_endorsement,
            "cn_endorsement": cn_endorsement, "eu_subsidy": eu_subsidy,
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
