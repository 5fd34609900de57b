"""Sweeps through the real command line: collection, launchers, resuming after a kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments.sweep.collection import collect
from study.results_io import COLLECTED, read_for_summary
from study.compare import scenario_summary

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["model.n_developers=600", "model.horizon_months=20", "output.figures=false"]
KEY = ["scenario", "seed", "month", "metric", "region", "bloc", "lab"]


def sweep(out: Path, *args: str, python: str = sys.executable, timeout: int = 600,
          env: dict | None = None):
    cmd = [python, "-m", "experiments.run", "-m", *args, *SMALL, f"hydra.sweep.dir={out}"]
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                         env={**os.environ, **(env or {})})
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-4000:]
    return res


def collected(out: Path) -> pd.DataFrame:
    df = pd.read_parquet(out / COLLECTED)
    return df.sort_values(KEY).reset_index(drop=True)


def test_two_scenario_multirun_collects_one_tidy_table(tmp_path):
    res = sweep(tmp_path / "s", "scenario=baseline,alibaba_closes", "seed=0,1,2",
                "hydra.launcher.n_jobs=2")
    df = collected(tmp_path / "s")
    assert sorted(df.groupby(["scenario", "seed"]).size().index) == [
        (s, k) for s in ("alibaba_closes", "baseline") for k in (0, 1, 2)]
    per_run = df.groupby("run_id").size()
    assert per_run.nunique() == 1 and len(per_run) == 6
    assert df.month.max() == 19
    for col in ("config_hash", "sim_version", "git_commit", "date", "value"):
        assert col in df.columns
    summary = pd.read_csv(tmp_path / "s" / "scenario_summary.csv", keep_default_na=False)
    row = summary[(summary.scenario == "alibaba_closes") & (summary.metric == "open_share")
                  & (summary.region == "global") & (summary.month == 19)]
    assert len(row) == 1 and row.n_seeds.iloc[0] == 3
    assert float(row.lo.iloc[0]) <= float(row["mean"].iloc[0]) <= float(row.hi.iloc[0])
    assert "collected 6 runs" in res.stdout
    # plain string columns, as any Parquet reader expects (not categoricals)
    assert pd.api.types.is_string_dtype(df.scenario) and df.scenario.dtype != "category"


def test_summary_kept_while_collecting_equals_the_summary_of_the_written_table(tmp_path):
    # the collector keeps the summary's rows as it writes the table; runs of different
    # horizons check that it keeps every checkpoint month the longest horizon needs
    out = tmp_path / "h"
    cmd = [sys.executable, "-m", "experiments.run", "-m", "scenario=baseline,alibaba_closes",
           "seed=0,1", "model.horizon_months=19,24", "model.n_developers=600",
           "output.figures=false", "hydra.launcher.n_jobs=2", f"hydra.sweep.dir={out}"]
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    kept = pd.read_csv(out / "scenario_summary.csv")
    params = [c for c in kept.columns if c.startswith("model.")]  # every override is a column
    assert params == ["model.horizon_months", "model.n_developers"]
    again = scenario_summary(read_for_summary(out / COLLECTED, params=params), params=params)
    again.to_csv(tmp_path / "again.csv", index=False)
    pd.testing.assert_frame_equal(kept, pd.read_csv(tmp_path / "again.csv"))
    assert sorted(kept.month.unique()) == [11, 23]
    assert set(kept["model.horizon_months"]) == {19, 24}


def test_swept_parameters_become_columns(tmp_path):
    sweep(tmp_path / "p", "developers.network_effect=0.0,1.0", "seed=0",
          "hydra.launcher.n_jobs=2")
    df = collected(tmp_path / "p")
    assert set(df["developers.network_effect"]) == {0.0, 1.0}  # numbers stay numbers
    assert pd.api.types.is_float_dtype(df["developers.network_effect"])


def test_serial_and_joblib_launchers_give_identical_results(tmp_path):
    args = ["scenario=baseline,us_tightens_controls", "seed=0,1"]
    sweep(tmp_path / "basic", *args, "hydra/launcher=basic")
    sweep(tmp_path / "joblib", *args, "hydra.launcher.n_jobs=2")
    # joblib's own fresh worker processes instead of forks of the sweep's server
    sweep(tmp_path / "fresh", *args, "hydra.launcher.n_jobs=2", env={"OPENMARKET_FORKSERVER": "0"})
    a, b = collected(tmp_path / "basic"), collected(tmp_path / "joblib")
    pd.testing.assert_frame_equal(a[KEY + ["value"]], b[KEY + ["value"]])
    c = collected(tmp_path / "fresh")
    pd.testing.assert_frame_equal(a[KEY + ["value"]], c[KEY + ["value"]])
    # the joblib sweep is collected in one of its workers, the serial one in its own process
    assert ((tmp_path / "basic" / "scenario_summary.csv").read_bytes()
            == (tmp_path / "joblib" / "scenario_summary.csv").read_bytes())


def test_a_job_of_several_seeds_writes_each_seed_as_a_one_seed_job_would(tmp_path):
    sweep(tmp_path / "batched", "seed=5", "seeds_per_job=2", "output.collect=false")
    sweep(tmp_path / "single", "seed=5,6", "output.collect=false")
    job = next((tmp_path / "batched").glob("*seeds_per_job=2"))
    for seed in (5, 6):
        batched = job / f"seed={seed}"
        single = next((tmp_path / "single").glob(f"*seed={seed}"))
        assert ((batched / "run_config.json").read_bytes()
                == (single / "run_config.json").read_bytes())
        assert ((batched / "results.parquet").read_bytes()
                == (single / "results.parquet").read_bytes())
        df = pd.read_parquet(single / "results.parquet")
        assert set(df.seed) == {seed}
        # written from dictionary-encoded columns, read back as plain strings
        for col in ("run_id", "metric", "region", "date", "config_hash"):
            assert pd.api.types.is_string_dtype(df[col]) and df[col].dtype != "category"


def test_submitit_local_launcher_gives_identical_results(tmp_path):
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher")
    args = ["scenario=baseline", "seed=0,1"]
    sweep(tmp_path / "basic", *args, "hydra/launcher=basic")
    sweep(tmp_path / "submitit", *args, "hydra/launcher=submitit_local",
          "hydra.launcher.timeout_min=10")
    a, b = collected(tmp_path / "basic"), collected(tmp_path / "submitit")
    pd.testing.assert_frame_equal(a[KEY + ["value"]], b[KEY + ["value"]])


def test_killed_sweep_resumes_to_exactly_the_uninterrupted_rows(tmp_path):
    args = ["scenario=baseline,alibaba_closes", "seed=range(0,6)", "hydra.launcher.n_jobs=2"]
    sweep(tmp_path / "whole", *args)
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "experiments.run", "-m", *args, *SMALL,
           f"hydra.sweep.dir={out}"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and len(list(out.glob("*/results.parquet"))) < 3:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(list(out.glob("*/results.parquet")))
    assert 0 < done_before < 12, "the kill should land mid-sweep"
    assert not (out / COLLECTED).exists()
    finished_before = {p: p.stat().st_mtime_ns for p in out.glob("*/results.parquet")}
    res = sweep(out, *args)  # the same command again
    # the finished jobs are not launched again (a job the kill caught writing its results may
    # have finished since the count above)
    done = int(res.stdout.split(" finished already")[0].rsplit(" ", 1)[-1])
    assert done_before <= done < 12
    assert f"{12 - done} of 12 runs to do" in res.stdout
    assert all(p.stat().st_mtime_ns == t for p, t in finished_before.items())
    pd.testing.assert_frame_equal(collected(out)[KEY + ["value"]],
                                  collected(tmp_path / "whole")[KEY + ["value"]])


def test_collect_command_line(tmp_path):
    sweep(tmp_path / "c", "scenario=baseline", "seed=0,1", "output.collect=false")
    assert not (tmp_path / "c" / COLLECTED).exists()
    res = subprocess.run([sys.executable, "-m", "experiments.collect", str(tmp_path / "c")],
                         cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "c" / COLLECTED).exists()
    assert (tmp_path / "c" / "figures" / "scenario_outcomes.png").exists()
    # a collection killed mid-write (e.g. its worker, at Ctrl-C) leaves a temporary file;
    # the next collection removes it
    stale = tmp_path / "c" / f".{COLLECTED}.abc123.tmp"
    stale.write_bytes(b"partial")
    assert collect(tmp_path / "c", figures=False).n_runs == 2
    assert not stale.exists() and not list((tmp_path / "c").glob("*.tmp"))
    empty = tmp_path / "empty"
    empty.mkdir()
    assert collect(empty).n_runs == 0


@pytest.fixture(scope="session")
def ray_python() -> str:
    """Python of the Ray environment, built by `make ray-env` (Ray lives in its own venv)."""
    res = subprocess.run(["make", "ray-env"], cwd=ROOT, capture_output=True, text=True,
                         timeout=900)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    return str(ROOT / ".venv-ray" / "bin" / "python")


def test_ray_launcher_on_a_local_ray_instance_gives_identical_results(tmp_path, ray_python):
    args = ["scenario=baseline,us_tightens_controls", "seed=0,1"]
    sweep(tmp_path / "joblib", *args, "hydra.launcher.n_jobs=2")
    res = sweep(tmp_path / "ray", *args, "hydra/launcher=ray",
                "+hydra.launcher.ray.init.num_cpus=2", python=ray_python)
    assert "collected 4 runs" in res.stdout
    a, b = collected(tmp_path / "joblib"), collected(tmp_path / "ray")
    pd.testing.assert_frame_equal(a[KEY + ["value"]], b[KEY + ["value"]])
