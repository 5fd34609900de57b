"""Scenario discovery with PRIM: boxes of parameter and policy space where an outcome happens.

The Patient Rule Induction Method (Friedman and Fisher 1999), as ema-workbench implements it
(:class:`ema_workbench.analysis.prim.Prim`), peels the space of sampled inputs into boxes that
hold many *cases of interest* (runs whose outcome is above or below a threshold). Each box is
reported with its *coverage* (share of all cases of interest inside it), *density* (share of
the runs in it that are cases of interest) and *mass* (share of all runs in it), and with each
restricted dimension's limits and quasi-p value (Bryant and Lempert 2010). ema-workbench gives
the peeling trajectory, the limits and quasi-p values (per side) of every box on it, and the
covering (:meth:`Prim.find_box` after :meth:`PrimBox.select` searches outside the boxes chosen).
Added here, for discovery over many dimensions: limits whose quasi-p value says they are
chance are dropped, and each box is checked on held-out runs, so that PRIM does not report
boxes found in noise. ``python -m experiments.discover`` runs the samples.

Not used from ema-workbench 3.0: ``PrimBox.inspect(style="data")``, which fails under pandas 3
when a box restricts a category, and ``PrimBox.resample``, which fails (IndexError) on every
box of a covering after the first.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Sequence

import numpy as np
import pandas as pd
from scipy.stats import binom

from study.uncertainty import OUTCOMES, Factor, numeric_inputs

if TYPE_CHECKING:
    from ema_workbench.analysis.prim import PrimBox

#: Rounds of dropping chance limits from a box before giving up on the rest.
_CLEANING_ROUNDS = 5
#: The hold-out split's own stream ("PRIM" in ASCII), so that it is independent of any draw
#: made with the same seed.
_SPLIT_STREAM = 0x5052494D


@dataclass
class Box:
    """One PRIM box: its statistics and the restricted dimensions' limits."""

    index: int
    coverage: float
    density: float
    mass: float
    n_cases: int
    limits: pd.DataFrame  # factor, kind, lower, upper, values, qp
    trajectory: pd.DataFrame  # coverage, density, mass, res_dim along the peeling trajectory
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
    """Which rows of ``x`` lie inside limits ``{name: (lower, upper) or set of values}``."""
    inside = np.ones(len(x), dtype=bool)
    for name, lim in lims.items():
        if name in cats:
            inside &= x[name].isin(list(lim)).to_numpy()
        else:
            inside &= ((x[name] >= lim[0]) & (x[name] <= lim[1])).to_numpy()
    return inside


@dataclass
class _Runs:
    """The runs PRIM works on: inputs (categories as objects), cases of interest, the split."""

    x: pd.DataFrame
    y: np.ndarray
    cats: set[str]
    train: np.ndarray
    test: np.ndarray
    n_cases: int  # cases of interest among all runs


class _Candidate(NamedTuple):
    """A box on the peeling trajectory once cleaned, with its statistics on the fitted runs."""

    step: int  # the box's place on PRIM's peeling trajectory
    entry: int  # the cleaned box's place in the PrimBox's list of boxes (``box_lims``)
    lims: dict[str, Any]
    dropped: list[str]
    density: float
    coverage: float


def _prepare(x: pd.DataFrame, y: np.ndarray, holdout: float, seed: int) -> _Runs | None:
    """The runs with their split; None when no box can be found (no or only cases).

    A ``holdout`` share of the runs, drawn from the seed's own stream, is held out to check
    each box (none if fewer than 10 would be).

    Numbers become float64 and categories (booleans among them) objects: ema-workbench's PRIM
    peels float and int columns and treats every other column as a category.
    """
    y = np.asarray(y, dtype=bool)
    cats = {c for c in x.columns if not pd.api.types.is_numeric_dtype(x[c])
            or pd.api.types.is_bool_dtype(x[c])}
    xx = pd.DataFrame({c: x[c].astype(object if c in cats else float) for c in x.columns})
    n_cases = int(y.sum())
    if n_cases == 0 or n_cases == len(y):
        return None
    test = np.random.default_rng([seed, _SPLIT_STREAM]).random(len(y)) < holdout
    test &= holdout > 0 and test.sum() >= 10
    train = ~test
    if not y[train].any() or y[train].all():
        return None
    return _Runs(xx.reset_index(drop=True), y, cats, train, test, n_cases)


