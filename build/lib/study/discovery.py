"""Scenario discovery with PRIM: boxes of parameter and policy space where an outcome happens.

The Patient Rule Induction Method (Friedman and Fisher 1999, the ``prim`` package) peels the
space of sampled inputs into boxes that hold many *cases of interest* (runs whose outcome is
above or below a threshold). Each box is reported with its *coverage* (share of all cases of
interest inside it), *density* (share of the runs in it that are cases of interest) and *mass*
(share of all runs in it), and with each restricted dimension's limits and quasi-p value
(Bryant and Lempert 2010). Boxes are cleaned of insignificant restrictions and checked on
held-out runs, so that PRIM does not report boxes found in noise. ``python -m
experiments.discover`` runs the samples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Sequence

import numpy as np
import pandas as pd
from scipy.stats import binom

from study.uncertainty import OUTCOMES, Factor, numeric_inputs

#: Rounds of dropping insignificant restrictions from a box before giving up on the rest.
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



@dataclass
class _Runs:
    """The runs PRIM works on: inputs (categories as objects), cases of interest, the split."""

    x: pd.DataFrame
    y: np.ndarray
    cats: set[str]
    train: np.ndarray
    test: np.ndarray
    n_cases: int  # cases of interest among all runs

    @property
    def x_train(self) -> pd.DataFrame:
        """The training runs' inputs, as PRIM sees them."""
        return self.x[self.train].reset_index(drop=True)


class _Candidate(NamedTuple):
    """A box on the peeling trajectory once cleaned, with its statistics on the fitted runs."""

    step: int
    lims: dict[str, Any]
    dropped: list[str]
    n_in: int
    density: float
    coverage: float


def _holdout_mask(n: int, holdout: float, seed: int) -> np.ndarray:
    """Runs held out to check each box (none if fewer than 10 would be)."""
    test = np.random.default_rng([seed, _SPLIT_STREAM]).random(n) < holdout
    if holdout <= 0 or test.sum() < 10:
        return np.zeros(n, dtype=bool)
    return test


def _prepare(x: pd.DataFrame, y: np.ndarray, holdout: float, seed: int) -> _Runs | None:
    """The runs with their split; None when no box can be found (no or only cases)."""
    y = np.asarray(y, dtype=bool)
    cats = {c for c in x.columns if not pd.api.types.is_numeric_dtype(x[c])
            or pd.api.types.is_bool_dtype(x[c])}
    xx = x.copy().reset_index(drop=True)
    for c in cats:
        xx[c] = xx[c].astype(object)
    n_cases = int(y.sum())
    if n_cases == 0 or n_cases == len(y):
        return None
    test = _holdout_mask(len(y), holdout, seed)
    train = ~test
    if not y[train].any() or y[train].all():
        return None
    return _Runs(xx, y, cats, train, test, n_cases)


def _next_prim_box(algo: Any, have_boxes: bool) -> Any:
    """PRIM's next box, or None when it has none left (an error if it finds none at all)."""
    try:
        return algo.find_box()
    except Exception as err:  # prim raises when nothing is left to peel
        if have_boxes:
            return None
        raise RuntimeError(f"PRIM failed: {err}") from err


def _cleaned(runs: _Runs, lims: dict[str, Any], fit: np.ndarray,
             max_qp: float) -> tuple[dict[str, Any], list[str]]:
    """Drop insignificant restrictions (quasi-p above ``max_qp``) until the rest are significant."""
    dropped: list[str] = []
    for _ in range(_CLEANING_ROUNDS):
        qps = quasi_p(runs.x, runs.y, lims, runs.cats, fit)
        weak = sorted((n for n, q in qps.items() if q > max_qp), key=qps.get)
        if not weak:
            break
        dropped += weak
        lims = {n: v for n, v in lims.items() if n not in weak}
    return lims, dropped


