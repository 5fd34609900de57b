"""Scenario discovery with PRIM: where in parameter and policy space an outcome happens.

    python -m experiments.discover outcome=row_cn_share threshold=0.5
    python -m experiments.discover outcome=us_china_gap threshold=12 n=400
    python -m experiments.discover outcome=open_share threshold=0.3 direction='<'

A Latin-hypercube design over the declared uncertain parameters *and* policy levers
(``configs/uncertainty/default.yaml``) is run through the same sweep machinery as the sensitivity
analysis (``experiments.sensitivity.run_samples``: one multirun of ``experiments.run``). A run is a
case of interest when its outcome (final month, averaged over replicates) is above (or below)
the threshold. The Patient Rule Induction Method (Friedman and Fisher 1999, the ``prim``
package) then peels the space into boxes that hold many cases of interest: each box is reported
with its *coverage* (share of all cases of interest inside it), *density* (share of the runs in
it that are cases of interest) and *mass* (share of all runs in it), and with each restricted
dimension's limits and quasi-p value (Bryant and Lempert 2010). Because levers sit next to the
uncertainties, a box reads "the outcome happens when policy X is chosen and assumptions Y hold".

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
from scipy.stats import binom

from experiments.cli import OUT_ROOT, check_outcomes, command_main, folder_name, names_list, \
    parse_kv
from experiments.sweep.samples import run_samples
from study.uncertainty import (OUTCOMES, Factor, latin_hypercube, load_space, numeric_inputs,
                             unit_to_values)
from sim.validate import ConfigError

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


@dataclass
class Box:
    """One PRIM box: its statistics and the restricted dimensions' limits."""

    index: int
    coverage: float
    density: float
    mass: float
    n_cases: int
    limits: pd.DataFrame  # factor, kind, lower, upper, values, qp
    trajectory: pd.DataFrame  # coverage, density, mass, res dim along the peeling trajectory
    chosen: int = 0
    dropped: list[str] = field(default_factory=list)
    test_density: float = float("nan")  # density on the held-out runs
    test_p: float = float("nan")  # binomial p-value of that density against their base rate

    def describe(self, factors: dict[str, Factor]) -> str:
        """A few lines: statistics, then policy levers and assumptions of the box."""
        held = f"; held-out density {self.test_density:.0%} (p {self.test_p:.1g})" \
            if np.isfinite(self.test_density) else ""
        lines = [f"Box {self.index}: coverage {self.coverage:.0%}, density {self.density:.0%}, "
                 f"mass {self.mass:.0%} ({self.n_cases} runs{held})"]
        for kind, title in (("lever", "policy"), ("uncertainty", "assumptions")):
            part = self.limits[self.limits.kind.str.startswith(kind)]
            if len(part):
                lines.append(f"  {title}:")
                lines += [f"    {restriction_text(r, factors[r.factor])}  (qp {r.qp:.2g})"
                          for r in part.itertuples()]
        if not len(self.limits):
            lines.append("  no restriction: the outcome is as frequent everywhere")
        if self.dropped:
            lines.append(f"  (dropped as noise, qp > max_qp: {', '.join(self.dropped)})")
        return "\n".join(lines)


def restriction_text(row: Any, factor: Factor) -> str:
    """``name in [lo, hi]`` or ``name in {a, b}``, with the declared range for context."""
    if factor.categorical:
        return f"{factor.name} in {{{row.values}}}"
    full = f"of {factor.format(factor.lo)} .. {factor.format(factor.hi)}"
    lo_open = row.lower <= factor.lo
    hi_open = row.upper >= factor.hi
    if lo_open:
        return f"{factor.name} <= {row.upper:.3g} ({full})"
    if hi_open:
        return f"{factor.name} >= {row.lower:.3g} ({full})"
    return f"{factor.name} in [{row.lower:.3g}, {row.upper:.3g}] ({full})"


