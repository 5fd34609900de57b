"""A sweep's terminal: one progress bar, per-run logs in the job folders, errors still shown."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.sweep import progress

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["model.n_developers=300", "model.horizon_months=6", "output.figures=false"]


def run_sweep(out: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "experiments.run", "-m", *args, *SMALL,
           f"hydra.sweep.dir={out}"]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def bar_states(stderr: str) -> list[str]:
    """The states a tqdm bar drew (it redraws its line with a carriage return)."""
    return [s.strip() for s in re.split(r"[\r\n]", stderr) if s.strip()]


def test_a_sweep_shows_one_progress_bar_and_no_line_per_run(tmp_path):
    res = run_sweep(tmp_path / "s", "scenario=baseline,us_tightens_controls", "seed=0,1",
                    "hydra.launcher.n_jobs=2")
    assert res.returncode == 0, res.stderr[-3000:]
    states = bar_states(res.stderr)
    assert states and all(s.startswith("runs:") for s in states), res.stderr  # nothing else
    assert re.match(r"runs: 100%\|.*\| 4/4 ", states[-1]), states[-1]
    terminal = res.stdout + res.stderr
    for noise in ("results:", "Done", "tasks", "Launching", "[HYDRA]", "[INFO]", "Joblib"):
        assert noise not in terminal, noise
    assert res.stdout.splitlines()[0].startswith("sweep folder:")
    assert "collected 4 runs" in res.stdout
    assert not (tmp_path / "s" / progress.PROGRESS_FILE).exists()  # removed at the end


def test_each_job_logs_to_its_own_folder(tmp_path):
    out = tmp_path / "s"
    res = run_sweep(out, "seed=0,2", "seeds_per_job=2", "hydra.launcher.n_jobs=2")
    assert res.returncode == 0, res.stderr[-3000:]
    jobs = sorted(out.glob("*seeds_per_job=2*"))
    assert len(jobs) == 2
    for job in jobs:
        log = (job / "run.log").read_text()
        assert log.count("results: ") == 2  # the job's two seeds
        for seed_dir in job.glob("seed=*"):
            assert f"results: {seed_dir}" in log


def test_a_failing_job_is_still_reported_on_the_terminal(tmp_path):
    out = tmp_path / "s"
    # a folder where seed 1's results file should go: writing it fails in the worker
    blocked = out / "model.horizon_months=6,model.n_developers=300,seed=1" / "results.parquet"
    blocked.mkdir(parents=True)
    res = run_sweep(out, "seed=0,1,2", "hydra.launcher.n_jobs=2")
    assert res.returncode != 0
    assert "Error executing job with overrides" in res.stdout + res.stderr
    assert "IsADirectoryError" in res.stderr


def test_a_single_run_says_where_its_outputs_are_and_keeps_its_log(tmp_path):
    out = tmp_path / "run"
    res = subprocess.run([sys.executable, "-m", "experiments.run", *SMALL,
                          f"hydra.run.dir={out}"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    assert f"outputs: {out}" in res.stdout and "[INFO]" not in res.stdout + res.stderr
    assert f"results: {out / 'results.parquet'}" in (out / "run.log").read_text()


def test_the_bar_counts_the_runs_its_jobs_record(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    (tmp_path / progress.PROGRESS_FILE).write_text("left by an earlier command\n")
    bar = progress.Progress(tmp_path, total=5, done=2, poll_s=0.01)
    assert bar.bar.n == 2  # the earlier command's line is not counted
    for k in range(3):
        progress.record(tmp_path, tmp_path / f"seed={k}")
    bar.close()
    assert bar.bar.n == 5
    assert "5/5" in sys.stderr.getvalue()
    assert not (tmp_path / progress.PROGRESS_FILE).exists()


@pytest.mark.parametrize("launcher, bar", [("parallel", True), ("basic", True), ("ray", False)])
def test_a_bar_only_for_launchers_whose_jobs_run_here(tmp_path, capsys, launcher, bar):
    progress.start(tmp_path, total=4, done=1, launcher=launcher)
    shown = progress._current is not None
    progress.stop()
    out = capsys.readouterr().out
    assert shown is bar
    assert "1 finished already" in out
    progress.start(tmp_path, total=4, done=4, launcher=launcher)
    assert progress._current is None
    assert "all 4 runs finished already" in capsys.readouterr().out


def test_recording_where_the_sweep_folder_is_missing_does_not_fail_the_job(tmp_path):
    progress.record(tmp_path / "not" / "here", tmp_path)
