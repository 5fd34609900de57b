"""Config: defaults carry sources, bad values fail with one clear message, every field matters."""

from __future__ import annotations

import dataclasses
from dataclasses import replace

import numpy as np
import pytest

from sim import ConfigError, run
from sim.config import EventConfig, GovernmentConfig, LabConfig, SimConfig
from sim.enums import EventKind
from sim.hydra_conf import load_config
from sim.paths import resolve_path
from sim.run import with_overrides
from sim.validate import validate
from tests.conftest import small


def _numeric_fields(cls):
    for f in dataclasses.fields(cls):
        if dataclasses.is_dataclass(f.type) or f.name in ("events", "scenario_parts"):
            continue
        yield f


def test_every_default_has_a_source_and_a_range():
    cfg = SimConfig()
    groups = [type(getattr(cfg, f.name)) for f in dataclasses.fields(cfg)
              if dataclasses.is_dataclass(getattr(cfg, f.name))]
    for cls in groups + [LabConfig, GovernmentConfig]:
        for f in dataclasses.fields(cls):
            assert f.metadata.get("source"), f"{cls.__name__}.{f.name} has no source"
            if f.type in ("float", "int", float, int):
                assert f.metadata.get("lo") is not None or f.metadata.get("hi") is not None \
                    or "cash" in f.name, f"{cls.__name__}.{f.name} has no range"


def test_default_config_is_valid_and_scenarios_compose():
    validate(SimConfig())
    both = load_config(["alibaba_closes", "us_tightens_controls"])
    assert both.scenario == "alibaba_closes+us_tightens_controls"
    assert set(both.events) == {"alibaba_closes", "us_controls_tighten", "us_leakage_cut"}
    assert load_config("baseline") == replace(SimConfig())


@pytest.mark.parametrize("overrides, key", [
    ({"model.horizon_months": 0}, "model.horizon_months"),
    ({"model.n_developers": -1}, "model.n_developers"),
    ({"developers.open_taste_sd": 11.0}, "developers.open_taste_sd"),
    ({"developers.segments.enterprise.share": 1.5}, "developers.segments.enterprise.share"),
    ({"developers.segments.public.tokens_mtok_per_month": -5.0},
     "developers.segments.public.tokens_mtok_per_month"),
    ({"governments.US.export_controls": -0.1}, "governments.US.export_controls"),
    ({"labs.openai.compute_h100e": -5.0}, "labs.openai.compute_h100e"),
    ({"market.premium_max": float("nan")}, "market.premium_max"),
])
def test_out_of_range_values_name_the_key(overrides, key):
    with pytest.raises(ConfigError) as err:
        validate(with_overrides(SimConfig(), overrides))
    assert err.value.key == key
    assert "allowed" in str(err.value)


def test_region_shares_must_sum_to_one_and_name_regions():
    cfg = SimConfig()
    bad = replace(cfg, developers=replace(cfg.developers, region_shares={
        "US": 0.5, "CN": 0.5, "EU": 0.5, "ROW": 0.0}))
    with pytest.raises(ConfigError, match="sum"):
        validate(bad)
    bad = replace(cfg, developers=replace(cfg.developers, region_shares={
        "US": 0.5, "CN": 0.5, "EU": 0.0, "MARS": 0.0}))
    with pytest.raises(ConfigError, match="US, CN, EU, ROW"):
        validate(bad)


@pytest.mark.parametrize("event, key, allowed", [
    (EventConfig(month=80, kind=EventKind.set, target="governments.US.export_controls",
                 value=0.5), "events.e.month", "[0, 71]"),
    (EventConfig(month=3, kind=EventKind.lab_posture, target="bytedance", value="open"),
     "events.e.target", "deepseek"),
    (EventConfig(month=3, kind=EventKind.lab_posture, target="alibaba", value="ajar"),
     "events.e.value", "open, hybrid, closed"),
    (EventConfig(month=3, kind=EventKind.set, target="governments.US.export_control", value=1),
     "events.e.target", "export_controls"),
    (EventConfig(month=3, kind=EventKind.set, target="governments.US.export_controls", value=2),
     "events.e.value", "[0.0, 1.0]"),
    (EventConfig(month=3, kind=EventKind.set, target="governments.US.bans.CN", value="all"),
     "events.e.value", "none, government, market"),
])
def test_bad_events_are_rejected(event, key, allowed):
    with pytest.raises(ConfigError) as err:
        validate(replace(SimConfig(), events={"e": event}))
    assert err.value.key == key
    assert allowed in err.value.allowed


