"""Resuming a sweep: finished jobs are not launched; the result equals an uninterrupted one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from experiments.sweep import resume
from sim.hydra_conf import compose_config
from study.results_io import COLLECTED

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["model.n_developers=300", "model.horizon_months=6", "output.figures=false",
         "hydra.launcher.n_jobs=2"]
KEY = ["scenario", "seed", "month", "metric", "region", "bloc", "lab"]


def run_sweep(out: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "experiments.run", "-m", *args, *SMALL,
           f"hydra.sweep.dir={out}"]
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-3000:]
    return res


def stamps(out: Path) -> dict[str, int]:
    """Every file of every job folder, with the time it was last written."""
    return {str(p.relative_to(out)): p.stat().st_mtime_ns
            for p in out.glob("*/**/*") if p.is_file()}


def collected(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / COLLECTED).sort_values(KEY).reset_index(drop=True)[KEY + ["value"]]


def hydra_dirname(overrides: list[str], exclude: list[str], item_sep: str, kv_sep: str) -> str:
    """The job's ``hydra.job.override_dirname``, as Hydra composes it (its public API)."""
    naming = "hydra.job.config.override_dirname"
    cfg = compose_config(None, [*overrides, f"{naming}.exclude_keys=[{','.join(exclude)}]",
                                f"{naming}.item_sep='{item_sep}'", f"{naming}.kv_sep='{kv_sep}'"],
                         return_hydra_config=True)
    return cfg.hydra.job.override_dirname


@pytest.mark.parametrize("overrides", [
    ["scenario=baseline", "seed=3", "model.n_developers=300"],
    ["+sweep@hydra.sweeper.params=smoke", "seeds_per_job=2", "output.figures=False", "+a.b=1",
     "~events"],
    ["developers.network_effect=0.5", "output.sweep_name=sweep-abc", "seed=10"],
])
def test_job_folders_are_named_as_hydra_names_them(overrides):
    exclude = ["sweep", "output.sweep_name", "output.figures"]
    for item_sep, kv_sep in ((",", "="), ("/", ":")):
        assert resume.override_dirname(overrides, exclude, item_sep, kv_sep) \
            == hydra_dirname(overrides, exclude, item_sep, kv_sep)


def _finish(run_dir: Path, digest: str, seed: int) -> None:
    run_dir.mkdir(parents=True)
    (run_dir / resume.RUN_CONFIG).write_text(json.dumps({"config_hash": digest, "seed": seed}))
    (run_dir / resume.RESULTS).write_bytes(b"table")


def test_only_jobs_with_a_run_to_do_are_launched(tmp_path):
    resume.clear_plans()
    jobs = [["scenario=a", f"seed={s}"] for s in (0, 10, 20, 30)]
    for job in jobs:
        resume.plan_job([*job, "hydra.sweep.dir=x"], resume.JobRuns("abc", int(job[1][5:]), 2))
    folder_of = lambda job: ",".join(sorted(job))  # noqa: E731
    first, half, stale = (tmp_path / folder_of(job) for job in jobs[:3])
    _finish(first / "seed=0", "abc", 0)  # both seeds of the first job finished
    _finish(first / "seed=1", "abc", 1)
    _finish(half / "seed=10", "abc", 10)  # one of two
    _finish(stale / "seed=20", "other config", 20)  # results of another config
    _finish(stale / "seed=21", "abc", 20)  # of another seed
    todo = resume.unfinished_jobs(jobs, tmp_path, folder_of)
    assert todo.jobs == jobs[1:] and todo.n_runs == 8 and todo.n_finished == 2
    # without folder names from the overrides, every job is launched (and skips itself)
    assert resume.unfinished_jobs(jobs, tmp_path, None).jobs == jobs
    # a job the preflight did not plan: the sweeper launches every job, as Hydra would
    assert resume.unfinished_jobs([*jobs, ["scenario=b"]], tmp_path, folder_of) is None
    resume.clear_plans()


def test_a_resumed_sweep_runs_only_the_missing_jobs_and_equals_an_uninterrupted_one(tmp_path):
    args = ["scenario=baseline,us_tightens_controls", "seed=0,1,2"]
    run_sweep(tmp_path / "whole", *args)
    out = tmp_path / "resumed"
    run_sweep(out, "scenario=baseline,us_tightens_controls", "seed=0,2")  # 4 of the 6 runs
    before = stamps(out)
    res = run_sweep(out, *args)
    assert "2 of 6 runs to do; 4 finished already" in res.stdout
    after = stamps(out)
    assert {k: after[k] for k in before} == before  # the finished jobs were not launched
    assert sorted({Path(k).parts[0] for k in after} - {Path(k).parts[0] for k in before}) == [
        f"model.horizon_months=6,model.n_developers=300,scenario={s},seed=1"
        for s in ("baseline", "us_tightens_controls")]
    pd.testing.assert_frame_equal(collected(out), collected(tmp_path / "whole"))
    # and once finished, the same command launches nothing
    again = run_sweep(out, *args)
    assert "all 6 runs finished already: nothing to launch" in again.stdout
    assert "runs:" not in again.stderr
    assert {k: v for k, v in stamps(out).items() if k in after} == after
    pd.testing.assert_frame_equal(collected(out), collected(tmp_path / "whole"))


def test_a_job_of_several_seeds_half_finished_runs_its_other_seeds(tmp_path):
    run_sweep(tmp_path / "whole", "seed=0,2", "seeds_per_job=2")
    part = tmp_path / "part"
    run_sweep(part, "seed=0", "seeds_per_job=2")
    job = part / "model.horizon_months=6,model.n_developers=300,seed=0,seeds_per_job=2"
    (job / "seed=1" / resume.RESULTS).unlink()  # seed 1 of the job lost
    res = run_sweep(part, "seed=0,2", "seeds_per_job=2")
    assert "finished already" not in res.stdout  # job 0 is launched again
    assert "| 4/4 " in res.stderr  # and its finished seed 0 counted as done
    assert "already finished, skipped" in (job / "run.log").read_text()
    pd.testing.assert_frame_equal(collected(part), collected(tmp_path / "whole"))