def _in_box(x: pd.DataFrame, lims: dict[str, Any], cats: set[str]) -> np.ndarray:
    inside = np.ones(len(x), dtype=bool)
    for name, lim in lims.items():
        if name in cats:
            inside &= x[name].isin(list(lim)).to_numpy()
        else:
            inside &= ((x[name] >= lim[0]) & (x[name] <= lim[1])).to_numpy()
    return inside


def _limits_of(box_lim: Any, x: pd.DataFrame, cats: set[str]) -> dict[str, Any]:
    """The restricted dimensions of a prim box-limit record, relative to the data's extent."""
    out = {}
    for name in x.columns:
        lo, hi = box_lim[name][0], box_lim[name][1]
        if name in cats:
            allowed = set(lo) if isinstance(lo, (set, frozenset)) else {lo}
            if allowed != set(x[name].unique()):
                out[name] = allowed
        elif lo > x[name].min() or hi < x[name].max():
            # a side that was not peeled is open (the data's extreme is not a restriction)
            out[name] = (float(lo) if lo > x[name].min() else -np.inf,
                         float(hi) if hi < x[name].max() else np.inf)
    return out


def quasi_p(x: pd.DataFrame, y: np.ndarray, lims: dict[str, Any], cats: set[str],
            mask: np.ndarray | None = None) -> dict:
    """Quasi-p value of each restriction (one-sided binomial test, Bryant and Lempert 2010).

    The chance of a box with the box's density arising from the box without that restriction;
    ``mask`` limits the data considered (the runs not covered by earlier boxes).
    """
    mask = np.ones(len(y), dtype=bool) if mask is None else mask
    inside = _in_box(x, lims, cats) & mask
    t_box, h_box = int(inside.sum()), int(y[inside].sum())
    out = {}
    for name in lims:
        rest = {k: v for k, v in lims.items() if k != name}
        wider = _in_box(x, rest, cats) & mask
        p = y[wider].sum() / max(wider.sum(), 1)
        out[name] = float(binom.sf(h_box - 1, t_box, p)) if t_box else 1.0
    return out


