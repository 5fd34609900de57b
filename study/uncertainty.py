"""The model's uncertain parameters and policy levers, declared once, and the outcomes studied.

``configs/uncertainty/<name>.yaml`` (default: ``default``) lists, EMA-workbench style,

- ``uncertainties``: parameters nobody controls and nobody knows well (network-effect strength,
  community improvement rate, open-release spillover, domestic chips, price sensitivity, ...);
- ``levers``: what governments choose (export controls, bans, endorsement, subsidies, ...);

each with a range (or a list of values), a source or rationale, and optionally ``log: true``
(sampled uniformly in log space) or ``control: true`` (a parameter the outcomes provably ignore,
kept as a check of the estimators). The sensitivity analysis, scenario discovery and calibration
all read this one list through :func:`load_space`, which checks that every path exists in
:class:`~sim.config.SimConfig` and that every range lies inside the field's allowed range.

Points are drawn in the unit hypercube and mapped to values by :meth:`Factor.from_unit`; each
point becomes one job's Hydra overrides (:func:`job_overrides`). :data:`OUTCOMES` names the
outcomes the analyses report (taken from the catalogue :mod:`study.outcomes`) and
:func:`outcome_table` measures them from a results table. The explorer's sliders take their
ranges from the same space (:mod:`study.explorer.levers`).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
import yaml

from sim.config import SimConfig
from sim.hydra_conf import CONFIG_DIR
from sim.paths import coerce_at, declared_type, resolve_path, set_path
from sim.validate import ConfigError, settable_hint, validate
from study.outcomes import CATALOGUE, Outcome

#: Folder of the uncertainty config group.
UNCERTAINTY_DIR = CONFIG_DIR / "uncertainty"
KINDS = ("uncertainties", "levers")
ENTRY_KEYS = {"path", "range", "values", "log", "source", "rationale", "control", "label"}


@dataclass(frozen=True)
class Factor:
    """One uncertain parameter or policy lever.

    Attributes:
        name: short name used in tables and charts.
        path: dotted parameter path in :class:`~sim.config.SimConfig`.
        kind: ``uncertainty`` or ``lever``.
        lo: lower end of a numeric range (None for a categorical factor).
        hi: upper end of a numeric range.
        values: allowed values of a categorical factor (enum values, booleans).
        log: sample uniformly in log space.
        integer: the field is an int (values are rounded).
        default: the value in ``SimConfig()`` (None if the path is an absent dict key).
        source: where the range comes from (a calibration key or ``assumption``).
        rationale: why the range is what it is.
        control: the outcomes provably ignore this parameter (a check, not a driver).
        label: longer label for charts.
    """

    name: str
    path: str
    kind: str
    lo: float | None = None
    hi: float | None = None
    values: tuple = ()
    log: bool = False
    integer: bool = False
    default: Any = None
    source: str = ""
    rationale: str = ""
    control: bool = False
    label: str = ""

    @property
    def categorical(self) -> bool:
        """True for a factor with a list of values rather than a range."""
        return bool(self.values)

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map points of [0, 1] to values of this factor (object array for categorical)."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        if self.categorical:
            idx = np.minimum((u * len(self.values)).astype(int), len(self.values) - 1)
            return np.array(self.values, dtype=object)[idx]
        assert self.lo is not None and self.hi is not None
        if self.log:
            x = np.exp(np.log(self.lo) + u * (np.log(self.hi) - np.log(self.lo)))
        else:
            x = self.lo + u * (self.hi - self.lo)
        return np.round(x).astype(int) if self.integer else _round_sig(x)

    def format(self, value: Any) -> str:
        """The value as it appears in a Hydra override."""
        if isinstance(value, (bool, np.bool_)):
            return "true" if value else "false"
        if isinstance(value, Enum):
            return str(value.value)
        if self.integer:
            return str(int(value))
        if isinstance(value, (float, np.floating)):
            return f"{float(value):.6g}"
        return str(value)

    def override(self, value: Any) -> str:
        """A Hydra override setting this factor (``++`` where the key may be absent)."""
        prefix = "++" if self.default is None else ""
        return f"{prefix}{self.path}={self.format(value)}"


def _round_sig(x: np.ndarray, digits: int = 6) -> np.ndarray:
    """Round to ``digits`` significant digits, as the values are written into overrides."""
    return np.array([float(f"{v:.{digits}g}") for v in np.atleast_1d(x)]).reshape(np.shape(x))


@dataclass
class Space:
    """The declared uncertainties and levers of one uncertainty config."""

    name: str
    uncertainties: list[Factor]
    levers: list[Factor]
    source_file: Path | None = None
    by_name: dict[str, Factor] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_name = {f.name: f for f in self.uncertainties + self.levers}

    def factors(self, levers: bool = True, controls: bool = True,
                names: Sequence[str] | None = None) -> list[Factor]:
        """Factors to sample: uncertainties (then levers), optionally only ``names``."""
        chosen = self.uncertainties + (self.levers if levers else [])
        if not controls:
            chosen = [f for f in chosen if not f.control]
        if names:
            unknown = [n for n in names if n not in self.by_name]
            if unknown:
                raise ConfigError("factors", unknown[0], ", ".join(self.by_name))
            chosen = [self.by_name[n] for n in names]
        return chosen


def uncertainty_file(name: str | Path) -> Path:
    """The YAML file of uncertainty config ``name`` (a name in the group folder, or a path)."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml") and (path.exists() or path.parent != Path(".")):
        return path
    candidate = UNCERTAINTY_DIR / f"{name}.yaml"
    if not candidate.exists():
        options = sorted(p.stem for p in UNCERTAINTY_DIR.glob("*.yaml"))
        raise ConfigError("uncertainty", str(name), ", ".join(options) + " or a path to a YAML "
                                                                          "file")
    return candidate


