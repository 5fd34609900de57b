"""Benchmark of the market model: baseline speed, per-object comparison, scaling in developers.

Run from the repository root::

    python -m benchmarks.bench_model            # full benchmark (a few minutes), writes results
    python -m benchmarks.bench_model --quick    # tiny sizes, a smoke test; writes nothing
    python -m benchmarks.bench_model --check    # exit 1 if a performance target is missed

Everything runs in one process pinned to one core (``os.sched_setaffinity``) with BLAS/OpenMP
thread pools limited to one thread (set before NumPy is imported), except the scaling runs, which
each run in a fresh subprocess (also pinned, single-threaded) so that their peak resident memory
(``ru_maxrss``) is their own. It measures:

1. the baseline run (``SimConfig()``: full roster, 4 governments, 10,000 developers, 72 months):
   model build + run, excluding the results table, and ``sim.run()`` end to end;
2. side by side with it, in interleaved repetitions, the same model with one ``mesa.Agent`` per
   developer (:mod:`benchmarks.naive_developers`), in two flavours: the model's NumPy rules on a
   one-row array, and the same formula in plain Python scalars; the ratio of medians is reported
   for the whole run and for the developer step alone (the only part that differs);
3. scaling: 10k, 100k and 1M developers for 72 months, wall time and peak memory per size.

Timing is never asserted in tests; ``--check`` is for humans and CI jobs that want a gate. Machines
are shared and noisy, so compare medians, and ratios measured in the same run.
"""

from __future__ import annotations

import os
import sys

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
if __name__ == "__main__":  # before NumPy is imported (python -m benchmarks.bench_model)
    os.environ.update(dict.fromkeys(THREAD_VARS, "1"))

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable  # noqa: E402

import mesa  # noqa: E402
import numpy as np  # noqa: E402

from benchmarks.naive_developers import (NaiveDeveloper, NaiveMarketModel,  # noqa: E402
                                         ScalarNaiveDeveloper)
from sim.config import SimConfig  # noqa: E402
from sim.model import MarketModel  # noqa: E402
from sim.run import run as sim_run  # noqa: E402
from sim.run import with_overrides  # noqa: E402

logging.getLogger("MESA").setLevel(logging.WARNING)

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = Path(__file__).resolve().parent

#: Targets from the model issue (seconds, ratios, MB).
TARGETS = {"baseline_seconds_max": 1.0, "baseline_seconds_goal": 0.2, "min_speedup": 10.0,
           "million_seconds_max": 30.0, "million_mb_max": 2048.0}

FULL = {"n": 10_000, "months": 72, "naive_months": 72, "reps": 7,
        "sizes": [10_000, 100_000, 1_000_000], "scaling_reps": 3}
QUICK = {"n": 200, "months": 6, "naive_months": 6, "reps": 2,
         "sizes": [200, 2_000], "scaling_reps": 1}


# ------------------------------------------------------------------------------------ setup
def pin_one_core() -> int | None:
    """Pin this process to one core (the first it may use); return it, or None if unsupported."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    try:
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return core
    except OSError:
        return None


def bench_config(n: int = 10_000, months: int = 72, seed: int = 0) -> SimConfig:
    """The baseline config with ``n`` developers and ``months`` months (defaults: SimConfig())."""
    cfg = SimConfig()
    if (n, months, seed) == (cfg.model.n_developers, cfg.model.horizon_months, cfg.seed):
        return cfg
    return with_overrides(cfg, {"model.n_developers": n, "model.horizon_months": months,
                                "seed": seed})


def _with_developer_timer(cls: type[MarketModel]) -> type[MarketModel]:
    """Subclass of ``cls`` that adds up the time spent in the developer step (two clock reads
    per month, ~1 microsecond)."""

    class Timed(cls):
        developer_seconds = 0.0

        def _run_developers(self) -> None:
            start = time.perf_counter()
            super()._run_developers()
            self.developer_seconds += time.perf_counter() - start

    Timed.__name__ = Timed.__qualname__ = f"Timed{cls.__name__}"
    return Timed


_TimedMarket = _with_developer_timer(MarketModel)
_TimedNaive = _with_developer_timer(NaiveMarketModel)

#: Model variants compared: name -> factory(cfg) -> model (not yet run).
VARIANTS: dict[str, Callable[[SimConfig], MarketModel]] = {
    "vectorised": _TimedMarket,
    "naive_numpy": lambda cfg: _TimedNaive(cfg, NaiveDeveloper),
    "naive_scalar": lambda cfg: _TimedNaive(cfg, ScalarNaiveDeveloper),
}
VARIANT_LABELS = {
    "vectorised": "vectorised (DeveloperPopulation + 4 DeveloperRegion agents)",
    "naive_numpy": "one mesa.Agent per developer, utilities()/choose() on a 1-row array",
    "naive_scalar": "one mesa.Agent per developer, same formula in plain Python scalars",
}


def build_and_run(variant: str, cfg: SimConfig) -> MarketModel:
    """Build and run one model variant for ``cfg``; return it (for inspection in tests)."""
    model = VARIANTS[variant](cfg)
    model.run()
    return model


def time_build_run(variant: str, cfg: SimConfig) -> dict[str, float]:
    """Wall time of building and running one model (no results table), its CPU time, and the
    wall time of its developer step alone."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    model = VARIANTS[variant](cfg)
    model.run()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu_seconds": cpu, "developer_seconds": model.developer_seconds}