def _candidates(runs: _Runs, pbox: Any, steps: int, fit: np.ndarray,
                max_qp: float) -> list[_Candidate]:
    """Every box of the peeling trajectory, cleaned, with its statistics on the fitted runs."""
    x_train, train_cases = runs.x_train, max(int(runs.y[runs.train].sum()), 1)
    out = []
    for i in range(steps):
        lims, dropped = _cleaned(runs, _limits_of(pbox._box_lims[i], x_train, runs.cats), fit,
                                 max_qp)
        inside = _in_box(runs.x, lims, runs.cats) & fit
        n_in, hits = int(inside.sum()), int(runs.y[inside].sum())
        out.append(_Candidate(i, lims, dropped, n_in, hits / max(n_in, 1), hits / train_cases))
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


def _limits_table(runs: _Runs, lims: dict[str, Any], qps: dict[str, float],
                  kinds: dict[str, str], bounds: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """One row per restricted factor; a side PRIM did not peel shows the declared bound."""
    rows = []
    for name, lim in lims.items():
        if name in runs.cats:
            rows.append({"factor": name, "kind": kinds.get(name, ""), "lower": np.nan,
                         "upper": np.nan, "values": ", ".join(sorted(map(str, lim))),
                         "qp": qps[name]})
        else:
            lo, hi = bounds.get(name, (runs.x[name].min(), runs.x[name].max()))
            rows.append({"factor": name, "kind": kinds.get(name, ""),
                         "lower": max(lim[0], lo), "upper": min(lim[1], hi), "values": "",
                         "qp": qps[name]})
    limits = pd.DataFrame(rows, columns=["factor", "kind", "lower", "upper", "values", "qp"])
    return limits.sort_values("qp").reset_index(drop=True)


def _box(index: int, runs: _Runs, pick: _Candidate, trajectory: pd.DataFrame,
         covered: np.ndarray, kinds: dict[str, str], bounds: dict[str, tuple[float, float]],
         test: tuple[float, float]) -> tuple[Box, np.ndarray]:
    """The chosen box with its statistics on the runs not yet covered, and those runs in it."""
    inside = _in_box(runs.x, pick.lims, runs.cats) & ~covered
    n_in = int(inside.sum())
    qps = quasi_p(runs.x, runs.y, pick.lims, runs.cats, ~covered)
    box = Box(index, coverage=float(runs.y[inside].sum() / runs.n_cases),
              density=float(runs.y[inside].mean()), mass=n_in / len(runs.y), n_cases=n_in,
              limits=_limits_table(runs, pick.lims, qps, kinds, bounds),
              trajectory=trajectory, chosen=pick.step, dropped=pick.dropped,
              test_density=test[0] if runs.test.any() else float("nan"), test_p=test[1])
    return box, inside


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
    runs = _prepare(x, y, holdout, seed)
    if runs is None:
        return []
    algo = prim.Prim(runs.x_train, runs.y[runs.train].astype(float), threshold=0.5,
                     threshold_type=">", peel_alpha=peel_alpha, mass_min=mass_min)
    boxes: list[Box] = []
    covered = np.zeros(len(runs.y), dtype=bool)
    for k in range(max_boxes):
        pbox = _next_prim_box(algo, bool(boxes))
        if pbox is None:
            break
        trajectory = pbox.peeling_trajectory.reset_index(drop=True)
        fit = runs.train & ~covered
        candidates = _candidates(runs, pbox, len(trajectory), fit, max_qp)
        pick = _pick(candidates, min_coverage)
        trajectory = trajectory.assign(clean_coverage=[c.coverage for c in candidates],
                                       clean_density=[c.density for c in candidates],
                                       clean_res_dim=[len(c.lims) for c in candidates])
        pbox.select(pick.step)  # PRIM's covering: the next box is searched outside this one
        density, p_value, passed = _holdout_test(runs, pick.lims, covered, fit,
                                                 len(trajectory), max_qp)
        if not passed:
            break  # no better than chance out of sample, or no denser than the whole space
        box, inside = _box(k + 1, runs, pick, trajectory, covered, kinds, bounds or {},
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