def load_space(name: str | Path = "default", cfg: SimConfig | None = None) -> Space:
    """Load and check an uncertainty config (``configs/uncertainty/<name>.yaml`` or a path).

    Args:
        name: config name in ``configs/uncertainty`` or a path to a YAML file.
        cfg: the config the paths must exist in (default ``SimConfig()``).

    Raises:
        ConfigError: an unknown path, a range outside the field's allowed range, a missing
            source, an unknown key, or a value the model would reject.
    """
    path = uncertainty_file(name)
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as err:
        raise ConfigError(path.name, str(err).splitlines()[0], "valid YAML") from None
    if not isinstance(data, dict) or set(data) - set(KINDS):
        bad = sorted(set(data) - set(KINDS)) if isinstance(data, dict) else data
        raise ConfigError(f"{path.name}", bad, "top-level keys: " + ", ".join(KINDS))
    cfg = cfg if cfg is not None else SimConfig()
    parsed = {kind: [parse_factor(n, e, kind[:-1] if kind == "levers" else "uncertainty", cfg,
                                  path.name)
                     for n, e in (data.get(kind) or {}).items()] for kind in KINDS}
    space = Space(path.stem, parsed["uncertainties"], parsed["levers"], path)
    seen: dict[str, str] = {}
    for f in space.uncertainties + space.levers:
        if f.path in seen:
            raise ConfigError(f"{path.name}: {f.name}.path", f.path,
                              f"a path not already declared (by {seen[f.path]})")
        seen[f.path] = f.name
    if len(space.by_name) != len(space.uncertainties) + len(space.levers):
        raise ConfigError(path.name, "duplicate name", "unique names across uncertainties and "
                                                       "levers")
    return space


def _field_meta(parent: Any, key: str) -> dict:
    if dataclasses.is_dataclass(parent):
        return {f.name: dict(f.metadata) for f in dataclasses.fields(parent)}.get(key, {})
    return {}


def parse_factor(name: str, entry: Any, kind: str, cfg: SimConfig, where: str = "") -> Factor:
    """Check one declared entry against ``cfg`` and return it as a :class:`Factor`.

    Raises:
        ConfigError: naming the first problem and what is allowed (see :func:`load_space`).
    """
    key = f"{where}: {name}" if where else name
    _check_keys(key, entry)
    path = entry.get("path")
    parent, last, current = _resolve(key, cfg, path)
    if not (entry.get("source") or entry.get("rationale")):
        raise ConfigError(f"{key}.source", None, "a source (calibration key or 'assumption') "
                                                 "or a rationale")
    common = dict(name=name, path=path, kind=kind, default=current,
                  source=str(entry.get("source", "")), rationale=str(entry.get("rationale", "")),
                  control=bool(entry.get("control", False)), label=str(entry.get("label", "")))
    if ("range" in entry) == ("values" in entry):
        raise ConfigError(key, entry, "exactly one of range: [lo, hi] or values: [...]")
    kind_of = _value_type(cfg, path, current)
    if "values" in entry:
        factor = Factor(values=_values(key, cfg, path, entry["values"], kind_of), **common)
        ends = factor.values
    else:
        lo, hi = _range(key, path, entry["range"], kind_of, _field_meta(parent, last))
        log = bool(entry.get("log", False))
        if log and lo <= 0:
            raise ConfigError(f"{key}.log", entry["range"], "a positive range for log: true")
        factor = Factor(lo=lo, hi=hi, log=log, integer=issubclass(kind_of, int), **common)
        ends = tuple(int(round(v)) if factor.integer else v for v in (lo, hi))
    for v in ends:
        _check_in_model(key, factor, v, cfg)
    return factor