def find_boxes(x: pd.DataFrame, y: np.ndarray, kinds: dict[str, str], max_boxes: int = 3,
               min_coverage: float = 0.3, max_qp: float = 0.05, peel_alpha: float = 0.05,
               mass_min: float = 0.05, bounds: dict[str, tuple[float, float]] | None = None,
               holdout: float = 0.3, seed: int = 0) -> list[Box]:
    """Run PRIM on inputs ``x`` (floats and categories) and cases of interest ``y`` (bool).

    The runs are split at random (seeded) into a training part and a ``holdout`` share. On the
    training runs PRIM peels the space step by step; every box on that peeling trajectory is
    cleaned by dropping the restrictions whose quasi-p value exceeds ``max_qp`` (PRIM in many
    dimensions also trims dimensions that do not matter), and the densest cleaned box that
    keeps at least ``min_coverage`` of the cases of interest is chosen (failing that, the one
    with the largest coverage x density). Choosing among many boxes overfits, so the chosen box
    is kept only if, on the held-out runs, its density is significantly above the share of
    cases of interest there (binomial test at ``max_qp``) and above their share in the whole
    space. Later boxes are searched in the runs not yet covered (PRIM's covering approach).
    Coverage, density and mass are reported on all runs, the held-out density beside them.
    ``bounds`` gives each numeric factor's declared range, reported for a side PRIM did not
    peel.
    """
    import prim
    y = np.asarray(y, dtype=bool)
    cats = {c for c in x.columns if not pd.api.types.is_numeric_dtype(x[c])
            or pd.api.types.is_bool_dtype(x[c])}
    xx = x.copy().reset_index(drop=True)
    for c in cats:
        xx[c] = xx[c].astype(object)
    total_coi = int(y.sum())
    if total_coi == 0 or total_coi == len(y):
        return []
    # a stream of its own, so the split is independent of any draw made with the same seed
    test = np.random.default_rng([seed, 0x5052494D]).random(len(y)) < holdout
    if holdout <= 0 or test.sum() < 10:
        test = np.zeros(len(y), dtype=bool)
    train = ~test
    if not y[train].any() or y[train].all():
        return []
    xt = xx[train].reset_index(drop=True)
    algo = prim.Prim(xt, y[train].astype(float), threshold=0.5, threshold_type=">",
                     peel_alpha=peel_alpha, mass_min=mass_min)
    boxes: list[Box] = []
    covered = np.zeros(len(y), dtype=bool)
    for k in range(max_boxes):
        try:
            pbox = algo.find_box()
        except Exception as err:  # prim raises when nothing is left to peel
            if boxes:
                break
            raise RuntimeError(f"PRIM failed: {err}") from err
        if pbox is None:
            break
        traj = pbox.peeling_trajectory.reset_index(drop=True)
        fit = train & ~covered
        candidates = []
        for i in range(len(traj)):
            lims = _limits_of(pbox._box_lims[i], xt, cats)
            dropped = []
            for _ in range(5):  # drop insignificant restrictions until the rest are significant
                qps = quasi_p(xx, y, lims, cats, fit)
                weak = sorted((n for n, q in qps.items() if q > max_qp), key=qps.get)
                if not weak:
                    break
                dropped += weak
                lims = {n: v for n, v in lims.items() if n not in weak}
            inside = _in_box(xx, lims, cats) & fit
            n_in, hits = int(inside.sum()), int(y[inside].sum())
            candidates.append((i, lims, dropped, n_in, hits / max(n_in, 1),
                               hits / max(int(y[train].sum()), 1)))
        # the densest cleaned box keeping min_coverage (else the best coverage x density)
        good = [c for c in candidates if c[5] >= min_coverage and c[1]]
        pick = max(good, key=lambda c: (c[4], c[5])) if good else \
            max(candidates, key=lambda c: (c[4] * c[5], c[4]))
        chosen, lims, dropped = pick[0], pick[1], pick[2]
        traj = traj.assign(clean_coverage=[c[5] for c in candidates],
                           clean_density=[c[4] for c in candidates],
                           clean_res_dim=[len(c[1]) for c in candidates])
        pbox.select(chosen)
        # out-of-sample check (on the training runs, Bonferroni over the trajectory, if no
        # holdout was kept)
        check = test & ~covered if test.any() else fit
        in_check = _in_box(xx, lims, cats) & check
        n_c, h_c = int(in_check.sum()), int(y[in_check].sum())
        alpha = max_qp if test.any() else max_qp / len(traj)
        test_density = h_c / n_c if n_c else 0.0
        p_value = float(binom.sf(h_c - 1, n_c, y[check].mean())) if n_c else 1.0
        if not lims or n_c == 0 or p_value > alpha or test_density <= y[check].mean() \
                or test_density <= total_coi / len(y):
            break  # no better than chance out of sample, or no denser than the whole space
        inside = _in_box(xx, lims, cats) & ~covered
        n_in = int(inside.sum())
        qps = quasi_p(xx, y, lims, cats, ~covered)
        rows = []
        for name, lim in lims.items():
            if name in cats:
                rows.append({"factor": name, "kind": kinds.get(name, ""), "lower": np.nan,
                             "upper": np.nan, "values": ", ".join(sorted(map(str, lim))),
                             "qp": qps[name]})
            else:
                lo, hi = (bounds or {}).get(name, (xx[name].min(), xx[name].max()))
                rows.append({"factor": name, "kind": kinds.get(name, ""),
                             "lower": max(lim[0], lo), "upper": min(lim[1], hi), "values": "",
                             "qp": qps[name]})
        limits = pd.DataFrame(rows, columns=["factor", "kind", "lower", "upper", "values", "qp"])
        boxes.append(Box(k + 1, coverage=float(y[inside].sum() / total_coi),
                         density=float(y[inside].mean()), mass=n_in / len(y), n_cases=n_in,
                         limits=limits.sort_values("qp").reset_index(drop=True),
                         trajectory=traj, chosen=chosen, dropped=dropped,
                         test_density=test_density if test.any() else float("nan"),
                         test_p=p_value))
        covered |= inside
        if y[~covered].sum() == 0:
            break
    return boxes


