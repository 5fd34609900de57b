"""Benchmark: how much of a parallel sweep's wall time is spent in the model itself.

    python -m benchmarks.bench_sweep [--runs 200] [--jobs 2] [--repeat 3]

Runs ``--runs`` baseline seeds through the real command line with the joblib launcher
(``--jobs`` workers) into a temporary folder, including the final collection, and compares the
wall time with the model time each job records in ``timing.json``:

    model share = sum(model seconds) / (jobs x wall seconds)

The rest is launcher, config composition, result writing, process start and collection;
``run share`` also counts each run's writing of its own results as the run's (so its complement
is the launcher and collection overhead alone). ``--seeds-per-job 1 100`` measures one seed
per Hydra job and 100 seeds per job (``seeds_per_job=100``, one job per worker for 200 runs),
which spreads Hydra's fixed cost per job over more model time. Each configuration runs
``--repeat`` times, interleaved; the table gives the run with the median wall time and the
lowest and highest model share of the repeats. The last column is the wall time of running the
same command again once the sweep has finished (no job is launched; the sweep is collected again).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_sweep(runs: int, jobs: int, out: Path, per_job: int = 1,
              developers: int = 10_000) -> dict:
    """Run the sweep; return wall time, summed model and job time, and the model share."""
    cmd = [sys.executable, "-m", "experiments.run", "-m", f"seed=range(0,{runs},{per_job})",
           f"seeds_per_job={per_job}", f"hydra.launcher.n_jobs={jobs}",
           f"model.n_developers={developers}", f"hydra.sweep.dir={out}", "output.figures=false"]
    wall = _timed(cmd)
    rerun = _timed(cmd)  # the finished sweep again: nothing to launch, collected again
    timings = [json.loads(p.read_text()) for p in [*out.glob("*/timing.json"),
                                                    *out.glob("*/seed=*/timing.json")]]
    model = sum(t["model_seconds"] for t in timings)
    job = sum(t["job_seconds"] for t in timings)
    return {"runs": len(timings), "per_job": per_job, "jobs": jobs, "wall_s": wall,
            "model_s": model, "job_s": job, "model_share": model / (jobs * wall),
            "run_share": job / (jobs * wall),
            "median_model_s": statistics.median(t["model_seconds"] for t in timings),
            "rerun_s": rerun}


def _timed(cmd: list[str]) -> float:
    """Wall seconds of a command (raises if it fails)."""
    start = time.perf_counter()
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(res.stderr[-3000:])
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seeds-per-job", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--developers", type=int, nargs="+", default=[10_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    cases = [(d, k) for d in args.developers for k in args.seeds_per_job]
    results: dict[tuple, list[dict]] = {case: [] for case in cases}
    for _ in range(args.repeat):  # interleaved, so that a noisy spell hits every case alike
        for developers, per_job in cases:
            with tempfile.TemporaryDirectory() as tmp:
                results[(developers, per_job)].append(
                    run_sweep(args.runs, args.jobs, Path(tmp) / "sweep", per_job, developers))
    print(f"| runs | developers | seeds per job | workers | wall (s, median of {args.repeat}) "
          "| model time (s, summed) | model share of wall x workers | model share, lowest - "
          "highest run | run share (model + writing its results) | median model time per run "
          "(s) | finished sweep run again (s) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for developers, per_job in cases:
        rs = sorted(results[(developers, per_job)], key=lambda r: r["wall_s"])
        r = rs[len(rs) // 2]
        shares = [x["model_share"] for x in rs]
        print(f"| {r['runs']} | {developers:,} | {per_job} | {r['jobs']} | {r['wall_s']:.1f} "
              f"| {r['model_s']:.1f} | {r['model_share']:.1%} "
              f"| {min(shares):.1%} - {max(shares):.1%} | {r['run_share']:.0%} "
              f"| {r['median_model_s']:.3f} | {r['rerun_s']:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
