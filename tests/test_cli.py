"""The command line as a user runs it: outputs written, bad input refused before any work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "experiments.run", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_single_run_writes_table_config_figures_and_summary(tmp_path):
    out = tmp_path / "run"
    res = cli("scenario=alibaba_closes", "seed=3", "model.horizon_months=24",
              "model.n_developers=800", f"hydra.run.dir={out}")
    assert res.returncode == 0, res.stderr
    df = pd.read_parquet(out / "results.parquet")
    assert set(df.scenario) == {"alibaba_closes"} and set(df.seed) == {3}
    assert df.month.max() == 23
    meta = json.loads((out / "run_config.json").read_text())
    assert meta["config"]["events"]["alibaba_closes"]["month"] == 18
    assert (out / "outcomes.png").stat().st_size > 10_000
    assert (out / "postures.png").exists()
    assert (out / ".hydra" / "config.yaml").exists()
    assert "open-weight share of developers" in res.stdout
    assert "alibaba_closes, seed 3" in res.stdout  # the summary says which run it shows
    assert "developers on Chinese models (global)" in res.stdout
    assert "%" in next(ln for ln in res.stdout.splitlines() if "open-weight share" in ln)
    assert "Step" not in (out / "run.log").read_text()  # Mesa's per-step log is silenced


@pytest.mark.parametrize("override, expected", [
    ("labs.deepsek.posture=open", "deepseek"),
    ("model.horizon_months=0", "model.horizon_months"),
    ("model.n_developers=-3", "[0, 10000000]"),
    ("governments.US.export_controls=1.5", "[0.0, 1.0]"),
    ("scenario=alibaba_closez", "alibaba_closes"),
    ("developers.reconsider_per_month=abc", "developers.reconsider_per_month"),
    ("labs.openai.posture=ajar", "open, hybrid, closed"),
    ("model.horizn_months=3", "horizon_months"),
    # listed by --help, but read by the analyses, not by a run
    ("+uncertainty=default", "read by experiments.sensitivity"),
    ("uncertainty=default", "read by experiments.sensitivity"),
])
def test_bad_input_is_one_clear_error_and_writes_nothing(tmp_path, override, expected):
    out = tmp_path / "run"
    res = cli(override, f"hydra.run.dir={out}")
    assert res.returncode == 2
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: invalid config:"), res.stderr
    assert expected in lines[0]
    assert "Traceback" not in res.stderr
    assert not out.exists()


def test_event_after_horizon_is_rejected(tmp_path):
    res = cli("scenario=alibaba_closes", "model.horizon_months=12", f"hydra.run.dir={tmp_path}/r")
    assert res.returncode == 2
    assert "events.alibaba_closes.month" in res.stderr and "[0, 11]" in res.stderr