def _prim(runs: _Runs, peel_alpha: float, mass_min: float) -> Any:
    """ema-workbench's PRIM on the training runs (its import warns of optional parts: quiet)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not (installed|available)")
        from ema_workbench.analysis.prim import Prim
    return Prim(runs.x[runs.train].reset_index(drop=True), runs.y[runs.train].astype(int),
                peel_alpha=peel_alpha, mass_min=mass_min)


def _restrictions(lims: pd.DataFrame, start: pd.DataFrame) -> dict[str, Any]:
    """Limits in ema-workbench's layout (``start``: the box of all runs) for :func:`_in_box`.

    A column per factor: lower and upper limit, or twice the set of values allowed. Only
    restricted factors are kept; a side PRIM did not peel (at the training runs' extreme) is
    open, so that a held-out run beyond it is inside the box.
    """
    out: dict[str, Any] = {}
    for name in lims.columns:
        (lo, hi), (lo0, hi0) = lims[name], start[name]
        if isinstance(lo, (set, frozenset)):
            if set(lo) != set(lo0):
                out[name] = set(lo)
        elif lo != lo0 or hi != hi0:
            out[name] = (lo if lo != lo0 else -np.inf, hi if hi != hi0 else np.inf)
    return out


def _chance_limits(pbox: PrimBox, entry: int, max_qp: float) -> tuple[pd.DataFrame, list[str]]:
    """Box ``entry``'s limits with every side whose quasi-p value exceeds ``max_qp`` reset.

    Returns the new limits (ema-workbench's layout) and the names of what was dropped: a
    factor's name when it loses its whole restriction, else ``name (lower limit)``.
    """
    lims, start = pbox.box_lims[entry].copy(), pbox.box_lims[0]
    dropped = []
    for name, qps in pbox.p_values[entry].items():  # [lower, upper]; -1 where not restricted
        weak = [side for side, qp in enumerate(qps) if qp > max_qp]
        if not weak:
            continue
        if isinstance(start[name][0], (set, frozenset)):
            lims[name] = start[name]
        else:
            for side in weak:
                lims.loc[side, name] = start.loc[side, name]
        whole = len(weak) == sum(qp >= 0 for qp in qps)
        dropped.append(name if whole else f"{name} ({('lower', 'upper')[weak[0]]} limit)")
    return lims, dropped


def _cleaned(pbox: PrimBox, step: int, cats: set[str], max_qp: float) -> tuple[int, list[str]]:
    """Box ``step`` without chance limits, added to the PrimBox; its place and what was dropped.

    Dropping a limit changes the others' quasi-p values, so this repeats until every limit
    left is significant (at most a few rounds). ema-workbench's ``PrimBox.update`` computes
    the new box's statistics and quasi-p values on the runs PRIM is fitting.
    """
    entry, dropped = step, []
    prim = pbox.prim
    for _ in range(_CLEANING_ROUNDS):
        lims, weak = _chance_limits(pbox, entry, max_qp)
        if not weak:
            break
        dropped += weak
        x = prim.x.loc[prim.yi_remaining]
        inside = _in_box(x, _restrictions(lims, pbox.box_lims[0]), cats)
        pbox.update(lims, prim.yi_remaining[inside])
        entry = len(pbox.box_lims) - 1
    return entry, dropped


def _candidates(runs: _Runs, pbox: PrimBox, steps: int, max_qp: float) -> list[_Candidate]:
    """Every box of the peeling trajectory, cleaned, with its statistics on the fitted runs."""
    out = []
    for step in range(steps):
        entry, dropped = _cleaned(pbox, step, runs.cats, max_qp)
        stats = pbox.peeling_trajectory.iloc[entry]
        lims = _restrictions(pbox.box_lims[entry], pbox.box_lims[0])
        out.append(_Candidate(step, entry, lims, dropped, float(stats.density),
                              float(stats.coverage)))
    return out


def _pick(candidates: list[_Candidate], min_coverage: float) -> _Candidate:
    """The densest cleaned box keeping ``min_coverage`` (else the best coverage x density)."""
    good = [c for c in candidates if c.coverage >= min_coverage and c.lims]
    if good:
        return max(good, key=lambda c: (c.density, c.coverage))
    return max(candidates, key=lambda c: (c.density * c.coverage, c.density))


def _holdout_test(runs: _Runs, lims: dict[str, Any], covered: np.ndarray, fit: np.ndarray,
                  steps: int, max_qp: float) -> tuple[float, float, bool]:
    """The box's density on the check runs, its binomial p-value, and whether it passes.

    The check runs are the held-out ones not yet covered, or, if none were held out, the fitted
    runs with a Bonferroni correction over the ``steps`` boxes of the trajectory. A box passes
    when it restricts something, its density there is significantly above the check runs' base
    rate (at ``max_qp``), and above the cases' share in the whole space.
    """
    held = bool(runs.test.any())
    check = runs.test & ~covered if held else fit
    in_check = _in_box(runs.x, lims, runs.cats) & check
    n_c, h_c = int(in_check.sum()), int(runs.y[in_check].sum())
    if n_c == 0:
        return 0.0, 1.0, False
    base = runs.y[check].mean()
    density = h_c / n_c
    p_value = float(binom.sf(h_c - 1, n_c, base))
    alpha = max_qp if held else max_qp / steps
    passed = bool(lims) and p_value <= alpha and density > base \
        and density > runs.n_cases / len(runs.y)
    return density, p_value, passed


def _limits_table(runs: _Runs, pick: _Candidate, qps: dict[str, list[float]],
                  kinds: dict[str, str], bounds: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """One row per restricted factor; a side PRIM did not peel shows the declared bound.

    A factor's quasi-p value is its weakest limit's: the largest of its restricted sides'
    (ema-workbench gives one per side, -1 for a side not restricted).
    """
    rows = []
    for name, lim in pick.lims.items():
        qp = max(q for q in qps[name] if q >= 0)
        if name in runs.cats:
            rows.append({"factor": name, "kind": kinds.get(name, ""), "lower": np.nan,
                         "upper": np.nan, "values": ", ".join(sorted(map(str, lim))), "qp": qp})
        else:
            lo, hi = bounds.get(name, (runs.x[name].min(), runs.x[name].max()))
            rows.append({"factor": name, "kind": kinds.get(name, ""),
                         "lower": max(lim[0], lo), "upper": min(lim[1], hi), "values": "",
                         "qp": qp})
    limits = pd.DataFrame(rows, columns=["factor", "kind", "lower", "upper", "values", "qp"])
    return limits.sort_values("qp").reset_index(drop=True)


def _box(index: int, runs: _Runs, pbox: PrimBox, pick: _Candidate, trajectory: pd.DataFrame,
         covered: np.ndarray, kinds: dict[str, str], bounds: dict[str, tuple[float, float]],
         test: tuple[float, float]) -> tuple[Box, np.ndarray]:
    """The chosen box with its statistics on the runs not yet covered, and those runs in it."""
    inside = _in_box(runs.x, pick.lims, runs.cats) & ~covered
    n_in = int(inside.sum())
    box = Box(index, coverage=float(runs.y[inside].sum() / runs.n_cases),
              density=float(runs.y[inside].mean()), mass=n_in / len(runs.y), n_cases=n_in,
              limits=_limits_table(runs, pick, pbox.p_values[pick.entry], kinds, bounds),
              trajectory=trajectory, chosen=pick.step, dropped=pick.dropped,
              test_density=test[0] if runs.test.any() else float("nan"), test_p=test[1])
    return box, inside


def find_boxes(x: pd.DataFrame, y: np.ndarray, kinds: dict[str, str], max_boxes: int = 3,
               min_coverage: float = 0.3, max_qp: float = 0.05, peel_alpha: float = 0.05,
               mass_min: float = 0.05, bounds: dict[str, tuple[float, float]] | None = None,
               holdout: float = 0.3, seed: int = 0) -> list[Box]:
    """Run PRIM on inputs ``x`` (floats and categories) and cases of interest ``y`` (bool).

    The runs are split at random (seeded) into a training part and a ``holdout`` share. On the
    training runs ema-workbench's PRIM peels the space step by step; every box on that peeling
    trajectory is cleaned by dropping the limits whose quasi-p value exceeds ``max_qp`` (PRIM
    in many dimensions also trims dimensions that do not matter), and the densest cleaned box
    that keeps at least ``min_coverage`` of the cases of interest is chosen (failing that, the
    one with the largest coverage x density). Choosing among many boxes overfits, so the
    chosen box is kept only if, on the held-out runs, its density is significantly above the
    share of cases of interest there (binomial test at ``max_qp``) and above their share in
    the whole space. Later boxes are searched in the runs not yet covered (PRIM's covering).
    Coverage, density and mass are reported on all runs, the held-out density beside them,
    quasi-p values as PRIM computes them (training runs not yet covered). ``bounds`` gives each
    numeric factor's declared range, reported for a side PRIM did not peel.
    """
    runs = _prepare(x, y, holdout, seed)
    if runs is None:
        return []
    prim = _prim(runs, peel_alpha, mass_min)
    boxes: list[Box] = []
    covered = np.zeros(len(runs.y), dtype=bool)
    for k in range(max_boxes):
        pbox = prim.find_box()
        if pbox is None:  # no training run left outside the boxes
            break
        steps = len(pbox.peeling_trajectory)
        trajectory = pbox.peeling_trajectory.copy()  # before cleaning adds boxes to it
        candidates = _candidates(runs, pbox, steps, max_qp)
        pick = _pick(candidates, min_coverage)
        trajectory = trajectory.assign(clean_coverage=[c.coverage for c in candidates],
                                       clean_density=[c.density for c in candidates],
                                       clean_res_dim=[len(c.lims) for c in candidates])
        pbox.select(pick.entry)  # PRIM's covering: the next box is searched outside this one
        fit = runs.train & ~covered
        density, p_value, passed = _holdout_test(runs, pick.lims, covered, fit, steps, max_qp)
        if not passed:
            break  # no better than chance out of sample, or no denser than the whole space
        box, inside = _box(k + 1, runs, pbox, pick, trajectory, covered, kinds, bounds or {},
                           (density, p_value))
        boxes.append(box)
        covered |= inside
        if runs.y[~covered].sum() == 0:
            break
    return boxes
def cases_of_interest(outcomes: pd.DataFrame, samples: pd.DataFrame, factors: Sequence[Factor],
                      outcome: str, threshold: float,
                      direction: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The inputs of every sample with an outcome, and whether it is a case of interest.

    A sample's outcome is its mean over replicates; it is a case when above (``direction``
    ``>``) or below (``<``) ``threshold``. Samples without a value are left out.
    """
    means = outcomes.groupby("sample")[outcome].mean().reindex(range(len(samples)))
    keep = means.notna().to_numpy()
    value = means.to_numpy()[keep]
    y = value > threshold if direction == ">" else value < threshold
    return numeric_inputs(samples, factors)[keep].reset_index(drop=True), y


def boxes_table(boxes: list[Box]) -> pd.DataFrame:
    """Every box's limits with its statistics, one row per restricted factor."""
    rows = [b.limits.assign(box=b.index, coverage=b.coverage, density=b.density, mass=b.mass,
                            heldout_density=b.test_density, heldout_p=b.test_p)
            for b in boxes]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


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