def _check_keys(key: str, entry: Any) -> None:
    """The entry is a mapping of known keys with a path."""
    if not isinstance(entry, dict):
        raise ConfigError(key, entry, "a mapping with path, range or values, source/rationale")
    unknown = sorted(set(entry) - ENTRY_KEYS)
    if unknown:
        raise ConfigError(f"{key}.{unknown[0]}", entry[unknown[0]],
                          "keys " + ", ".join(sorted(ENTRY_KEYS)))
    path = entry.get("path")
    if not isinstance(path, str) or not path:
        raise ConfigError(f"{key}.path", path, "a dotted parameter path of SimConfig")


def _resolve(key: str, cfg: SimConfig, path: str) -> tuple[Any, str, Any]:
    """``(parent, last key, current value)`` of a path to one settable value of ``cfg``."""
    try:
        parent, last, current = resolve_path(cfg, path)
    except (KeyError, AttributeError, TypeError):
        raise ConfigError(f"{key}.path", path, settable_hint(cfg, path)) from None
    # An entry a dict may lack (a ban the baseline does not impose) is settable if the schema
    # declares the dict's value type: the override adds the key (Hydra's ++).
    if current is None and not (isinstance(parent, dict) and declared_type(cfg, path)):
        raise ConfigError(f"{key}.path", path, settable_hint(cfg, path))
    if dataclasses.is_dataclass(current) or isinstance(current, (dict, list)):
        raise ConfigError(f"{key}.path", path, "a path to a single value, e.g. "
                                               "developers.network_effect")
    return parent, last, current


def _value_type(cfg: SimConfig, path: str, current: Any) -> type:
    """The type of the value at ``path``: its current value's, else the declared one."""
    if current is not None:
        return type(current)
    declared = declared_type(cfg, path)
    return declared if isinstance(declared, type) else type(None)


def _values(key: str, cfg: SimConfig, path: str, values: Any, kind_of: type) -> tuple:
    """The listed values of a categorical factor, converted to the type declared at ``path``."""
    if not isinstance(values, list) or len(values) < 2:
        raise ConfigError(f"{key}.values", values, "a list of at least two values")
    out = []
    for value in values:
        try:
            out.append(coerce_at(cfg, path, value))
        except (TypeError, ValueError):
            allowed = ", ".join(str(e.value) for e in kind_of) if issubclass(kind_of, Enum) \
                else kind_of.__name__
            raise ConfigError(f"{key}.values", value, f"values of {path}: {allowed}") from None
    return tuple(out)


def _range(key: str, path: str, rng: Any, kind_of: type, meta: dict) -> tuple[float, float]:
    """``(lo, hi)`` of a numeric factor, inside the field's allowed range (``meta``)."""
    if not (isinstance(rng, list) and len(rng) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in rng)):
        raise ConfigError(f"{key}.range", rng, "[lo, hi] with two numbers")
    if issubclass(kind_of, bool) or not issubclass(kind_of, (int, float)):
        raise ConfigError(f"{key}.range", rng, f"values: [...] for a {kind_of.__name__} "
                                               f"parameter")
    lo, hi = float(rng[0]), float(rng[1])
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ConfigError(f"{key}.range", rng, "finite lo < hi")
    a, b = meta.get("lo"), meta.get("hi")
    if (a is not None and lo < a) or (b is not None and hi > b):
        raise ConfigError(f"{key}.range", rng, f"inside the allowed range of {path}: "
                                               f"[{'-inf' if a is None else a}, "
                                               f"{'inf' if b is None else b}]")
    return lo, hi


