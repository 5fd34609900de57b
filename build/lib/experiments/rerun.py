"""Re-run one run from a results file and check that it reproduces exactly.

    python -m experiments.rerun <results.parquet | sweep_results.parquet> [<run id>]

The run's full config is found by its ``config_hash``: in the Parquet file's metadata (a single
run's ``results.parquet``), in ``sweep_configs.jsonl`` beside a collected table, or in the
``run_config.json`` files of the sweep folder. The model is run again and every row is compared
with the stored ones; the exit code is 0 when they are identical and 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sim.hydra_conf import config_from_dict
from sim.run import RUN_COLUMNS, config_hash, results_table, simulate
from study.results_io import find_config


def rerun(path: Path, run_id: str | None = None) -> tuple[bool, str]:
    """Re-run ``run_id`` (the only run if None) from ``path``; return (identical, message)."""
    stored = pd.read_parquet(path)
    ids = stored["run_id"].unique()
    if run_id is None:
        if len(ids) != 1:
            return False, f"{path} holds {len(ids)} runs; name one of: {', '.join(ids[:10])}"
        run_id = ids[0]
    rows = stored[stored["run_id"] == run_id]
    if rows.empty:
        return False, f"run id {run_id!r} not in {path}; ids look like {ids[0]!r}"
    chash = rows["config_hash"].iloc[0] if "config_hash" in rows else run_id.rsplit("|", 1)[-1]
    data = find_config(path, chash)
    if data is None:
        return False, f"no config with hash {chash} found in or beside {path}"
    cfg = config_from_dict(data)
    cfg.seed = int(rows["seed"].iloc[0])
    if config_hash(cfg) != chash:
        return False, f"rebuilt config hashes to {config_hash(cfg)}, not {chash}"
    fresh = results_table(simulate(cfg))
    old = rows[RUN_COLUMNS].reset_index(drop=True)
    same = fresh.shape == old.shape and fresh.drop(columns="value").equals(
        old.drop(columns="value")) and np.array_equal(fresh["value"].to_numpy(),
                                                      old["value"].to_numpy())
    if same:
        return True, f"reproduced {run_id}: {len(fresh)} rows identical"
    return False, f"{run_id} did NOT reproduce ({len(fresh)} rows vs {len(old)} stored)"


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m experiments.rerun <results file> [<run id>]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("run_id", nargs="?")
    args = parser.parse_args(argv)
    if not args.results.exists():
        print(f"error: {args.results} does not exist", file=sys.stderr)
        return 2
    ok, message = rerun(args.results, args.run_id)
    print(message, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
