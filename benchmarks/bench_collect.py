"""Benchmark: collecting a very large sweep within bounded memory.

    python -m benchmarks.bench_collect [--runs 10000]

Makes one real baseline run, copies its table ``--runs`` times into a temporary sweep folder (as
distinct seeds), then runs ``python -m experiments.collect`` on it in a fresh process and reports
wall time and peak resident memory (``ru_maxrss`` of the child).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]


def make_sweep(out: Path, runs: int) -> int:
    """Write ``runs`` copies of one real run as seeds 0..runs-1; return rows per run."""
    one = out / "_template"
    subprocess.run([sys.executable, "-m", "experiments.run", "output.figures=false",
                    "output.summary=false", f"hydra.run.dir={one}"], cwd=ROOT, check=True,
                   capture_output=True)
    table = pq.read_table(one / "results.parquet")
    config = (one / "run_config.json").read_bytes()
    seed_type = table.schema.field("seed").type
    for k in range(runs):
        folder = out / f"seed={k}"
        folder.mkdir(parents=True)
        copy = table.set_column(table.schema.get_field_index("seed"), "seed",
                                pa.array([k] * table.num_rows, seed_type))
        copy = copy.set_column(copy.schema.get_field_index("run_id"), "run_id",
                               pa.array([f"baseline|seed={k}|copy"] * table.num_rows))
        pq.write_table(copy, folder / "results.parquet")
        (folder / "run_config.json").write_bytes(config)
    return table.num_rows


def main(argv: list[str] | None = None) -> int:
    """Build the sweep, collect it in a child process, print time and peak memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        sweep = Path(tmp) / "sweep"
        rows = make_sweep(sweep, args.runs)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "experiments.collect", str(sweep)], cwd=ROOT,
                       check=True, capture_output=True)
        wall = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print("| runs | rows | wall (s) | peak memory of the collector (MB) |")
    print("|---|---|---|---|")
    print(f"| {args.runs:,} | {rows * args.runs:,} | {wall:.0f} | {peak_mb:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
