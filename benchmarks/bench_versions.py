"""The baseline run of this checkout side by side with the same run of an earlier commit.

Run from the repository root::

    python -m benchmarks.bench_versions                      # against the commit before issue 15
    python -m benchmarks.bench_versions --ref <commit> --repeat 15

The earlier commit is exported with ``git archive`` into a temporary folder; each repetition
times one baseline run (``MarketModel(SimConfig()).run()``: full roster, 10,000 developers, 72
months; model build and run, no results table) of each version in its own fresh subprocess,
pinned to one core and single-threaded, alternating which goes first. Machines are shared and
noisy: the medians and their ratio, measured in the same run, are what to compare, never a bare
time. Then it shows where this checkout's time goes: each phase of the month
(:data:`PHASES`) timed by a wrapper around the method that runs it, as shares of the run
(medians over repetitions; the wrappers add a few microseconds per call). Writes
``benchmarks/results_versions.md`` unless ``--no-write``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from benchmarks.bench_model_report import THREAD_VARS

ROOT = Path(__file__).resolve().parents[1]
#: The last commit before labs had foresight, releases and segments (issue 15).
DEFAULT_REF = "28f5689"
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


#: The phases of a month, as (label, class path, method): the model's schedule (docs/ODD.md 3).
PHASES = (("model build (month 0, incl. first market and record)", "sim.model.MarketModel",
           "__init__"),
          ("labs' posture projections (foresight, all deciders)", "sim.model.MarketModel",
           "_project_deciders"),
          ("labs' steps (payoff terms, draws, releases)", "sim.agents.lab.Lab", "step"),
          ("developers' choices", "sim.model.MarketModel", "_run_developers"),
          ("market clearing (menu, prices, access, utilities)", "sim.model.MarketModel",
           "refresh_market"),
          ("accounts (sales, derivatives, cash)", "sim.model.MarketModel", "_book_month"),
          ("money and chips (funding, orders, deliveries)", "sim.model.MarketModel",
           "_buy_compute"),
          ("capability growth and imitation", "sim.model.MarketModel", "_grow_capability"),
          ("recording the month's outcomes", "sim.metrics.Recorder", "collect"))
PHASE_TIMER = """
import importlib, json, logging, os, time
os.sched_setaffinity(0, {next(iter(os.sched_getaffinity(0)))})
logging.getLogger("MESA").setLevel(logging.WARNING)
from sim.config import SimConfig
from sim.model import MarketModel
PHASES = %r
spent = dict.fromkeys([p[0] for p in PHASES], 0.0)
def wrap(label, path, name):
    module, cls = path.rsplit(".", 1)
    owner = getattr(importlib.import_module(module), cls)
    inner = getattr(owner, name)
    def timed(*a, **k):
        t = time.perf_counter()
        try:
            return inner(*a, **k)
        finally:
            spent[label] += time.perf_counter() - t
    setattr(owner, name, timed)
for p in PHASES:
    wrap(*p)
MarketModel(SimConfig()).run()  # warm-up
spent = dict.fromkeys(spent, 0.0)
t = time.perf_counter()
model = MarketModel(SimConfig())
model.run()
total = time.perf_counter() - t
print(json.dumps({"total": total, **spent}))
"""


def phases_once(tree: Path) -> dict[str, float]:
    """Seconds per phase of one baseline run of the code in ``tree``, and the total."""
    env = {**os.environ, "PYTHONPATH": str(tree), **dict.fromkeys(THREAD_VARS, "1")}
    out = subprocess.run([sys.executable, "-c", PHASE_TIMER % (PHASES,)], cwd=tree, env=env,
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def phase_report(runs: list[dict[str, float]]) -> str:
    """Markdown table: median seconds and share of the run per phase."""
    total = statistics.median(r["total"] for r in runs)
    lines = ["## Where this checkout's time goes", "",
             f"One baseline run, each phase timed by a wrapper (median of {len(runs)} fresh "
             "processes). The model build includes month 0's market and record (that record "
             "is also counted under recording); the labs' projections are inside no other "
             "phase.", "",
             "| phase | median (s) | share of the run |", "|---|---|---|"]
    shown = 0.0
    for label, _, _ in PHASES:
        sec = statistics.median(r[label] for r in runs)
        shown += sec
        lines.append(f"| {label} | {sec:.3f} | {sec / total:.0%} |")
    lines += [f"| rest (events, governments, schedule) | {max(total - shown, 0):.3f} | "
              f"{max(total - shown, 0) / total:.0%} |",
              f"| **whole run** | {total:.3f} | 100% |", ""]
    return "\n".join(lines)


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
    text += "\n" + phase_report([phases_once(ROOT) for _ in range(max(3, args.repeat // 3))])
    print(text)
    if not args.no_write:
        (ROOT / "benchmarks" / "results_versions.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
