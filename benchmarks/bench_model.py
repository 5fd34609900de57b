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

from benchmarks.bench_model_report import THREAD_VARS  # stdlib only

if __name__ == "__main__":  # before NumPy is imported (python -m benchmarks.bench_model)
    os.environ.update(dict.fromkeys(THREAD_VARS, "1"))

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks.naive_developers import (NaiveDeveloper, NaiveMarketModel,  # noqa: E402
                                         ScalarNaiveDeveloper)
from sim.config import SimConfig  # noqa: E402
from sim.model import MarketModel  # noqa: E402
from sim.run import run as sim_run  # noqa: E402
from sim.run import with_overrides  # noqa: E402
from benchmarks.bench_model_report import (environment, markdown, targets,  # noqa: E402
                                           write_results)

logging.getLogger("MESA").setLevel(logging.WARNING)

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = Path(__file__).resolve().parent

#: Targets from the model issue (seconds, ratios, MB).

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