def plot_boxes(boxes: list[Box], factors: dict[str, Factor], path: Path, title: str) -> Path:
    """Per box: the peeling trajectory (coverage vs density) and the box's limits."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    n = max(len(boxes), 1)
    fig, axes = plt.subplots(n, 2, figsize=(11, 3.2 * n), squeeze=False,
                             gridspec_kw={"width_ratios": [1, 1.6]})
    for (ax0, ax1), box in zip(axes, boxes, strict=False):
        t = box.trajectory
        ax0.plot(t.coverage, t.density, ".", color="lightgrey",
                 label="PRIM peeling (training runs)")
        sc = ax0.scatter(t.clean_coverage, t.clean_density, c=t.clean_res_dim, cmap="viridis",
                         s=14, label="cleaned: restrictions with qp > max_qp dropped")
        ax0.scatter([box.coverage], [box.density], s=90, facecolors="none", edgecolors="red",
                    label="chosen box (all runs)")
        ax0.set_xlabel("coverage")
        ax0.set_ylabel("density")
        ax0.set_title(f"Box {box.index}: peeling trajectory", fontsize=9)
        fig.colorbar(sc, ax=ax0, label="restricted dimensions")
        ax0.legend(fontsize=6)
        lim = box.limits
        ys = np.arange(len(lim))[::-1]
        for yv, r in zip(ys, lim.itertuples(), strict=False):
            f = factors[r.factor]
            color = "tab:orange" if f.kind == "lever" else "tab:blue"
            if f.categorical:
                allowed = set(str(r.values).split(", "))
                for j, v in enumerate(f.values):
                    pos = j / max(len(f.values) - 1, 1)
                    ax1.plot(pos, yv, "s", color=color if f.format(v) in allowed else "white",
                             markeredgecolor=color, markersize=9)
                    ax1.annotate(f.format(v), (pos, yv), xytext=(0, 7),
                                 textcoords="offset points", ha="center", fontsize=6)
            else:
                lo = _unit(f, r.lower)
                hi = _unit(f, r.upper)
                ax1.barh(yv, hi - lo, left=lo, color=color, height=0.5)
                ax1.annotate(f"{r.lower:.3g} .. {r.upper:.3g}", (hi, yv), xytext=(3, -3),
                             textcoords="offset points", fontsize=6)
        kind = {n: "lever" if f.kind == "lever" else "unc." for n, f in factors.items()}
        ax1.set_yticks(ys, [f"{r.factor} ({kind[r.factor]}, qp {r.qp:.1g})"
                            for r in lim.itertuples()], fontsize=7)
        ax1.set_xlim(-0.05, 1.25)
        ax1.set_xlabel("share of the declared range (orange: policy lever, blue: uncertainty)",
                       fontsize=7)
        ax1.set_title(f"coverage {box.coverage:.0%}, density {box.density:.0%}, "
                      f"mass {box.mass:.0%}", fontsize=9)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _unit(f: Factor, v: float) -> float:
    assert f.lo is not None and f.hi is not None
    if f.log:
        return float((np.log(v) - np.log(f.lo)) / (np.log(f.hi) - np.log(f.lo)))
    return float((v - f.lo) / (f.hi - f.lo))


@dataclass
class DiscoveryResult:
    """What :func:`discover` found and wrote."""

    out_dir: Path
    outcome: str
    threshold: float
    direction: str
    n_runs: int
    share: float  # share of samples that are cases of interest
    boxes: list[Box]
    factors: dict[str, Factor]
    figure: Path | None = None

    def describe(self) -> str:
        """Text for the terminal."""
        o = OUTCOMES[self.outcome]
        lines = [f"{o.label} {self.direction} {self.threshold:g} ({o.unit}): "
                 f"{self.share:.0%} of {self.n_runs} sampled worlds ({self.out_dir})"]
        if not self.boxes and self.share in (0.0, 1.0):
            lines.append(f"no box: the outcome happens in {'none' if self.share == 0 else 'all'}"
                         " of the sampled worlds")
        elif not self.boxes:
            lines.append("no box: no region of the space is significantly denser in cases of "
                         "interest than the whole")
        lines += [b.describe(self.factors) for b in self.boxes]
        if self.figure:
            lines.append(f"figure: {self.figure}")
        return "\n".join(lines)


def discover(argv: Sequence[str]) -> DiscoveryResult:
    """Run scenario discovery for ``key=value`` arguments (see the module doc)."""
    opts, overrides = parse_kv(argv, DEFAULTS)
    outcome = opts["outcome"]
    if not outcome:
        raise ConfigError("outcome", "", ", ".join(OUTCOMES))
    check_outcomes([outcome])
    if not np.isfinite(opts["threshold"]):
        raise ConfigError("threshold", opts["threshold"], "a number, e.g. threshold=0.5")
    direction = {"above": ">", "below": "<"}.get(opts["direction"], opts["direction"])
    if direction not in (">", "<"):
        raise ConfigError("direction", opts["direction"], "> or <")
    if opts["n"] < 10 or opts["replicates"] < 1:
        raise ConfigError("n", opts["n"], "n >= 10 and replicates >= 1")
    space = load_space(opts["uncertainty"])
    factors = space.factors(levers=opts["levers"], controls=opts["controls"],
                            names=names_list(opts["factors"]) or None)
    unit = latin_hypercube(opts["n"], len(factors), opts["sample_seed"])
    samples = unit_to_values(unit, factors)
    # the design does not depend on outcome/threshold: keep one run folder for all questions
    design_opts = {k: v for k, v in opts.items() if k in DESIGN_KEYS}
    name = opts["name"] or folder_name("lhs", design_opts, overrides)
    out_dir = Path(opts["out"] or OUT_ROOT / "discover") / name
    print(f"scenario discovery: {len(samples)} samples x {opts['replicates']} replicates in "
          f"{out_dir}", flush=True)
    run = run_samples(samples, factors, out_dir, overrides, opts["replicates"],
                      opts["first_seed"], quiet=opts["quiet"])
    run.outcomes.to_csv(out_dir / "outcomes.csv", index=False)
    means = run.outcomes.groupby("sample")[outcome].mean().reindex(range(len(samples)))
    keep = means.notna().to_numpy()
    value = means.to_numpy()[keep]
    y = value > opts["threshold"] if direction == ">" else value < opts["threshold"]
    x = numeric_inputs(samples, factors)[keep].reset_index(drop=True)
    kinds = {f.name: f.kind for f in factors}
    bounds = {f.name: (f.lo, f.hi) for f in factors if not f.categorical}
    boxes = find_boxes(x, y, kinds, opts["boxes"], opts["min_coverage"], opts["max_qp"],
                       opts["peel_alpha"], opts["mass_min"], bounds, opts["holdout"],
                       opts["sample_seed"])
    tag = f"{outcome}{'_gt' if direction == '>' else '_lt'}{opts['threshold']:g}"
    rows = [b.limits.assign(box=b.index, coverage=b.coverage, density=b.density, mass=b.mass,
                            heldout_density=b.test_density, heldout_p=b.test_p)
            for b in boxes]
    table = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    table.to_csv(out_dir / f"boxes_{tag}.csv", index=False)
    if boxes:
        pd.concat([b.trajectory.assign(box=b.index) for b in boxes]).to_csv(
            out_dir / f"trajectory_{tag}.csv", index=False)
    by_name = {f.name: f for f in factors}
    result = DiscoveryResult(out_dir, outcome, opts["threshold"], direction, int(keep.sum()),
                             float(y.mean()) if len(y) else 0.0, boxes, by_name)
    if boxes:
        title = f"Where {OUTCOMES[outcome].label} {direction} {opts['threshold']:g}"
        result.figure = plot_boxes(boxes, by_name, out_dir / f"discover_{tag}.png", title)
    return result


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m experiments.discover outcome=... threshold=...``."""
    return command_main(argv, __doc__, discover, lambda r: r.describe())


if __name__ == "__main__":
    sys.exit(main())
