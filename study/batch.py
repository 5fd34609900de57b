"""Scenarios x seeds from Python, in process: the tidy table and the paired comparison.

The command line sweeps through Hydra's multirun (``python -m experiments.run -m
scenario=a,b 'seed=range(0,10)'``), which writes a folder per job; a notebook or script that
only wants the numbers calls this module instead::

    from study.batch import compare_to_baseline, run_scenarios
    df = run_scenarios(["baseline", "alibaba_closes"], seeds=10,
                       overrides={"model.horizon_months": 36}, n_jobs=-1)
    summary = compare_to_baseline(df)   # the same table as a sweep's scenario_summary.csv

Each scenario is composed once with :func:`sim.hydra_conf.load_config` (exactly as the command
line composes it) and checked with :func:`sim.validate.validate` in the calling process, so a
bad scenario name, key or value raises :class:`~sim.validate.ConfigError` before any run
starts. Each run is :func:`sim.run.run` of that config with the seed set, so its rows are those
of ``run(load_config(scenario, [f"seed={seed}"]))``.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import pandas as pd
from hydra.errors import HydraException

from sim.config import SimConfig
from sim.hydra_conf import load_config, scenario_names
from sim.paths import resolve_path
from sim.run import RUN_COLUMNS, run, with_overrides
from sim.validate import ConfigError, settable_hint, validate
from study.compare import checkpoint_months, scenario_summary
from study.results_io import KEY_SERIES_COLUMNS, key_series_mask

Scenario = str | Sequence[str]
Overrides = dict[str, Any] | Sequence[str] | None


def run_scenarios(scenarios: Sequence[Scenario], seeds: int | Iterable[int],
                  overrides: Overrides = None, n_jobs: int = 1, **kwargs: Any) -> pd.DataFrame:
    """Run every scenario with every seed and return one tidy table of all runs.

    Args:
        scenarios: scenario names (``configs/scenario/*.yaml``); an entry may be a list of
            names, composed in order, as ``scenario=[a,b]`` on the command line.
        seeds: seeds to run; an int ``n`` means ``range(n)``.
        overrides: applied to every run: a dict of dotted paths to values
            (``{"model.horizon_months": 36}``, coerced to the schema's type as
            :func:`sim.run.with_overrides` does) or a list of Hydra override strings
            (``["model.horizon_months=36"]``).
        n_jobs: worker processes (joblib's loky backend): 1 runs in this process, -1 uses
            every core. Results do not depend on it.
        **kwargs: further overrides with ``__`` for ``.`` (``model__n_developers=500``), as
            :func:`sim.run.run` takes them.

    Returns:
        The rows of every run, scenario by scenario and seed by seed in the order given, with
        the columns of a collected sweep (:data:`sim.run.RUN_COLUMNS`).

    Raises:
        ConfigError: an unknown scenario, key or a value out of range, before any run starts.
    """
    seeds = list(range(seeds)) if isinstance(seeds, int) else [int(s) for s in seeds]
    extra = {k.replace("__", "."): v for k, v in kwargs.items()}
    configs = [compose_scenario(s, overrides, extra) for s in scenarios]
    jobs = [with_overrides(cfg, {"seed": seed}) for cfg in configs for seed in seeds]
    if n_jobs == 1:
        tables = [run(cfg) for cfg in jobs]
    else:
        from joblib import Parallel, delayed

        tables = Parallel(n_jobs=n_jobs, backend="loky")(delayed(run)(cfg) for cfg in jobs)
    if not tables:
        return pd.DataFrame(columns=RUN_COLUMNS)
    return pd.concat(tables, ignore_index=True)[RUN_COLUMNS]


def compose_scenario(scenario: Scenario, overrides: Overrides = None,
                     extra: dict[str, Any] | None = None) -> SimConfig:
    """One scenario composed as on the command line, overrides applied, validated.

    Args:
        scenario: a scenario name or a list of names composed in order.
        overrides: a dict of dotted paths to values, or a list of Hydra override strings.
        extra: further dotted-path overrides (applied after ``overrides``).

    Raises:
        ConfigError: naming the scenario, key or value that is not allowed.
    """
    names = [scenario] if isinstance(scenario, str) else list(scenario)
    allowed = scenario_names()
    for name in names:
        if name not in allowed:
            raise ConfigError("scenario", name, ", ".join(allowed))
    strings = list(overrides) if overrides is not None and not isinstance(overrides, dict) \
        else []
    paths = {**(overrides if isinstance(overrides, dict) else {}), **(extra or {})}
    try:
        cfg = load_config(names, strings)
    except HydraException as err:
        raise _hydra_error(strings, err) from None
    for path, value in paths.items():
        cfg = _set(cfg, path, value)
    validate(cfg)
    return cfg


def _set(cfg: SimConfig, path: str, value: Any) -> SimConfig:
    """``cfg`` with one dotted-path override; ConfigError for an unknown path or bad value."""
    try:
        current = resolve_path(cfg, path)[2]
    except (KeyError, AttributeError, TypeError):
        raise ConfigError(path, value, settable_hint(cfg, path)) from None
    try:
        return with_overrides(cfg, {path: value})
    except (KeyError, TypeError, ValueError) as err:
        raise ConfigError(path, value, f"a value of the type of {current!r} ({err})") from None


def _hydra_error(strings: list[str], err: HydraException) -> ConfigError:
    """The :class:`ConfigError` for a Hydra override that did not compose."""
    probe = SimConfig()
    for item in strings:
        key, _, value = item.lstrip("+~").partition("=")
        if key.split(".")[0] in ("scenario", "calibration"):
            continue
        try:
            resolve_path(probe, key)
        except (KeyError, AttributeError, TypeError):
            return ConfigError(key, value, settable_hint(probe, key))
    first = str(err).splitlines()[0] if str(err) else type(err).__name__
    return ConfigError("overrides", strings, f"overrides that compose ({first})")


def compare_to_baseline(df: pd.DataFrame, level: float = 0.90) -> pd.DataFrame:
    """Per scenario, outcome and year end: spread across seeds and paired effect versus baseline.

    The table a collected sweep writes as ``scenario_summary.csv``
    (:func:`study.compare.scenario_summary` at :func:`study.compare.checkpoint_months`), so
    :func:`study.compare.comparison_table` and the sweep figures read it as they read a sweep.

    Args:
        df: tidy rows of several runs, e.g. from :func:`run_scenarios`; the effects need the
            ``baseline`` scenario with the same seeds among them.
        level: coverage of the intervals (0.90: 5th-95th percentile across seeds, and a 90%
            t interval of the mean paired difference).

    Returns:
        One row per (scenario, metric, region, bloc, lab, month) with ``n_seeds, mean, lo, hi,
        effect_mean, effect_lo, effect_hi`` (the effects NaN for the baseline itself and for
        every scenario when no baseline was run).
    """
    months = checkpoint_months(int(df["month"].max()) + 1) if len(df) else []
    return scenario_summary(df[df["month"].isin(months)], level=level)


def key_series(df: pd.DataFrame) -> pd.DataFrame:
    """Every month of the key outcomes and bloc budgets, for the time-series figures.

    What :func:`study.results_io.read_key_series` reads from a collected sweep, taken from a
    table in memory.

    Args:
        df: tidy rows of several runs, e.g. from :func:`run_scenarios`.
    """
    import pyarrow as pa

    table = pa.Table.from_pandas(df[KEY_SERIES_COLUMNS], preserve_index=False)
    return table.filter(key_series_mask(table)).to_pandas()
