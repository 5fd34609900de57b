"""Project rules a reader relies on: lint-clean code, no global random state in the model."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_model_never_touches_global_random_state():
    pattern = re.compile(r"np\.random\.(seed|rand|randn|randint|random|choice|normal|uniform)\b"
                         r"|^\s*import random\b|\brandom\.(random|randint|choice|seed)\(",
                         re.MULTILINE)
    offenders = [str(p) for p in (ROOT / "sim").rglob("*.py") if pattern.search(p.read_text())]
    assert offenders == []


@pytest.mark.skipif(shutil.which("ruff") is None and not (Path(sys.executable).parent / "ruff")
                    .exists(), reason="ruff not installed")
def test_ruff_lint_and_docstrings_pass():
    ruff = Path(sys.executable).parent / "ruff"
    cmd = [str(ruff) if ruff.exists() else "ruff", "check", "sim", "study", "experiments", "tests",
           "benchmarks", "hydra_plugins"]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
