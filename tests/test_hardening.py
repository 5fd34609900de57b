"""Hardening: malformed input, data-only configs, reproducibility, kills, extremes, memory."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments.sweep.preflight import preflight
from sim import ConfigError, run
from sim.config import SimConfig
from sim.hydra_conf import CONFIG_DIR
from sim.run import with_overrides
from tests.test_model_invariants import check_invariants

ROOT = Path(__file__).resolve().parents[1]
TINY = ["model.n_developers=400", "model.horizon_months=24", "output.figures=false"]


def cli(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "experiments.run", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


# ------------------------------------------------------------------ malformed input
KEYS = ["model.horizon_months", "model.n_developers", "seed", "developers.network_effect",
        "developers.reconsider_per_month", "governments.US.export_controls",
        "labs.alibaba.posture", "labs.deepseek.compute_h100e", "chips.domestic_perf_rel_h100",
        "market.premium_max", "governments.CN.bans.US", "developers.region_shares.EU"]
BAD_VALUES = ["-1", "-0.5", "1e9", "abc", "nan", "inf", "[1,2]", "{a: 1}", "''", "1.5.2",
              "-999999999999"]
TYPOS = ["model.horizn_months", "labs.deepsek.posture", "governments.MARS.export_controls",
         "developers.netwrk_effect", "chips.domestic", "foo", "labs.alibaba.postur",
         "market.premium", "model.n_developers.x"]


@st.composite
def malformed(draw) -> list[str]:
    kind = draw(st.sampled_from(["value", "typo", "syntax", "scenario", "event"]))
    if kind == "value":
        key = draw(st.sampled_from(KEYS))
        value = draw(st.sampled_from(BAD_VALUES))
        if key.endswith("posture"):
            value = draw(st.sampled_from(["ajar", "1", "OPEN", "[open]"]))
        if key.endswith("bans.US"):
            value = draw(st.sampled_from(["all", "1", "yes"]))
        return [f"{key}={value}"]
    if kind == "typo":
        return [f"{draw(st.sampled_from(TYPOS))}={draw(st.integers(0, 5))}"]
    if kind == "syntax":
        return [draw(st.sampled_from(["model.horizon_months==3", "=3", "model.horizon_months=[",
                                      "seed=range(0", "a b=c", "model..x=1"]))]
    if kind == "scenario":
        return [f"scenario={draw(st.sampled_from(['nope', 'baseline_', '[baseline,nope]']))}"]
    month = draw(st.sampled_from([-1, 12, 13, 100]))
    return ["scenario=alibaba_closes", "model.horizon_months=12",
            f"events.alibaba_closes.month={month}"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(malformed())
def test_malformed_overrides_are_rejected_cleanly(overrides):
    with pytest.raises(ConfigError) as err:
        preflight(overrides)
    message = str(err.value)
    assert message.startswith("invalid config: ") and "allowed:" in message
    assert "\n" not in message and "Traceback" not in message


@pytest.mark.parametrize("overrides", [["labs.deepsek.posture=open"], ["seed=abc"],
                                       ["model.horizon_months=0", "seed=1"],
                                       ["developers.network_effect=interval(0,1)"]])
def test_malformed_sweeps_fail_before_any_job(tmp_path, overrides):
    res = cli("-m", "scenario=baseline,alibaba_closes", *TINY, *overrides,
              f"hydra.sweep.dir={tmp_path}/s")
    assert res.returncode == 2 and res.stderr.startswith("error: invalid config:")
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("seeds, per_job, twice", [("range(0,10)", 5, 1), ("0,3", 4, 3),
                                                  ("0,0", 1, 0)])
def test_seed_batches_that_overlap_are_refused_before_any_job(tmp_path, seeds, per_job, twice):
    # a job with seed=s runs seeds s..s+seeds_per_job-1: overlapping jobs would run (and
    # collect) a seed twice
    res = cli("-m", f"seed={seeds}", f"seeds_per_job={per_job}", *TINY,
              f"hydra.sweep.dir={tmp_path}/s")
    assert res.returncode == 2 and res.stderr.startswith("error: invalid config: seed = ")
    assert str(twice) in res.stderr.splitlines()[0] and "Traceback" not in res.stderr
    if per_job > 1:
        assert f"seeds_per_job={per_job}" in res.stderr
    assert not (tmp_path / "s").exists()


def test_a_bad_value_in_one_job_of_a_sweep_stops_the_whole_sweep_first(tmp_path):
    res = cli("-m", "model.horizon_months=12,0", *TINY[:1], f"hydra.sweep.dir={tmp_path}/s")
    assert res.returncode == 2 and "model.horizon_months" in res.stderr
    assert not (tmp_path / "s").exists()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), n=st.integers(0, 600), horizon=st.integers(1, 24),
       share=st.floats(0, 1), controls=st.floats(0, 1), leak=st.floats(0, 1),
       posture=st.sampled_from(["open", "hybrid", "closed"]), gamma=st.floats(0, 5),
       temperature=st.floats(0.001, 10))
def test_valid_random_configs_run_and_keep_invariants(seed, n, horizon, share, controls, leak,
                                                      posture, gamma, temperature):
    shares = {"US": share / 2, "CN": share / 2, "EU": (1 - share) / 2, "ROW": (1 - share) / 2}
    cfg = with_overrides(SimConfig(), {
        "seed": seed, "model.n_developers": n, "model.horizon_months": horizon,
        "governments.US.export_controls": controls, "governments.US.control_leakage": leak,
        "labs.alibaba.posture": posture, "developers.network_effect": gamma,
        "lab_behaviour.temperature": temperature})
    cfg.developers.region_shares = shares
    check_invariants(run(cfg), n)


# ------------------------------------------------------------------ data-only configs
@contextmanager
def scenario_file(text: str):
    name = f"zz_test_{uuid.uuid4().hex[:8]}"
    path = CONFIG_DIR / "scenario" / f"{name}.yaml"
    path.write_text(text)
    try:
        yield name
    finally:
        path.unlink()


@pytest.mark.parametrize("body", [
    "hydra:\n  callbacks:\n    evil:\n      _target_: builtins.open\n      file: {marker}\n"
    "      mode: w\n",
    "hydra:\n  job_logging:\n    handlers:\n      evil:\n        (): builtins.open\n"
    "        file: {marker}\n        mode: w\n",
    "hydra:\n  job_logging:\n    handlers:\n      evil:\n        class: builtins.open\n",
    "developers:\n  _target_: builtins.open\n  file: {marker}\n",
    "events:\n  e: {{month: 1, kind: set, target: seed, value: {{_target_: builtins.open}}}}\n",
])
def test_scenario_files_cannot_import_or_call_code(tmp_path, body):
    marker = tmp_path / "pwned"
    text = "# @package _global_\nscenario_parts: {evil: evil}\n" + body.format(marker=marker)
    with scenario_file(text) as name:
        for mode in ([], ["-m"]):
            res = cli(*mode, f"scenario={name}", *TINY, f"hydra.run.dir={tmp_path}/r",
                      f"hydra.sweep.dir={tmp_path}/s")
            assert res.returncode == 2, res.stdout + res.stderr
            assert res.stderr.startswith("error: invalid config:"), res.stderr
            assert not marker.exists()
            assert not (tmp_path / "r").exists() and not (tmp_path / "s").exists()


def test_callback_override_on_the_command_line_is_refused(tmp_path):
    res = cli("+hydra.callbacks.x._target_=builtins.print", *TINY, f"hydra.run.dir={tmp_path}")
    assert res.returncode == 2 and "hydra.callbacks.x._target_" in res.stderr


# ------------------------------------------------------------------ reproducibility
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_results_are_byte_identical_across_runs_processes_and_launchers(tmp_path):
    args = ["scenario=baseline,us_tightens_controls", "seed=3,4", *TINY]
    for name, extra in (("a", []), ("b", []), ("serial", ["hydra/launcher=basic"])):
        res = cli("-m", *args, *extra, f"hydra.sweep.dir={tmp_path}/{name}")
        assert res.returncode == 0, res.stderr[-2000:]
    single = cli("scenario=baseline", "seed=3", *TINY, f"hydra.run.dir={tmp_path}/one")
    assert single.returncode == 0
    digests = {name: sorted(_digest(p) for p in (tmp_path / name).glob("*/results.parquet"))
               for name in ("a", "b", "serial")}
    assert len(digests["a"]) == 4
    assert digests["a"] == digests["b"] == digests["serial"]
    assert _digest(tmp_path / "one" / "results.parquet") in digests["a"]


def test_rerun_reproduces_any_run_of_a_sweep(tmp_path):
    res = cli("-m", "scenario=baseline,alibaba_closes", "seed=0,1", *TINY,
              f"hydra.sweep.dir={tmp_path}/s")
    assert res.returncode == 0, res.stderr[-2000:]
    table = tmp_path / "s" / "sweep_results.parquet"
    df = pd.read_parquet(table)
    assert {"config_hash", "sim_version", "git_commit", "seed"} <= set(df.columns)
    run_id = df[df.scenario == "alibaba_closes"].run_id.iloc[-1]
    out = subprocess.run([sys.executable, "-m", "experiments.rerun", str(table), run_id],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and "identical" in out.stdout, out.stderr
    one = next((tmp_path / "s").glob("*/results.parquet"))
    out = subprocess.run([sys.executable, "-m", "experiments.rerun", str(one)], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    tampered = tmp_path / "tampered.parquet"
    bad = pd.read_parquet(one)
    bad.loc[bad.index[-1], "value"] += 1.0
    bad.to_parquet(tampered)
    (tmp_path / "run_config.json").write_bytes((one.parent / "run_config.json").read_bytes())
    out = subprocess.run([sys.executable, "-m", "experiments.rerun", str(tampered)], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 1 and "NOT" in out.stderr


# ------------------------------------------------------------------ interrupted work
@pytest.mark.parametrize("trial", range(3))
def test_sigkill_at_random_points_never_leaves_partial_results(tmp_path, trial):
    rng = random.Random(trial)
    args = ["-m", "scenario=baseline,alibaba_closes", "seed=range(0,5)",
            "hydra.launcher.n_jobs=2", *TINY, f"hydra.sweep.dir={tmp_path}/s"]
    proc = subprocess.Popen([sys.executable, "-m", "experiments.run", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    time.sleep(rng.uniform(2.0, 6.0))
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    for path in (tmp_path / "s").glob("**/*.parquet"):
        pd.read_parquet(path)  # every file that exists is complete and readable
    assert not list((tmp_path / "s").glob("**/results.parquet.*"))  # no visible partial names
    res = cli(*args)
    assert res.returncode == 0, res.stderr[-2000:]
    df = pd.read_parquet(tmp_path / "s" / "sweep_results.parquet")
    assert df.groupby(["scenario", "seed"]).ngroups == 10
    assert df.groupby("run_id").size().nunique() == 1


# ------------------------------------------------------------------ numerical robustness
EXTREMES = {
    "no developers in a region": {"developers.region_shares": {"US": 0.0, "CN": 0.5,
                                                                "EU": 0.0, "ROW": 0.5}},
    "controls at 0": {"governments.US.export_controls": 0.0},
    "controls at 1": {"governments.US.export_controls": 1.0,
                      "governments.US.control_leakage": 0.0},
    "one month": {"model.horizon_months": 1},
    "thirty years": {"model.horizon_months": 360, "model.n_developers": 300},
    "no developers": {"model.n_developers": 0},
    "market bans everywhere": {"governments.US.bans": {"CN": "market", "EU": "market"},
                               "governments.CN.bans": {"US": "market", "EU": "market"},
                               "governments.EU.bans": {"US": "market", "CN": "market"}},
    "no domestic chips": {"chips.domestic_chips_per_year": 0.0},
    "extreme tastes": {"developers.network_effect": 5.0, "developers.switching_cost": 20.0,
                       "lab_behaviour.temperature": 0.001},
}


def _all_postures(posture: str) -> dict:
    return {f"labs.{name}.posture": posture for name in SimConfig().labs}


@pytest.mark.parametrize("name", [*EXTREMES, "every lab closed", "every lab open"])
def test_extreme_valid_parameters_run_without_nan(name):
    overrides = EXTREMES.get(name) or _all_postures("closed" if "closed" in name else "open")
    cfg = with_overrides(SimConfig(), {"model.n_developers": 1000, "model.horizon_months": 36})
    for key, value in overrides.items():
        if isinstance(value, dict):  # whole dict-valued fields
            cfg = with_overrides(cfg, {})
            parent, _, attr = key.rpartition(".")
            node = cfg
            for part in parent.split("."):
                node = node[part] if isinstance(node, dict) else getattr(node, part)
            setattr(node, attr, value)
        else:
            cfg = with_overrides(cfg, {key: value})
    df = run(cfg)
    assert np.isfinite(df.value).all()
    check_invariants(df, cfg.model.n_developers)
    if "every lab" in name:
        locked = _all_postures("closed" if "closed" in name else "open")
        assert len(locked) == df[(df.metric == "lab_openness") & (df.month == 0)].shape[0]


# ------------------------------------------------------------------ memory
def _peak_rss_mb(code: str) -> float:
    out = subprocess.run([sys.executable, "-c", code + "\nimport resource;"
                          "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return int(out.stdout.split()[-1]) / 1024


def test_collecting_streams_runs_so_memory_does_not_grow_with_their_number(tmp_path):
    res = cli("scenario=baseline", "seed=0", "model.n_developers=400", "output.figures=false",
              f"hydra.run.dir={tmp_path}/seed0")
    assert res.returncode == 0
    template = pd.read_parquet(tmp_path / "seed0" / "results.parquet")
    for n, folder in ((40, "small"), (400, "large")):
        for k in range(n):
            run_dir = tmp_path / folder / f"seed={k}"
            run_dir.mkdir(parents=True)
            template.assign(seed=k, run_id=f"baseline|seed={k}|x").to_parquet(
                run_dir / "results.parquet")
            (run_dir / "run_config.json").write_bytes(
                (tmp_path / "seed0" / "run_config.json").read_bytes())
    code = "from experiments.sweep.collection import collect; " \
           "collect(__import__('pathlib').Path({!r}), figures=False)"
    small = _peak_rss_mb(code.format(str(tmp_path / "small")))
    large = _peak_rss_mb(code.format(str(tmp_path / "large")))
    rows = pd.read_parquet(tmp_path / "large" / "sweep_results.parquet", columns=["seed"])
    assert len(rows) == 400 * len(template)
    # 10x the runs: the streamed table grows 10x on disk, peak memory by far less
    assert large < 1.5 * small and large < 2048, (small, large)


def test_many_one_seed_jobs_get_a_batching_hint_that_runs_the_same_seeds():
    hints: list[str] = []
    assert preflight(["scenario=baseline,alibaba_closes", "seed=range(0,200)"], True, hints) == 400
    from experiments.sweep.preflight import batching_hint, check_seed_batches, expand_jobs
    assert hints == [batching_hint(list(range(200)))]  # once, though two scenarios
    assert "seeds_per_job=25" in batching_hint(list(range(200)), cores=2)  # 4 jobs a core
    for seeds, cores in ((range(5, 105), 2), (range(0, 30), 1), (range(0, 64), 4)):
        hint = batching_hint(list(seeds), cores)
        advice = [a.strip("'") for a in hint.split(": ", 1)[1].split()[-2:]]
        jobs = expand_jobs(advice)
        per_job = int(advice[1].split("=")[1])
        starts = [int(j[0].split("=")[1]) for j in jobs]
        check_seed_batches(starts, per_job)  # no seed twice
        assert sorted(s + i for s in starts for i in range(per_job)) == list(seeds)
    assert batching_hint(list(range(10)), cores=2) == ""  # too few to be worth it
    assert batching_hint([0, 5, 9] * 10, cores=1) == ""  # not one contiguous run
    hints = []
    preflight(["seed=range(0,200,25)", "seeds_per_job=25"], True, hints)
    assert hints == []


def test_the_preflight_expands_a_sweep_as_the_sweepers_launch_it():
    from experiments.sweep.preflight import expand_jobs
    # a key given twice keeps its last value, as in Hydra's basic sweeper
    assert expand_jobs(["seed=1", "seed=2,3", "scenario=baseline"]) == [
        ["seed=2", "scenario=baseline"], ["seed=3", "scenario=baseline"]]
    assert len(expand_jobs(["scenario=baseline,alibaba_closes", "seed=range(0,3)"])) == 6


def test_the_only_allowed_callback_is_the_one_the_config_names():
    import importlib

    from omegaconf import OmegaConf

    from experiments.sweep.preflight import ALLOWED_CALLBACKS
    from sim.hydra_conf import compose_config

    cfg = compose_config(None, return_hydra_config=True)
    named = {k: v["_target_"] for k, v in OmegaConf.to_container(cfg.hydra.callbacks).items()}
    assert named == ALLOWED_CALLBACKS
    for target in named.values():
        module, _, name = target.rpartition(".")
        assert hasattr(importlib.import_module(module), name)