def _check_in_model(key: str, factor: Factor, value: Any, cfg: SimConfig) -> None:
    """Build the config with ``value`` and run the model's own validation on it."""
    try:
        validate(set_path(cfg, factor.path, value))
    except ConfigError as err:
        raise ConfigError(f"{key} ({factor.path})", value, err.allowed) from None


# ----------------------------------------------------------------------------- sampling
def latin_hypercube(n: int, d: int, seed: int = 0) -> np.ndarray:
    """``n`` Latin-hypercube points in ``[0, 1]^d`` (scipy's QMC, seeded)."""
    from scipy.stats import qmc
    rng = np.random.default_rng(seed)
    try:
        sampler = qmc.LatinHypercube(d=d, rng=rng)
    except TypeError:  # scipy < 1.15 names the generator "seed"
        sampler = qmc.LatinHypercube(d=d, seed=rng)
    return sampler.random(n)


def salib_problem(factors: Sequence[Factor]) -> dict:
    """SALib problem over the unit hypercube (values are mapped by :meth:`Factor.from_unit`)."""
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [[0.0, 1.0]] * len(factors)}


def unit_to_values(unit: np.ndarray, factors: Sequence[Factor]) -> pd.DataFrame:
    """Sample table: one row per point, one column of factor values per factor."""
    unit = np.atleast_2d(unit)
    return pd.DataFrame({f.name: f.from_unit(unit[:, j]) for j, f in enumerate(factors)})


def job_overrides(row: pd.Series | dict, factors: Iterable[Factor]) -> list[str]:
    """Hydra overrides setting each factor to its value in ``row``."""
    return [f.override(row[f.name]) for f in factors]


def numeric_inputs(samples: pd.DataFrame, factors: Sequence[Factor]) -> pd.DataFrame:
    """Factor values as model inputs for analysis: numbers as floats, categories as strings."""
    out = {}
    for f in factors:
        col = samples[f.name]
        out[f.name] = col.map(f.format) if f.categorical else col.astype(float)
    return pd.DataFrame(out, index=samples.index)


# ----------------------------------------------------------------------------- outcomes
#: Outcomes of the sensitivity analysis and scenario discovery, each run's value in its final
#: month: outcomes of :data:`study.outcomes.CATALOGUE` labelled as those analyses name them.
OUTCOMES: dict[str, Outcome] = {name: CATALOGUE[name].in_final_month() for name in (
    "open_share", "row_cn_share", "cn_open_share", "us_china_gap", "open_closed_gap",
    "closed_premium", "cn_share", "cn_token_share", "cn_openness", "cn_expected_openness")}
DEFAULT_OUTCOMES = ("open_share", "row_cn_share", "us_china_gap", "closed_premium")


def outcome_metrics() -> list[str]:
    """Metric names needed to measure :data:`OUTCOMES` (derived ones: the rows they use)."""
    from study.tables import DERIVED_FROM
    recorded = {o.metric for o in OUTCOMES.values() if o.metric not in DERIVED_FROM}
    sources = {DERIVED_FROM[o.metric] for o in OUTCOMES.values() if o.metric in DERIVED_FROM}
    return sorted(recorded | sources)


def outcome_table(df: pd.DataFrame, outcomes: Sequence[str] | None = None,
                  by: Sequence[str] = ("run_id",)) -> pd.DataFrame:
    """Outcomes per run: the final month's value of each outcome's metric.

    Args:
        df: tidy results of one or more runs (needs ``month, metric, region, bloc, lab, value``
            and the ``by`` columns).
        outcomes: names in :data:`OUTCOMES` (default: all).
        by: columns identifying a run.

    Returns:
        One row per run with one column per outcome (NaN if the metric is absent, e.g. the
        closed premium when no closed model exists).
    """
    from study.tables import DERIVED_METRICS, bloc_lab_metrics
    names = list(outcomes or OUTCOMES)
    by = list(by)
    last = df.groupby(by, sort=False).month.transform("max")
    final = df[df.month == last]
    if any(OUTCOMES[n].metric in DERIVED_METRICS for n in names):
        final = pd.concat([final, bloc_lab_metrics(final)], ignore_index=True)
    runs = final[by].drop_duplicates().reset_index(drop=True)
    for name in names:
        o = OUTCOMES[name]
        sel = final[(final.metric == o.metric) & (final.region == o.region)
                    & (final.bloc == o.bloc) & (final.lab == o.lab)]
        runs = runs.merge(sel[by + ["value"]].rename(columns={"value": name}), on=by,
                          how="left")
    return runs
