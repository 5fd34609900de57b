"""The explorer page's controls, and the config the command line would build from them.

Each control sets one value of the config. Policy levers and uncertain parameters are declared
once, in the uncertainty space (``configs/uncertainty/default.yaml``, read by
:func:`study.uncertainty.load_space`): a control on one of them takes its config path, its range
or its choices from there, so the page offers exactly the range the sensitivity analysis and
scenario discovery explore. The page adds only a widget's short label and step. Two controls are
settings of a run rather than levers (the number of simulated developers and the seed); the
analyses never vary them, so their ranges are the page's own.

* :data:`LEVERS`: each control, keyed by its name in the uncertainty space (or the setting's);
* :func:`lever_overrides`: control values -> Hydra overrides (``path=value``), exactly the words
  one would type after ``python -m experiments.run``;
* :func:`explorer_config`: scenario + overrides -> :class:`~sim.config.SimConfig` through
  :func:`sim.hydra_conf.load_config`, so a scenario picked on the page *is* ``scenario=...``.
"""

from __future__ import annotations

import math
import shlex
import threading
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from sim.config import SimConfig
from sim.enums import BanScope
from sim.hydra_conf import load_config, scenario_names
from sim.paths import resolve_path
from study.uncertainty import Space, load_space

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


def step_decimals(step: float) -> int:
    """Decimal places of a slider step, as the browser's slider counts them."""
    # as JavaScript's Number.toString(), which writes steps down to 1e-6 without exponent
    text = f"{step:.12f}".rstrip("0")
    return len(text.split(".")[1])


def slider_value(value: float, lo: float, hi: float, step: float) -> float:
    """What the browser's slider makes of ``value``: Vuetify 2's ``VSlider.roundValue``.

    The slider snaps to ``min % step + k * step`` and rounds to the step's decimals; a value
    off that grid is moved (and reported back as changed) when the page opens.
    """
    offset = math.fmod(lo, step)
    # Math.round rounds halves up, unlike Python's round
    snapped = math.floor((float(value) - offset) / step + 0.5) * step + offset
    return round(min(snapped, hi), step_decimals(step))


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
        factor: the name of the factor in the uncertainty space ("" for a run setting).
        default: the starting value: the calibrated baseline's value at ``path``.

    Raises:
        ValueError: if a slider cannot hold the baseline value (its step grid misses it).
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
    factor: str = ""
    default: Any = field(init=False)

    def __post_init__(self) -> None:
        # The page starts from the calibrated baseline, read from the typed schema so the
        # sliders cannot drift from sim/config.py (with the agents' sim/config_*.py) and
        # sim/roster.py.
        object.__setattr__(self, "default", _baseline_value(self.path, self.missing))
        if self.kind != "Select" and self.slider_value(self.default) != self.default:
            raise ValueError(f"{self.path}: a slider from {self.lo} in steps of {self.step} "
                             f"cannot hold the baseline {self.default}; choose another step")

    @property
    def decimals(self) -> int:
        """Decimal places of the step, as the browser's slider counts them."""
        return step_decimals(self.step)

    def slider_value(self, value: float) -> float:
        """What the browser's slider makes of ``value`` (:func:`slider_value`)."""
        return slider_value(value, self.lo, self.hi, self.step)

    def display(self, value: Any) -> str:
        """The value as shown beside the control (the step's decimals; thousands separated)."""
        if self.kind == "Select":
            return str(value)
        if self.kind == "SliderInt":
            return f"{int(round(float(value))):,}"
        return f"{float(value):.{self.decimals}f}"

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


def space_lever(space: Space, name: str, label: str, step: float = 0.05,
                missing: Any = None) -> Lever:
    """A control over factor ``name`` of the uncertainty space: its path and range or values.

    Args:
        space: the uncertainty space (:func:`study.uncertainty.load_space`).
        name: a lever or uncertainty of ``space``.
        label: the widget's short label.
        step: the slider's increment.
        missing: value shown when the baseline has no entry at the factor's path.
    """
    f = space.by_name[name]
    add_key = f.default is None  # as the factor's own override: Hydra's ++ adds the key
    if f.categorical:
        return Lever(f.path, label, "Select", values=tuple(f.format(v) for v in f.values),
                     add_key=add_key, missing=missing, factor=name)
    assert f.lo is not None and f.hi is not None
    kind = "SliderInt" if f.integer else "SliderFloat"
    baseline = _baseline_value(f.path, missing)
    if kind == "SliderFloat" and isinstance(baseline, float):
        # a calibrated baseline (0.989418) lies off a round step: refine the step to the
        # baseline's own decimals so the page opens on it
        text = format(baseline, "g")
        decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 0
        if decimals and slider_value(baseline, f.lo, f.hi, step) != baseline:
            step = 10.0 ** -decimals
    return Lever(f.path, label, kind, lo=f.lo, hi=f.hi, step=step, add_key=add_key,
                 missing=missing, factor=name)


#: The uncertainty space the page's levers come from.
SPACE = load_space("default")

#: The page's controls, keyed by the ``ExplorerModel`` argument each one feeds: the factor's name
#: in the uncertainty space, or the run setting's. Labels are short because Solara draws them
#: beside the slider; docs/EXPLORER.md explains each one.
LEVERS: dict[str, Lever] = {
    "us_export_controls": space_lever(SPACE, "us_export_controls", "US export controls"),
    "us_control_leakage": space_lever(SPACE, "us_control_leakage", "Chip leakage"),
    "us_ban_cn_models": space_lever(SPACE, "us_ban_cn_models", "US ban on Chinese models",
                                    missing=BanScope.none.value),
    "us_open_endorsement": space_lever(SPACE, "us_open_endorsement", "US endorses open"),
    "cn_open_endorsement": space_lever(SPACE, "cn_open_endorsement", "China endorses open"),
    "eu_open_subsidy": space_lever(SPACE, "eu_open_subsidy", "EU subsidy $bn/yr", step=0.1),
    "network_effect": space_lever(SPACE, "network_effect", "Network effect"),
    # settings of a run, not levers: the analyses never vary them
    "n_developers": Lever("model.n_developers", "Developers", kind="SliderInt",
                          lo=1_000, hi=100_000, step=1_000),
    "seed": Lever("seed", "Random seed", kind="SliderInt", lo=0, hi=99, step=1),
}


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
