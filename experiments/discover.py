"""Scenario discovery with PRIM: where in parameter and policy space an outcome happens.

    python -m experiments.discover outcome=row_cn_share threshold=0.5
    python -m experiments.discover outcome=us_china_gap threshold=12 n=400
    python -m experiments.discover outcome=open_share threshold=0.3 direction='<'

A Latin-hypercube design over the declared uncertain parameters *and* policy levers
(``configs/uncertainty/default.yaml``) is run through the same sweep machinery as the
sensitivity analysis (``experiments.sweep.samples.run_samples``: one multirun of
``experiments.run``). A run is a case of interest when its outcome (final month, averaged over
replicates) is above (or below) the threshold. The Patient Rule Induction Method (Friedman and
Fisher 1999, as ema-workbench implements it; :mod:`study.discovery`) then peels the space into
boxes that hold many cases of interest: each box is reported with its *coverage* (share of all
cases of interest inside it), *density* (share of the runs in it that are cases of interest) and
*mass* (share of all runs in it), and with each restricted dimension's limits and quasi-p value
(Bryant and Lempert 2010).
Because levers sit next to the uncertainties, a box reads "the outcome happens when policy X is
chosen and assumptions Y hold".

Keys: ``outcome`` (a name in ``study.uncertainty.OUTCOMES``), ``threshold``, ``direction`` (``>``
or ``<``), ``n`` (samples), ``replicates``, ``first_seed``, ``uncertainty``, ``levers``,
``controls``, ``factors``, ``sample_seed``, ``boxes`` (most boxes to find), ``min_coverage``
(the box on the peeling trajectory is the densest one keeping at least this coverage),
``max_qp`` (restrictions with a larger quasi-p value are dropped as noise; boxes must pass a
binomial test at this level on held-out runs), ``holdout`` (share of runs held out to check
each box), ``peel_alpha``, ``mass_min``, ``name``, ``out``, ``quiet``; anything else is a
Hydra override of every job.

Writes into ``outputs/discover/<name>/`` (one folder per design, shared by every question
asked of it): the samples and runs, ``outcomes.csv``, and per question ``boxes_<tag>.csv``,
``trajectory_<tag>.csv`` and ``discover_<tag>.png``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from experiments.cli import OUT_ROOT, check_outcomes, command_main, folder_name, names_list, \
    parse_kv
from experiments.sweep.samples import run_samples
from sim.validate import ConfigError
from study.discovery import DiscoveryResult, boxes_table, cases_of_interest, find_boxes
from study.figures.discovery import plot_boxes
from study.uncertainty import OUTCOMES, latin_hypercube, load_space, unit_to_values

DEFAULTS: dict[str, Any] = {
    "outcome": "", "threshold": float("nan"), "direction": ">", "n": 300, "replicates": 1,
    "first_seed": 0, "uncertainty": "default", "levers": True, "controls": False,
    "factors": "", "sample_seed": 0, "boxes": 3, "min_coverage": 0.3, "max_qp": 0.05,
    "peel_alpha": 0.05, "mass_min": 0.05, "holdout": 0.3, "name": "", "out": "",
    "quiet": False,
}

#: Options that fix the sampled design (and so the run folder); the others only change the
#: question asked of the runs.
DESIGN_KEYS = ("n", "replicates", "first_seed", "uncertainty", "levers", "controls", "factors",
               "sample_seed")


def _direction(opts: dict[str, Any]) -> str:
    """Check the question (outcome, threshold, direction); return the direction, ``>`` or ``<``."""
    if not opts["outcome"]:
        raise ConfigError("outcome", "", ", ".join(OUTCOMES))
    check_outcomes([opts["outcome"]])
    if not np.isfinite(opts["threshold"]):
        raise ConfigError("threshold", opts["threshold"], "a number, e.g. threshold=0.5")
    direction = {"above": ">", "below": "<"}.get(opts["direction"], opts["direction"])
    if direction not in (">", "<"):
        raise ConfigError("direction", opts["direction"], "> or <")
    if opts["n"] < 10 or opts["replicates"] < 1:
        raise ConfigError("n", opts["n"], "n >= 10 and replicates >= 1")
    return direction


def discover(argv: Sequence[str]) -> DiscoveryResult:
    """Run scenario discovery for ``key=value`` arguments (see the module doc)."""
    opts, overrides = parse_kv(argv, DEFAULTS)
    outcome, direction = opts["outcome"], _direction(opts)
    space = load_space(opts["uncertainty"])
    factors = space.factors(levers=opts["levers"], controls=opts["controls"],
                            names=names_list(opts["factors"]) or None)
    samples = unit_to_values(latin_hypercube(opts["n"], len(factors), opts["sample_seed"]),
                             factors)
    # the design does not depend on outcome/threshold: keep one run folder for all questions
    design_opts = {k: v for k, v in opts.items() if k in DESIGN_KEYS}
    name = opts["name"] or folder_name("lhs", design_opts, overrides)
    out_dir = Path(opts["out"] or OUT_ROOT / "discover") / name
    print(f"scenario discovery: {len(samples)} samples x {opts['replicates']} replicates in "
          f"{out_dir}", flush=True)
    run = run_samples(samples, factors, out_dir, overrides, opts["replicates"],
                      opts["first_seed"], quiet=opts["quiet"])
    run.outcomes.to_csv(out_dir / "outcomes.csv", index=False)
    x, y = cases_of_interest(run.outcomes, samples, factors, outcome, opts["threshold"],
                             direction)
    boxes = find_boxes(x, y, {f.name: f.kind for f in factors}, opts["boxes"],
                       opts["min_coverage"], opts["max_qp"], opts["peel_alpha"],
                       opts["mass_min"], {f.name: (f.lo, f.hi) for f in factors
                                          if not f.categorical},
                       opts["holdout"], opts["sample_seed"])
    result = DiscoveryResult(out_dir, outcome, opts["threshold"], direction, len(y),
                             float(y.mean()) if len(y) else 0.0, boxes,
                             {f.name: f for f in factors})
    _write(result, f"{outcome}{'_gt' if direction == '>' else '_lt'}{opts['threshold']:g}")
    return result


def _write(result: DiscoveryResult, tag: str) -> None:
    """The boxes, their trajectories and the figure of one question, named by ``tag``."""
    boxes_table(result.boxes).to_csv(result.out_dir / f"boxes_{tag}.csv", index=False)
    if not result.boxes:
        return
    pd.concat([b.trajectory.assign(box=b.index) for b in result.boxes]).to_csv(
        result.out_dir / f"trajectory_{tag}.csv", index=False)
    title = f"Where {OUTCOMES[result.outcome].label} {result.direction} {result.threshold:g}"
    result.figure = plot_boxes(result.boxes, result.factors,
                               result.out_dir / f"discover_{tag}.png", title)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m experiments.discover outcome=... threshold=...``."""
    return command_main(argv, __doc__, discover, lambda r: r.describe())


if __name__ == "__main__":
    sys.exit(main())
