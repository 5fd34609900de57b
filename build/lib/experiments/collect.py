"""Gather a sweep folder into one tidy table, a scenario comparison and figures.

    python -m experiments.collect outputs/sweeps/all_scenarios [--no-figures]

Writes into the sweep folder:

- ``sweep_results.parquet``: every run's rows (run id, scenario, seed, month, metric, dimensions,
  value), the swept parameters as columns, and provenance (config hash, package version, git
  commit). Runs are streamed one at a time, so a sweep larger than memory collects fine.
- ``scenario_summary.csv``: per scenario, metric and checkpoint month, the mean and 90% interval
  across seeds, and the paired difference from baseline (same seed, same parameters) with a 90%
  confidence interval of the mean difference.
- ``figures/``: each key outcome over time per scenario with bands, and each scenario's effect.

Only complete results files are read: runs write them atomically, so a killed job leaves either
a whole file or none. The collecting is done by ``experiments.sweep.collection``; the collected
files are read with ``study.results_io``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from experiments.sweep.collection import collect
from experiments.sweep.outputs import RESULTS


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m experiments.collect <sweep dir> [--no-figures]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep_dir", type=Path)
    parser.add_argument("--no-figures", action="store_true")
    args = parser.parse_args(argv)
    if not args.sweep_dir.is_dir():
        print(f"error: {args.sweep_dir} is not a folder", file=sys.stderr)
        return 2
    report = collect(args.sweep_dir, figures=not args.no_figures)
    if report.n_runs == 0:
        print(f"error: no finished runs (*/{RESULTS}) in {args.sweep_dir}", file=sys.stderr)
        return 1
    print(report.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
