"""Check a command line before any work starts: every key, every value, every job of a sweep.

Hydra reports an unknown key without saying what is allowed, and a sweep would only find a bad
value when the job holding it runs (perhaps hours in). :func:`preflight` therefore parses the
overrides with Hydra's own parser, checks each key against the typed schema (naming the allowed
keys), expands the sweep exactly as Hydra's basic sweeper does (including ``hydra.sweeper.params``
from a ``+sweep=`` file), composes each distinct job config and validates it with
:func:`sim.validate.validate`. The first problem raises :class:`~sim.validate.ConfigError`.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any, Iterable, Sequence

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.plugins import Plugins
from hydra.errors import HydraException
from omegaconf import OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from experiments.sweep import private_apis, resume
from sim.config import SimConfig
from sim.hydra_conf import CONFIG_DIR, AppConfig, compose_config, register, to_sim_config
from sim.run import config_hash
from sim.validate import ConfigError, validate

#: Config groups a user may select on the command line, beside the schema's keys.
GROUPS = ("scenario", "sweep", "calibration")
#: Config groups that a run does not read (Hydra's ``--help`` lists them): the analyses do.
NOT_RUN_GROUPS = {"uncertainty": "experiments.sensitivity, experiments.discover and "
                                 "experiments.calibrate (e.g. python -m experiments.sensitivity "
                                 "uncertainty=default)"}
#: The only objects Hydra may build from config (``_target_``): our own sweep callback, and
#: launcher/sweeper plugins, which Hydra itself restricts to the ``hydra_plugins`` package.
ALLOWED_CALLBACKS = {"sweep_collector": "experiments.sweep.callbacks.SweepCollector"}
MAX_JOBS_CHECKED = 100_000


def _options(group: str) -> list[str]:
    folder = CONFIG_DIR / group
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def check_key(key: str) -> None:
    """Raise ConfigError if ``key`` (dotted) is not a key of the schema."""
    node: Any = AppConfig()
    walked = []
    for part in key.split("."):
        if dataclasses.is_dataclass(node):
            names = [f.name for f in dataclasses.fields(node)]
        elif isinstance(node, dict):
            names = list(node)
            if walked and walked[-1] in ("events", "scenario_parts", "bans"):
                return  # filled by scenario files or free-form; checked after composing
        else:
            names = []
        if part not in names:
            where = ".".join(walked) or "the top level"
            raise ConfigError(key, part, f"a key of {where}: {', '.join(map(str, names))}")
        node = node[part] if isinstance(node, dict) else getattr(node, part)
        walked.append(part)


def _check_group(group: str, values: Iterable[str]) -> None:
    allowed = _options(group)
    for value in values:
        for name in value.strip("[]").split(","):
            name = name.strip()
            if name and name not in allowed:
                raise ConfigError(group, name, ", ".join(allowed))


def _parse(overrides: list[str], config_loader: Any = None):
    """Hydra's parse of the overrides; bad syntax raises ConfigError."""
    try:
        return OverridesParser.create(config_loader=config_loader).parse_overrides(overrides)
    except HydraException as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ConfigError("override", " ".join(overrides),
                          f"Hydra override syntax, key=value ({first})") from None


def expand_jobs(overrides: Sequence[str], config_loader: Any = None) -> list[list[str]]:
    """The override list of every job a multirun launches: the project's one sweep expander.

    The cartesian product of the swept values, in the order of the keys, a key given twice
    keeping its last value: Hydra's basic sweeper's own expansion
    (:func:`experiments.sweep.private_apis.sweep_jobs`), so that what the preflight checks is
    what the ``checked`` sweeper (a basic sweeper) launches. The
    ``samples`` sweeper multiplies its list of jobs by it. ``config_loader`` lets Hydra's
    parser expand ``glob(...)`` over a config group's options.

    Raises:
        ConfigError: bad syntax, or a sweep the basic sweeper cannot enumerate (``interval``).
    """
    parsed = _parse(list(overrides), config_loader)
    try:
        return private_apis.sweep_jobs(parsed)
    except HydraException as err:
        raise ConfigError("override", " ".join(overrides),
                          f"a list or range of values ({err})") from None


def check_data_only(cfg) -> None:
    """Raise ConfigError if a config would make Hydra import or call anything not allowed.

    Scenario and sweep files are data: they may set values, but a ``_target_`` (which Hydra
    instantiates) is refused everywhere except the allow-listed callback and the launcher and
    sweeper plugins Hydra knows (its plugin registry, :func:`_plugin_targets`).
    """
    hydra_node = cfg.get("hydra") if "hydra" in cfg else None
    if hydra_node is not None:
        callbacks = OmegaConf.to_container(hydra_node.get("callbacks") or OmegaConf.create({}))
        for name, spec in (callbacks or {}).items():
            target = (spec or {}).get("_target_") if isinstance(spec, dict) else None
            if ALLOWED_CALLBACKS.get(name) != target:
                raise ConfigError(f"hydra.callbacks.{name}._target_", target,
                                  "no new callbacks: config files are data only (allowed: "
                                  + ", ".join(f"{k}={v}" for k, v in ALLOWED_CALLBACKS.items())
                                  + ")")
        for part in ("job_logging", "hydra_logging"):
            # logging.config.dictConfig calls "()" factories and imports "class" paths
            bad = _find_callable(OmegaConf.to_container(hydra_node.get(part) or
                                                        OmegaConf.create({}), resolve=False),
                                 f"hydra.{part}")
            if bad:
                raise ConfigError(bad, "custom factory or class",
                                  "standard logging classes (logging.*) only")
        for part in ("launcher", "sweeper"):
            target = str(hydra_node.get(part, {}).get("_target_", ""))
            if target not in _plugin_targets(part):
                raise ConfigError(f"hydra.{part}._target_", target, "a Hydra plugin class")
    body = OmegaConf.to_container(cfg, resolve=False)
    body.pop("hydra", None)
    path = _find_target(body, "")
    if path:
        raise ConfigError(path, "_target_", "plain values only: config files are data")


