"""The commands that write the README's answers: ``experiments.answers``, ``explain_postures``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments import answers, explain_postures


def _table(effect: float, seeds: int = 4) -> pd.Series:
    """Outcome per (scenario, seed): baseline 0.3 + seed noise, the scenario ``effect`` more."""
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 0.01, seeds)
    rows = {("baseline", s): 0.3 + noise[s] for s in range(seeds)}
    rows |= {("alibaba_closes", s): 0.3 + noise[s] + effect for s in range(seeds)}
    return pd.Series(rows).rename_axis(["scenario", "seed"])


def test_a_paired_effect_cancels_the_seed_noise_both_scenarios_share():
    out = answers.paired(_table(-0.05), "alibaba_closes")
    assert out["effect"] == pytest.approx(-0.05)
    assert out["lo"] == pytest.approx(-0.05) and out["hi"] == pytest.approx(-0.05)
    assert out["baseline"] == pytest.approx(0.3, abs=0.02)


def test_the_answers_command_writes_both_questions_with_their_directions(tmp_path):
    report = tmp_path / "ANSWERS.md"
    out = answers.work(["seeds=2", "jobs=1", f"report={report}", "model.n_developers=400"])
    text = report.read_text()
    assert "## Alibaba closes the Qwen weights" in text
    assert "## The US tightens chip controls" in text
    gap = next(r for r in out["answers"]["us_tightens_controls"]
               if r["outcome"] == "US-China capability gap" and r["when"] == "2026-12")
    assert gap["effect"] > 0  # controls cut Chinese compute, so the gap widens
    q1 = {(r["outcome"], r["when"]): r for r in out["answers"]["alibaba_closes"]}
    assert len(q1) == (len(answers.ADOPTION) + 1) * len(answers.CHECKPOINTS)


def test_bad_keys_are_refused_before_any_run(capsys):
    assert answers.main(["seeds=2", "sedes=3"]) == 2
    assert "sedes" in capsys.readouterr().err
    assert explain_postures.main(["scenario=baseline", "jbos=1"]) == 2
