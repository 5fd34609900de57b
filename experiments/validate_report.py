"""Regenerate ``docs/VALIDATION.md``: the model against the observed 2024-2025 patterns.

    python -m experiments.validate_report                  # default (calibrated) and prior
    python -m experiments.validate_report seeds=20 configs=default,prior

Runs each config (``default`` = the baseline scenario as it is; any other name = baseline with
``+calibration=<name>``) for 2025 on ``seeds`` seeds through the sweep machinery
(``experiments.sweep.samples.run_samples``: one multirun of ``experiments.run``), measures every
target of ``study.calibration_targets`` per run and writes, per pattern, the target, its tolerance,
the model's mean with its spread across seeds, and pass/fail. A calibrated config's claims
(``configs/calibration/<name>.fit.json``) are checked too. The report ends with the textbook
patterns of the adoption mechanics (closed-form logit shares without network effects; lock-in
under strong increasing returns), computed with the same functions as
``tests/test_textbook_patterns.py``.

Keys: ``seeds``, ``configs`` (comma list), ``report`` (output path), ``out`` (run folder root),
``quiet``; anything else is a Hydra override of every job.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from experiments.cli import OUT_ROOT, ROOT, command_main, folder_name, names_list, parse_kv
from experiments.sweep.provenance import git_commit
from experiments.sweep.samples import run_samples
from sim.validate import ConfigError
from study.calibration import TARGET_NAMES, measure_table
from study.calibration_targets import HORIZON_MONTHS, TARGET_METRICS, distance
from study.validation_report import (Validation, config_overrides, render, textbook_patterns,
                                     validations)

#: The clone's docs/VALIDATION.md; an installed package (no docs/ beside it) writes the report
#: into its run folder instead.
REPORT = ROOT / "docs" / "VALIDATION.md" if (ROOT / "docs").is_dir() else None
DEFAULTS: dict[str, Any] = {"seeds": 10, "configs": "default,prior", "report": "",
                            "out": "", "quiet": False}


def validate_configs(labels: Sequence[str], seeds: int, overrides: Sequence[str],
                     out_dir: Path, quiet: bool = False) -> list[Validation]:
    """Run every config on ``seeds`` seeds for 2025 and summarise the targets."""
    extra = [config_overrides(label) for label in labels]
    samples = pd.DataFrame(index=range(len(labels)))
    run = run_samples(samples, [], out_dir, overrides, replicates=seeds, first_seed=0,
                      outcomes=TARGET_NAMES, quiet=quiet, extra=extra, measure=measure_table,
                      metrics=TARGET_METRICS)
    return validations(labels, run.outcomes)


def validation_report(argv: list[str]) -> list[str]:
    """Validate the configs named in ``argv``, write the report; return the lines to print."""
    opts, overrides = parse_kv(argv, DEFAULTS)
    if opts["seeds"] < 2:
        raise ConfigError("seeds", opts["seeds"], "at least 2 (the report shows spreads)")
    labels = names_list(opts["configs"])
    for label in labels:
        config_overrides(label)
    if not any(o.startswith("model.horizon_months=") for o in overrides):
        overrides = [*overrides, f"model.horizon_months={HORIZON_MONTHS}"]
    out_dir = Path(opts["out"] or OUT_ROOT / "validation") / folder_name(
        "validate", {"seeds": opts["seeds"], "configs": labels}, overrides)
    results = validate_configs(labels, opts["seeds"], overrides, out_dir, opts["quiet"])
    text = render(results, opts["seeds"], overrides, textbook_patterns(), git_commit())
    path = Path(opts["report"] or REPORT or out_dir / "VALIDATION.md")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return [f"{r.label}: {int(r.summary['pass'].sum())}/{len(r.summary)} patterns in "
            f"tolerance, distance {distance(r.summary):.3f}" for r in results] + [f"report: {path}"]


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m experiments.validate_report [seeds=10] [configs=...]``."""
    return command_main(argv, __doc__, validation_report, "\n".join)


if __name__ == "__main__":
    sys.exit(main())