def _plugin_targets(part: str) -> set[str]:
    """The ``_target_`` of every launcher or sweeper plugin Hydra has found (``part``).

    Hydra's own (basic launcher and sweeper) and those installed in ``hydra_plugins`` (joblib,
    Ray, submitit; this project's sweepers).
    """
    from hydra.plugins.launcher import Launcher
    from hydra.plugins.sweeper import Sweeper

    kind = {"launcher": Launcher, "sweeper": Sweeper}[part]
    return {f"{c.__module__}.{c.__qualname__}" for c in Plugins.instance().discover(kind)}


def _find_callable(node, prefix: str) -> str:
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{prefix}.{key}"
            if key == "()" or (key == "class" and not str(value).startswith("logging.")):
                return here
            found = _find_callable(value, here)
            if found:
                return found
    return ""


def _find_target(node, prefix: str) -> str:
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{prefix}.{key}" if prefix else str(key)
            if key == "_target_":
                return here
            found = _find_target(value, here)
            if found:
                return found
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found = _find_target(value, f"{prefix}[{i}]")
            if found:
                return found
    return ""


def _compose_checked(overrides: list[str]):
    """Compose with Hydra's config, turning any composition error into a ConfigError."""
    try:
        cfg = compose_config(None, overrides, return_hydra_config=True)
    except (HydraException, OmegaConfBaseException) as err:
        cause = err.__cause__ if err.__cause__ is not None else err
        msg = [ln.strip() for ln in str(cause).splitlines() if ln.strip()]
        key = next((ln.split(":", 1)[1].strip() for ln in msg if ln.startswith("full_key:")),
                   "override")
        bad = next((o.split("=", 1)[1] for o in overrides if o.lstrip("+~").startswith(key + "=")),
                   " ".join(overrides))
        raise ConfigError(key, bad, msg[0] if msg else str(err)) from None
    check_data_only(cfg)
    return cfg


def _compose_sim(overrides: list[str], cfg=None) -> SimConfig:
    """The SimConfig of a job; ``cfg`` is its composed config when already at hand."""
    cfg = _compose_checked(overrides) if cfg is None else cfg
    with open_dict(cfg):
        del cfg["hydra"]
    try:
        return to_sim_config(cfg)
    except (OmegaConfBaseException, ValueError, TypeError) as err:
        raise ConfigError("config", " ".join(overrides), str(err).splitlines()[0]) from None


def preflight(overrides: list[str], multirun: bool = False,
              hints: list[str] | None = None) -> int:
    """Check every key and every job's config; return the number of jobs. Raises ConfigError.

    ``hints``, if given, receives advice that is not an error (e.g. how to batch seeds).
    """
    register()
    parsed = _parse(overrides)
    _check_keys(parsed)
    if not multirun:
        validate(_compose_sim(overrides))
        return 1
    return _check_sweep(overrides, parsed, hints)


def _check_keys(parsed) -> None:
    """Every overridden key is a key of the schema, every selected group option exists."""
    for ov in parsed:
        key = ov.get_key_element().lstrip("+~")
        if key.startswith("hydra") or ov.is_delete():
            continue
        if key in NOT_RUN_GROUPS:
            raise ConfigError(key, ov.get_value_element_as_str(), f"nothing in a run; the {key} "
                              f"group is read by {NOT_RUN_GROUPS[key]}")
        if key in GROUPS:
            _check_group(key, ov.sweep_string_iterator() if ov.is_sweep_override()
                         else [ov.get_value_element_as_str()])
        elif not ov.is_add():
            check_key(key)


def _sweep_jobs(overrides: list[str], parsed) -> tuple[list[list[str]], list[str], Any]:
    """The sweep's jobs, its overrides that are not swept, and their composed config.

    The jobs include the ``hydra.sweeper.params`` of a ``+sweep=`` file, as Hydra's sweeper
    adds them (values given on the command line win).
    """
    plain = [o for o, p in zip(overrides, parsed, strict=False) if not p.is_sweep_override()]
    plain_cfg = _compose_checked(plain)
    node = plain_cfg.hydra.sweeper.get("params")
    params = OmegaConf.to_container(node, resolve=False) if node is not None else {}
    extra = [f"{k}={v}" for k, v in params.items()
             if k not in {p.get_key_element() for p in parsed}]
    jobs = expand_jobs(overrides + extra)
    if len(jobs) > MAX_JOBS_CHECKED:
        raise ConfigError("sweep", len(jobs), f"at most {MAX_JOBS_CHECKED} jobs per sweep")
    return jobs, plain, plain_cfg


