"""The baseline run of this checkout side by side with the same run of an earlier commit.

Run from the repository root::

    python -m benchmarks.bench_versions                      # against the commit before issue 14
    python -m benchmarks.bench_versions --ref <commit> --repeat 15

The earlier commit is exported with ``git archive`` into a temporary folder; each repetition
times one baseline run (``MarketModel(SimConfig()).run()``: full roster, 10,000 developers, 72
months; model build and run, no results table) of each version in its own fresh subprocess,
pinned to one core and single-threaded, alternating which goes first. Machines are shared and
noisy: the medians and their ratio, measured in the same run, are what to compare, never a bare
time. Writes ``benchmarks/results_versions.md`` unless ``--no-write``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from benchmarks.bench_model_report import THREAD_VARS

ROOT = Path(__file__).resolve().parents[1]
#: The last commit before labs had budgets (issue 14).
DEFAULT_REF = "e612809"
TIMER = """
import logging, os, time
os.sched_setaffinity(0, {next(iter(os.sched_getaffinity(0)))})
logging.getLogger("MESA").setLevel(logging.WARNING)
from sim.config import SimConfig
from sim.model import MarketModel
MarketModel(SimConfig()).run()  # warm-up: imports, caches
t = time.perf_counter()
MarketModel(SimConfig()).run()
print(time.perf_counter() - t)
"""


def export(ref: str, into: Path) -> Path:
    """The tree of commit ``ref`` written under ``into`` (a plain folder, no git)."""
    archive = into / "ref.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive), ref],
                   check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    return into / "tree"


def time_once(tree: Path) -> float:
    """Seconds of one baseline run of the code in ``tree`` (fresh process)."""
    env = {**os.environ, "PYTHONPATH": str(tree), **dict.fromkeys(THREAD_VARS, "1")}
    out = subprocess.run([sys.executable, "-c", TIMER], cwd=tree, env=env, check=True,
                         capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def compare(ref: str, repeat: int) -> dict[str, list[float]]:
    """Interleaved timings of this checkout and of ``ref``."""
    times: dict[str, list[float]] = {"this checkout": [], ref: []}
    with tempfile.TemporaryDirectory() as tmp:
        old = export(ref, Path(tmp))
        for k in range(repeat):
            order = [("this checkout", ROOT), (ref, old)]
            for name, tree in order if k % 2 == 0 else order[::-1]:
                times[name].append(time_once(tree))
    return times


def report(times: dict[str, list[float]], ref: str) -> str:
    """Markdown table of medians and ranges, and the ratio of medians."""
    now, then = (statistics.median(times[k]) for k in ("this checkout", ref))
    lines = ["# Baseline run: this checkout against an earlier commit", "",
             "`python -m benchmarks.bench_versions` (one baseline run per fresh process, "
             "pinned to one core; medians of interleaved repetitions).", "",
             "| version | median (s) | min .. max (s) | runs |", "|---|---|---|---|"]
    for name, ts in times.items():
        lines.append(f"| {name} | {statistics.median(ts):.3f} | {min(ts):.3f} .. "
                     f"{max(ts):.3f} | {len(ts)} |")
    lines += ["", f"Ratio of medians, this checkout / {ref}: **{now / then:.2f}**.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default=DEFAULT_REF)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    text = report(compare(args.ref, args.repeat), args.ref)
    print(text)
    if not args.no_write:
        (ROOT / "benchmarks" / "results_versions.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