def time_sim_run(cfg: SimConfig) -> dict[str, float]:
    """Wall and CPU time of ``sim.run(cfg)`` end to end (build, run, results table)."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    sim_run(cfg)
    return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu}


# ------------------------------------------------------------------------------------ 1 + 2
def compare(n: int = 10_000, months: int = 72, naive_months: int | None = None, reps: int = 7,
            seed: int = 0) -> dict:
    """Time the vectorised model, ``sim.run()`` and both per-object models, interleaved.

    Each repetition runs every variant once, in an order rotated between repetitions so that no
    variant always runs first after another's garbage. The naive models may run ``naive_months``
    months (< ``months``) when they are too slow; their times are then scaled per month to
    ``months`` (build time included in the scaling, which flatters them slightly).

    Returns:
        Samples, medians and the ratios of medians (naive / vectorised) for the whole run and
        for the developer step alone.
    """
    naive_months = naive_months or months
    cfg = bench_config(n, months, seed)
    naive_cfg = bench_config(n, naive_months, seed)
    tasks: dict[str, Callable[[], dict[str, float]]] = {
        "vectorised": lambda: time_build_run("vectorised", cfg),
        "sim_run": lambda: time_sim_run(cfg),
        "naive_numpy": lambda: time_build_run("naive_numpy", naive_cfg),
        "naive_scalar": lambda: time_build_run("naive_scalar", naive_cfg),
    }
    names = list(tasks)
    warm = bench_config(min(n, 500), min(months, 3), seed)  # imports, caches, first-call costs
    for variant in VARIANTS:
        build_and_run(variant, warm)
    time_sim_run(warm)
    samples: dict[str, list[dict[str, float]]] = {k: [] for k in names}
    for rep in range(reps):
        for k in names[rep % len(names):] + names[:rep % len(names)]:
            samples[k].append(tasks[k]())
    scale = months / naive_months
    out: dict = {"n_developers": n, "months": months, "naive_months": naive_months,
                 "reps": reps, "seed": seed, "naive_scaled_per_month": naive_months != months,
                 "variants": {}}
    for k in names:
        factor = scale if k.startswith("naive") else 1.0
        entry = {"samples_s": [s["seconds"] for s in samples[k]],
                 "median_s": statistics.median(s["seconds"] for s in samples[k]) * factor,
                 "min_s": min(s["seconds"] for s in samples[k]) * factor,
                 "cpu_median_s": statistics.median(s["cpu_seconds"] for s in samples[k]) * factor}
        if "developer_seconds" in samples[k][0]:
            entry["developer_samples_s"] = [s["developer_seconds"] for s in samples[k]]
            entry["developer_median_s"] = statistics.median(
                s["developer_seconds"] for s in samples[k]) * factor
        out["variants"][k] = entry
    vec = out["variants"]["vectorised"]
    for k in ("naive_numpy", "naive_scalar"):
        v = out["variants"][k]
        v["ratio_total"] = v["median_s"] / vec["median_s"]
        v["ratio_total_cpu"] = v["cpu_median_s"] / vec["cpu_median_s"]
        v["ratio_developer_step"] = v["developer_median_s"] / vec["developer_median_s"]
    out["per_developer_month_us"] = vec["median_s"] / (n * months) * 1e6
    return out


# ------------------------------------------------------------------------------------ 3
def _rss_mb() -> float:
    """Current resident set size of this process (MB), from /proc (0 where unavailable)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _maxrss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size (MB); ``ru_maxrss`` is in kB on Linux, bytes on macOS."""
    rss = resource.getrusage(who).ru_maxrss
    return rss / 1024**2 if sys.platform == "darwin" else rss / 1024


def worker(n: int, months: int, reps: int, seed: int = 0) -> dict:
    """One scaling measurement, meant to run in a fresh process (see :func:`scaling`)."""
    core = pin_one_core()
    build_and_run("vectorised", bench_config(500, 2, seed))  # warm-up, tiny
    rss_before = _rss_mb()
    cfg = bench_config(n, months, seed)
    runs = [time_build_run("vectorised", cfg) for _ in range(reps)]
    return {"n_developers": n, "months": months, "reps": reps, "core": core,
            "samples_s": [r["seconds"] for r in runs],
            "median_s": statistics.median(r["seconds"] for r in runs),
            "cpu_median_s": statistics.median(r["cpu_seconds"] for r in runs),
            "developer_median_s": statistics.median(r["developer_seconds"] for r in runs),
            "rss_after_imports_mb": rss_before, "peak_rss_mb": _maxrss_mb()}


def scaling(sizes: list[int], months: int = 72, reps: int = 3, seed: int = 0) -> dict:
    """Time and peak memory of the vectorised model at each size, each in its own subprocess."""
    env = dict(os.environ, **dict.fromkeys(THREAD_VARS, "1"))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    rows = []
    for n in sizes:
        cmd = [sys.executable, "-m", "benchmarks.bench_model", "--worker", str(n),
               "--months", str(months), "--scaling-reps", str(reps), "--seed", str(seed)]
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"scaling worker for n={n} failed:\n{proc.stderr}")
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        row["process_wall_s"] = wall
        # ru_maxrss of waited-for children: the maximum over all so far (sizes run ascending)
        row["children_maxrss_mb"] = _maxrss_mb(resource.RUSAGE_CHILDREN)
        row["per_developer_month_ns"] = row["median_s"] / (n * months) * 1e9
        rows.append(row)
    steps = []  # between consecutive sizes: marginal cost and the exponent of t ~ n^k
    for a, b in zip(rows, rows[1:], strict=False):
        dn = b["n_developers"] - a["n_developers"]
        steps.append({"from": a["n_developers"], "to": b["n_developers"],
                      "time_ratio": b["median_s"] / a["median_s"],
                      "size_ratio": b["n_developers"] / a["n_developers"],
                      "exponent": float(np.log(b["median_s"] / a["median_s"])
                                        / np.log(b["n_developers"] / a["n_developers"])),
                      "marginal_ns_per_developer_month":
                          (b["median_s"] - a["median_s"]) / (dn * months) * 1e9})
    return {"months": months, "reps": reps, "rows": rows, "steps": steps}


# ------------------------------------------------------------------------------------ 4
def environment(core: int | None) -> dict:
    """Where and when the benchmark ran."""
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


def run_benchmark(quick: bool = False, *, n: int | None = None, months: int | None = None,
                  naive_months: int | None = None, reps: int | None = None,
                  sizes: list[int] | None = None, scaling_reps: int | None = None,
                  seed: int = 0, core: int | None = None) -> dict:
    """Run parts 1-3 and return every measurement as one JSON-able dict."""
    p = dict(QUICK if quick else FULL)
    for key, value in (("n", n), ("months", months), ("naive_months", naive_months),
                       ("reps", reps), ("sizes", sizes), ("scaling_reps", scaling_reps)):
        if value is not None:
            p[key] = value
    results = {"quick": quick, "environment": environment(core), "parameters": p}
    print(f"comparison: {p['n']:,} developers, {p['months']} months, {p['reps']} reps ...",
          file=sys.stderr, flush=True)
    results["compare"] = compare(p["n"], p["months"], p["naive_months"], p["reps"], seed)
    if p["sizes"]:
        print(f"scaling: {p['sizes']} ...", file=sys.stderr, flush=True)
        results["scaling"] = scaling(p["sizes"], p["months"], p["scaling_reps"], seed)
    results["targets"] = targets(results)
    results["load_average_end"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return results


def main(argv: list[str] | None = None) -> int:
    """Command line entry point (see the module docstring)."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_model", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="tiny sizes (smoke test); writes nothing "
                    "unless --out is given")
    ap.add_argument("--reps", type=int, help="interleaved repetitions of the comparison")
    ap.add_argument("--n", type=int, help="developers in the comparison (default 10,000)")
    ap.add_argument("--months", type=int, help="months (default 72)")
    ap.add_argument("--naive-months", type=int, help="months for the per-object models "
                    "(scaled per month to --months)")
    ap.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",") if x],
                    help="comma-separated scaling sizes ('' to skip)")
    ap.add_argument("--scaling-reps", type=int, help="runs per scaling size")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, help="directory for results.md/json (default: "
                    "benchmarks/, or none with --quick)")
    ap.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    ap.add_argument("--worker", type=int, metavar="N", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker is not None:
        print(json.dumps(worker(args.worker, args.months or 72, args.scaling_reps or 1,
                                args.seed)))
        return 0
    core = pin_one_core()
    results = run_benchmark(args.quick, n=args.n, months=args.months,
                            naive_months=args.naive_months, reps=args.reps, sizes=args.sizes,
                            scaling_reps=args.scaling_reps, seed=args.seed, core=core)
    print(markdown(results))
    out = args.out if args.out is not None else (None if args.quick else OUT_DIR)
    if out is not None:
        md, js = write_results(results, out)
        print(f"wrote {md} and {js}", file=sys.stderr)
    if args.check and any(t["met"] is False for t in results["targets"]):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