def _configs(path: str, meta: dict) -> tuple[SimConfig, list[SimConfig]]:
    """The base config for ``path`` and configs with that field moved up and down its range."""
    # fields that only act through another lever get that lever switched on
    context = {"governments.US.adaptive": {"governments.US.adaptive_controls": True},
               # which segments a government-scope ban reaches matters only under such a ban
               **{f"developers.segments.{name}.public": {"governments.US.bans.CN": "government"}
                  for name in SimConfig().developers.segments},
               # serving takes a few percent of a fleet at 2025 token volumes: at 100x the
               # volume the cap on the serving share binds
               "chips.max_serving_share": {"market.token_demand_mtok_per_month": 2e10}}
    base = small(model__horizon_months=30, model__n_developers=1500)
    extra = next((v for k, v in context.items() if path.startswith(k)), {})
    base = with_overrides(base, extra)
    value = resolve_path(base, path)[2]
    return base, [with_overrides(base, {path: v}) for v in _alternatives(value, meta)]


def _alternatives(value, meta):
    if isinstance(value, bool):
        return [not value]
    lo, hi = meta.get("lo"), meta.get("hi")
    clip = lambda x: min(max(x, lo if lo is not None else -np.inf),  # noqa: E731
                         hi if hi is not None else np.inf)
    if isinstance(value, int):
        return sorted({clip(value + 1), clip(value - 1)} - {value})
    if value == 0:
        return [clip(0.5)]
    return sorted({clip(value * 1.5), clip(value * 0.5)} - {value})


def _all_paths():
    cfg = SimConfig()
    skip = {"model.start_year"}  # a calendar label only: moves dates, not dynamics
    for group in ("model", "developers", "lab_behaviour", "capability", "chips", "finance",
                  "market"):
        node = getattr(cfg, group)
        for f in dataclasses.fields(node):
            if isinstance(getattr(node, f.name), (int, float)) and f"{group}.{f.name}" not in skip:
                yield f"{group}.{f.name}", getattr(node, f.name), dict(f.metadata)
    for name, segment in cfg.developers.segments.items():
        for f in dataclasses.fields(segment):
            yield f"developers.segments.{name}.{f.name}", getattr(segment, f.name), \
                dict(f.metadata)
    for f in dataclasses.fields(LabConfig):
        value = getattr(cfg.labs["alibaba"], f.name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            yield f"labs.alibaba.{f.name}", value, dict(f.metadata)
    for f in dataclasses.fields(GovernmentConfig):
        value = getattr(cfg.governments["US"], f.name)
        if isinstance(value, (int, float)):
            yield f"governments.US.{f.name}", value, dict(f.metadata)


@pytest.mark.parametrize("path, value, meta", list(_all_paths()),
                         ids=[p for p, _, _ in _all_paths()])
def test_every_config_field_changes_the_outcome(path, value, meta):
    base, changed = _configs(path, meta)
    a = run(base)
    differs = [not (a.shape == b.shape and np.allclose(a.value, b.value))
               for b in map(run, changed)]
    assert any(differs), f"changing {path} changed nothing"


def test_parameters_document_is_current():
    from experiments.parameters_doc import main
    assert main(["--check"]) == 0, "run: python -m experiments.parameters_doc"


def test_keyword_overrides_coerce_ban_scopes_like_events_do():
    # run(governments__US__bans__CN="market") used to store the plain string 'market' where
    # events and composed configs store a BanScope (the baseline has no US ban entry to copy
    # the type from); the schema's declared type now decides
    from sim.enums import BanScope
    from sim.run import with_overrides

    cfg = with_overrides(SimConfig(), {"governments__US__bans__CN": "market"})
    scope = cfg.governments["US"].bans["CN"]
    assert type(scope) is BanScope and scope is BanScope.market
