"""The report of :mod:`benchmarks.bench_model`: environment, targets met, Markdown and JSON.

Kept apart from the measurements so each file reads on its own; the figures themselves are
measured in ``bench_model``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
VARIANT_LABELS = {
    "vectorised": "vectorised (DeveloperPopulation + 4 DeveloperRegion agents)",
    "naive_numpy": "one mesa.Agent per developer, utilities()/choose() on a 1-row array",
    "naive_scalar": "one mesa.Agent per developer, same formula in plain Python scalars",
}
#: What the benchmark checks (``--check``): seconds per baseline run, speed-up over one Mesa
#: agent per developer, and the million-developer run's time and peak memory.
TARGETS = {"baseline_seconds_max": 1.0, "baseline_seconds_goal": 0.2, "min_speedup": 10.0,
           "million_seconds_max": 30.0, "million_mb_max": 2048.0}


# ------------------------------------------------------------------------------------ 4
def environment(core: int | None) -> dict:
    """Where and when the benchmark ran."""
    import mesa  # imported here: bench_model sets thread limits before NumPy is imported
    import numpy as np

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f
                        if line.startswith("model name")), cpu)
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                capture_output=True, text=True, check=False).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "sim"], cwd=ROOT,
                               capture_output=True, text=True, check=False).stdout.strip()
        commit = commit + ("+dirty(sim)" if dirty else "")
    except OSError:
        commit = ""
    return {"date_utc": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "cpu": cpu, "logical_cpus": os.cpu_count(), "pinned_core": core,
            "python": platform.python_version(), "numpy": np.__version__,
            "mesa": mesa.__version__, "platform": platform.platform(), "git": commit,
            "threads": {k: os.environ.get(k, "") for k in THREAD_VARS[:3]},
            "load_average_1m": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}


def _wall_cpu(entry: dict, digits: int = 3) -> str:
    return f"{entry['median_s']:.{digits}f} s (CPU {entry['cpu_median_s']:.{digits}f} s)"


def targets(results: dict) -> list[dict]:
    """The issue's performance targets with the measured value and whether each is met."""
    cmp_, sc = results["compare"], results.get("scaling", {})
    vec = cmp_["variants"]["vectorised"]
    full = cmp_["n_developers"] == 10_000 and cmp_["months"] == 72
    rows = [
        {"target": "baseline build + run < 1 s", "measured": _wall_cpu(vec),
         "met": vec["median_s"] < TARGETS["baseline_seconds_max"]},
        {"target": "baseline build + run <= 0.2 s (goal)", "measured": _wall_cpu(vec),
         "met": vec["median_s"] <= TARGETS["baseline_seconds_goal"]},
        {"target": "sim.run() end to end < 1 s", "measured": _wall_cpu(cmp_["variants"]["sim_run"]),
         "met": cmp_["variants"]["sim_run"]["median_s"] < TARGETS["baseline_seconds_max"]},
    ]
    for k in ("naive_numpy", "naive_scalar"):
        v = cmp_["variants"][k]
        rows.append({"target": f">= 10x faster than {k} (whole run)",
                     "measured": f"{v['ratio_total']:.1f}x (CPU {v['ratio_total_cpu']:.1f}x)",
                     "met": v["ratio_total"] >= TARGETS["min_speedup"]})
        rows.append({"target": f">= 10x faster than {k} (developer step)",
                     "measured": f"{v['ratio_developer_step']:.1f}x",
                     "met": v["ratio_developer_step"] >= TARGETS["min_speedup"]})
    million = [r for r in sc.get("rows", []) if r["n_developers"] == 1_000_000]
    if million:
        m = million[0]
        rows.append({"target": "1,000,000 developers < 30 s", "measured": _wall_cpu(m, 1),
                     "met": m["median_s"] < TARGETS["million_seconds_max"]})
        rows.append({"target": "1,000,000 developers < 2 GB peak RSS",
                     "measured": f"{m['peak_rss_mb']:.0f} MB",
                     "met": m["peak_rss_mb"] < TARGETS["million_mb_max"]})
    if not full:
        for r in rows:
            r["met"] = None  # targets apply to the full benchmark only
    return rows


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def markdown(results: dict) -> str:
    """The results as Markdown (what ``results.md`` holds)."""
    env, cmp_ = results["environment"], results["compare"]
    flag = " --quick" if results["quick"] else ""
    lines = ["# Benchmark results", "",
             f"Generated by `python -m benchmarks.bench_model{flag}` on {env['date_utc']}.", "",
             f"- CPU: {env['cpu']} ({env['logical_cpus']} logical CPUs; pinned to core "
             f"{env['pinned_core']})",
             f"- Python {env['python']}, NumPy {env['numpy']}, Mesa {env['mesa']}; "
             f"{env['platform']}; git {env['git']}",
             "- BLAS/OpenMP threads: 1; one process; the scaling rows each ran in a fresh "
             "subprocess.",
             f"- Load average (1 min) at start: {_fmt(env['load_average_1m'])}, at end: "
             f"{_fmt(results.get('load_average_end'))} (on a shared machine, wall times above the "
             "CPU times mean the core was contended).", "",
             f"## Baseline and per-object comparison ({cmp_['n_developers']:,} developers, "
             f"{cmp_['months']} months, seed {cmp_['seed']}, median of {cmp_['reps']} "
             "interleaved repetitions)", ""]
    if cmp_["naive_scaled_per_month"]:
        lines += [f"The per-object models ran {cmp_['naive_months']} months; their times are "
                  f"scaled per month to {cmp_['months']} months.", ""]
    lines += ["| model | median (s) | min (s) | CPU median (s) | developer step median (s) | "
              "slower than vectorised (whole run) | slower (developer step) |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    labels = dict(VARIANT_LABELS, sim_run="`sim.run()` end to end (vectorised + results table)")
    for k, v in cmp_["variants"].items():
        dev = f"{v['developer_median_s']:.3f}" if "developer_median_s" in v else ""
        rt = f"{v['ratio_total']:.1f}x" if "ratio_total" in v else ""
        rd = f"{v['ratio_developer_step']:.1f}x" if "ratio_developer_step" in v else ""
        lines.append(f"| {labels[k]} | {v['median_s']:.3f} | {v['min_s']:.3f} | "
                     f"{v['cpu_median_s']:.3f} | {dev} | {rt} | {rd} |")
    cpu_ratios = ", ".join(f"{k} {cmp_['variants'][k]['ratio_total_cpu']:.1f}x"
                           for k in ("naive_numpy", "naive_scalar"))
    lines += ["", f"Ratios of CPU-time medians (whole run): {cpu_ratios}. Vectorised cost per "
              f"developer-month (whole run): {cmp_['per_developer_month_us']:.2f} us. The "
              "developer step is the only code that differs between the models; the rest "
              "(labs' posture projections, market clearing, recorder) is shared and bounds the "
              "whole-run ratio.", ""]
    sc = results.get("scaling")
    if sc and sc["rows"]:
        lines += [f"## Scaling in developers ({sc['months']} months, median of {sc['reps']} "
                  "runs per size, each size in its own process)", "",
                  "| developers | build + run median (s) | CPU (s) | developer step (s) | ns per "
                  "developer-month | peak RSS (MB) | RSS after imports (MB) |",
                  "|---:|---:|---:|---:|---:|---:|---:|"]
        for r in sc["rows"]:
            lines.append(f"| {r['n_developers']:,} | {r['median_s']:.3f} | "
                         f"{r['cpu_median_s']:.3f} | {r['developer_median_s']:.3f} | "
                         f"{r['per_developer_month_ns']:.0f} | {r['peak_rss_mb']:.0f} | "
                         f"{r['rss_after_imports_mb']:.0f} |")
        if sc["steps"]:
            lines += ["", "| size step | time ratio | exponent k in t ~ n^k | marginal ns per "
                      "developer-month |", "|---|---:|---:|---:|"]
            for st in sc["steps"]:
                lines.append(f"| {st['from']:,} -> {st['to']:,} ({st['size_ratio']:.0f}x) | "
                             f"{st['time_ratio']:.1f}x | {st['exponent']:.2f} | "
                             f"{st['marginal_ns_per_developer_month']:.0f} |")
            lines += ["", "k = 1 is linear; k < 1 at small sizes is the fixed cost of labs, "
                      "market and recorder (independent of developers) being amortised.", ""]
    lines += ["## Targets (model issue)", "", "| target | measured | met |", "|---|---:|:---:|"]
    for t in targets(results):
        met = "n/a (quick)" if t["met"] is None else ("yes" if t["met"] else "**no**")
        lines.append(f"| {t['target']} | {t['measured']} | {met} |")
    lines += ["", "Reproduce: `make bench` or `.venv/bin/python -m benchmarks.bench_model` from "
              "the repository root (a few minutes; `--quick` for a smoke test). Shared machines "
              "are noisy: compare medians and the ratios, which are measured side by side.", ""]
    return "\n".join(lines)


def write_results(results: dict, out_dir: Path) -> tuple[Path, Path]:
    """Write ``results.md`` and ``results.json`` into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    md, js = out_dir / "results.md", out_dir / "results.json"
    md.write_text(markdown(results))
    js.write_text(json.dumps(results, indent=2) + "\n")
    return md, js
