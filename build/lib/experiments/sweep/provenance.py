"""Where a result came from: package version and git commit of the code that produced it."""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

import sim

ROOT = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=1)
def git_commit() -> str:
    """The repository's HEAD commit, with ``-dirty`` if tracked files were modified."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + ("-dirty" if dirty else "")


def provenance() -> dict[str, str]:
    """Version and commit, as stored beside every results table."""
    return {"sim_version": sim.__version__, "git_commit": git_commit()}