def _jobs_by_config(jobs: list[list[str]]) -> dict[tuple, list[tuple[list[str], int | None]]]:
    """The jobs that differ only in the seed, with their seeds, by their other overrides."""
    by_config: dict[tuple, list[tuple[list[str], int | None]]] = {}
    for job in jobs:
        seeds = [o.split("=", 1)[1] for o in job if o.startswith("seed=")]
        rest = tuple(o for o in job if not o.startswith("seed="))
        for s in seeds:
            check_seed(s)
        by_config.setdefault(rest, []).append((job, int(seeds[-1]) if seeds else None))
    return by_config


def _check_sweep(overrides: list[str], parsed, hints: list[str] | None) -> int:
    """Compose and validate each distinct job config of a sweep; return the number of jobs.

    Each job's runs (config hash, seeds) are recorded for the sweeper, which launches only the
    unfinished jobs (:mod:`experiments.sweep.resume`).
    """
    jobs, plain, plain_cfg = _sweep_jobs(overrides, parsed)
    canonical = expand_jobs(plain)[0]  # the overrides as the jobs spell them
    resume.clear_plans()
    # jobs that differ only in the seed share one composed config: compose it once
    for rest, seeded in _jobs_by_config(jobs).items():
        # the plain config is the job config when only the seed is swept (saves a composition)
        sim_cfg = _compose_sim(list(rest), plain_cfg if list(rest) == canonical else None)
        validate(sim_cfg)
        per_job = _seeds_per_job(rest, plain_cfg)
        seeds = [seed for _, seed in seeded if seed is not None]
        check_seed_batches(seeds, per_job)
        hint = batching_hint(seeds) if hints is not None and per_job == 1 else ""
        if hint and hint not in hints:
            hints.append(hint)
        digest = config_hash(sim_cfg)
        for job, seed in seeded:
            first = sim_cfg.seed if seed is None else seed
            resume.plan_job(job, resume.JobRuns(digest, first, per_job))
    return len(jobs)


def batching_hint(seeds: list[int], cores: int | None = None) -> str:
    """Advice to run many one-seed jobs as fewer jobs of several seeds ("" if not worth it).

    Hydra spends about 0.2 s on each job, more than a 0.12 s baseline run; about four jobs a
    core keeps the cores evenly busy. Only for a contiguous run of seeds, with a batch size that
    divides it, so that the advice runs exactly the same seeds.
    """
    cores = cores or os.cpu_count() or 1
    ordered = sorted(seeds)
    n = len(ordered)
    if n < 8 * cores or ordered != list(range(ordered[0], ordered[0] + n)):
        return ""
    target = n / (4 * cores)
    k = min((d for d in range(1, n + 1) if n % d == 0), key=lambda d: (abs(d - target), d))
    if k == 1:
        return ""
    lo = ordered[0]
    return (f"hint: {n} seeds run one to a Hydra job, and Hydra spends about 0.2 s on each job "
            f"(more than a baseline run); the same seeds run faster {k} to a job: "
            f"'seed=range({lo},{lo + n},{k})' seeds_per_job={k}")


def _seeds_per_job(rest: tuple, plain_cfg) -> int:
    given = [o.split("=", 1)[1] for o in rest if o.lstrip("+").startswith("seeds_per_job=")]
    return int(given[-1]) if given else int(plain_cfg.seeds_per_job)


def check_seed_batches(seeds: list[int], per_job: int) -> None:
    """Raise ConfigError if two jobs would run the same seed.

    A job with ``seed=s`` runs seeds ``s .. s + seeds_per_job - 1``, so swept seeds must be at
    least ``seeds_per_job`` apart; otherwise a seed would be run (and collected) twice.
    """
    ordered = sorted(seeds)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a == b and per_job == 1:
            raise ConfigError("seed", a, "each seed once per job config (it is listed twice)")
        if b - a < per_job:
            raise ConfigError("seed", f"{a} and {b}",
                              f"seeds at least seeds_per_job={per_job} apart (a job runs "
                              f"seeds seed..seed+{per_job - 1}), e.g. "
                              f"'seed=range(0,{per_job * 10},{per_job})', or seeds_per_job=1")


def check_seed(text: str) -> None:
    """Raise ConfigError unless ``text`` is a whole number in the seed's range."""
    meta = {f.name: f.metadata for f in dataclasses.fields(SimConfig)}["seed"]
    try:
        seed = int(text)
    except ValueError:
        raise ConfigError("seed", text, f"a whole number in [{meta['lo']}, {meta['hi']}]") \
            from None
    if not meta["lo"] <= seed <= meta["hi"]:
        raise ConfigError("seed", seed, f"a whole number in [{meta['lo']}, {meta['hi']}]")
