"""The validation report (``docs/VALIDATION.md``): configs against the observed patterns.

Per config (``default`` = the baseline scenario as it is; any other name = baseline with the
calibration config of that name) and per pattern of :mod:`study.calibration_targets`: the
target, its tolerance, the model's mean with its spread across seeds, and pass/fail; a
calibrated config's claims (``configs/calibration/<name>.fit.json``) are checked too. The report
ends with the textbook patterns of the adoption mechanics (closed-form logit shares without
network effects; lock-in under strong increasing returns), computed with the same functions as
``tests/test_textbook_patterns.py``. ``python -m experiments.validate_report`` runs the configs
and writes the report.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from sim import calibrated
from sim.validate import ConfigError
from study.calibration import CALIBRATION_DIR, select_override
from study.calibration_targets import HORIZON_MONTHS, TARGETS, distance, summarise


# ----------------------------------------------------------------------------- textbook patterns
def logit_check(seed: int = 1, n_developers: int = 10_000, horizon: int = 24) -> dict[str, float]:
    """Simulated shares against closed-form logit shares when choice has no dynamics.

    With no network effects, no ecosystem value, no switching cost, homogeneous tastes and
    usage within each segment and everyone re-choosing every month, each developer's choice is
    an independent multinomial logit draw, so each region's and segment's shares must match the
    typical developer's closed-form logit shares (``MarketModel.projection``) up to sampling
    error.

    Returns:
        ``max_abs_diff`` (share points), ``max_abs_z`` (in binomial standard errors, over
        cells with an expected count of at least 5) and ``comparisons`` (region x segment x
        product cells with such a count).
    """
    from sim.config import SimConfig
    from sim.run import simulate, with_overrides
    segments = list(SimConfig().developers.segments)
    cfg = with_overrides(SimConfig(), {
        "seed": seed, "model.n_developers": n_developers, "model.horizon_months": horizon,
        "developers.network_effect": 0.0, "developers.ecosystem_weight": 0.0,
        "developers.switching_cost": 0.0, "developers.reconsider_per_month": 1.0,
        "developers.price_sensitivity_sd": 0.0, "developers.open_taste_sd": 0.0,
        **{f"developers.segments.{name}.tokens_sigma": 0.0 for name in segments}})
    m = simulate(cfg)
    expected = m.projection.shares  # (regions, segments, products)
    pop = m.developers
    diffs, zs = [], []
    for r in range(expected.shape[0]):
        for k in range(expected.shape[1]):
            idx = np.flatnonzero((pop.region == r) & (pop.segment == k))
            if idx.size < 50:
                continue
            observed = np.bincount(pop.choice[idx], minlength=expected.shape[2]) / idx.size
            p = expected[r, k]
            # z-scores need an expected count of at least 5 (the normal approximation of a
            # binomial; a single pick of a 1e-4 product would read as z = 5)
            positive = p * idx.size >= 5
            se = np.sqrt(p[positive] * (1 - p[positive]) / idx.size)
            diffs.append(np.abs(observed - p))
            zs.append(np.abs(observed[positive] - p[positive]) / np.maximum(se, 1e-12))
    return {"max_abs_diff": float(np.concatenate(diffs).max()),
            "max_abs_z": float(np.concatenate(zs).max()),
            "comparisons": int(sum(z.size for z in zs))}


def duopoly_config(network_effect: float, seed: int, n_developers: int = 1000,
                   horizon: int = 36):
    """Two identical open-weight labs whose postures never change (Arthur's two technologies).

    Developers re-choose a quarter of the time, pay no switching cost, and value the share of
    developers on a family with ``network_effect`` (utility per log share).
    """
    from sim.config import LabConfig, SimConfig
    from sim.enums import Bloc, Posture
    from sim.run import with_overrides
    # release_phase_month beyond the horizon: no posture decision ever happens
    labs = {name: LabConfig(bloc=Bloc.US, posture=Posture.open, compute_h100e=1e5,
                            lag_months=0.0, derivatives=1000.0, cash_usd_bn=1.0,
                            release_phase_month=59) for name in ("x", "y")}
    return with_overrides(SimConfig(labs=labs), {
        "seed": seed, "model.n_developers": n_developers, "model.horizon_months": horizon,
        "developers.network_effect": network_effect, "developers.switching_cost": 0.0,
        "developers.reconsider_per_month": 0.25})


def lock_in_shares(network_effect: float, seeds: Sequence[int] = range(20),
                   n_developers: int = 1000, horizon: int = 36) -> np.ndarray:
    """Final share of lab ``x`` in the symmetric duopoly, one value per seed."""
    from sim.run import simulate
    return np.array([simulate(duopoly_config(network_effect, s, n_developers, horizon))
                     .family_share()[0] for s in seeds])


# ----------------------------------------------------------------------------- validation runs

# ----------------------------------------------------------------------------- validation runs
@dataclass
class Validation:
    """Per config: the runs' measurements and the per-target summary."""

    label: str
    values: pd.DataFrame
    summary: pd.DataFrame
    fit: dict | None = None


def config_overrides(label: str) -> list[str]:
    """Overrides selecting a config: none for ``default``, the calibration config otherwise."""
    if label == "default":
        return []
    if not (CALIBRATION_DIR / f"{label}.yaml").exists():
        options = sorted(p.stem for p in CALIBRATION_DIR.glob("*.yaml"))
        raise ConfigError("configs", label, "default or a calibration config: "
                                            + ", ".join(options))
    return [select_override(label)]


def validations(labels: Sequence[str], outcomes: pd.DataFrame) -> list[Validation]:
    """Per config, its runs' measurements (``sample`` = the config's index) and their summary."""
    out = []
    for i, label in enumerate(labels):
        values = outcomes[outcomes["sample"] == i]
        # the default config is the calibrated baseline: its fit is the adopted calibration's
        name = calibrated.NAME if label == "default" and calibrated.VALUES else label
        fit_path = CALIBRATION_DIR / f"{name}.fit.json"
        fit = json.loads(fit_path.read_text()) if fit_path.exists() else None
        out.append(Validation(label, values, summarise(values), fit))
    return out


def _fmt(v: float) -> str:
    if not np.isfinite(v):
        return "n/a"
    return "0" if abs(v) < 1e-9 else f"{v:.3g}"


def _cell(row: pd.Series) -> str:
    return (f"{_fmt(row['mean'])} ± {_fmt(row['sd'])} [{_fmt(row['p5'])}, "
            f"{_fmt(row['p95'])}]")


def render(results: list[Validation], seeds: int, overrides: Sequence[str],
           textbook: dict[str, Any], commit: str = "unknown") -> str:
    """The Markdown report.

    Args:
        results: per config, what :func:`validations` gives.
        seeds: seeds each config ran on (``0 .. seeds - 1``).
        overrides: the Hydra overrides of every run (the number of developers is reported).
        textbook: what :func:`textbook_patterns` gives.
        commit: the git commit of the code that ran them.
    """
    by_label = {r.label: r.summary.set_index("target") for r in results}
    lines = [*_introduction(results, seeds, overrides, commit), *_summary(results),
             *_patterns(results, by_label)]
    for r in results:
        if r.fit is not None:
            lines += _calibrated(r, by_label[r.label])
    lines += [*_misses(results), *_textbook(textbook)]
    return "\n".join(lines)


def _introduction(results: list[Validation], seeds: int, overrides: Sequence[str],
                  commit: str) -> list[str]:
    """Title, how the report was made, and the configs it compares."""
    today = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d")
    n_dev = next((o.split("=", 1)[1] for o in overrides if o.startswith("model.n_developers=")),
                 "10,000, the default,")
    return [
        "# Validation against observed patterns (2024-2025)", "",
        "<!-- Generated by `python -m experiments.validate_report`; do not edit by hand. -->", "",
        f"Regenerated {today} from commit `{commit[:12]}` with "
        f"`python -m experiments.validate_report`: each config is run for 2025 "
        f"(months 0-{HORIZON_MONTHS - 1}) on seeds 0-{seeds - 1} ({n_dev} developers), through "
        "the sweep machinery (`experiments.run` multirun). A pattern **passes** when the mean "
        "across seeds lies inside its tolerance band; the spread is the standard deviation "
        "across seeds and, in brackets, the 5th-95th percentiles. Targets and tolerances: "
        "`study/calibration_targets.py`; measurements: `study/calibration_measurements.py`; "
        "figures: `docs/calibration/facts.csv` (keys in the Source column).", "",
        "Configs: **default** = `SimConfig()`, the calibrated baseline every command starts "
        "from (`sim/calibrated.py`, adopted from "
        f"`configs/calibration/{calibrated.NAME}.fit.json`); **prior** = the same model with "
        "the priors of the calibrated parameters (their sourced or assumed values before the "
        "fit); "
        + ", ".join(f"**{r.label}** = `python -m experiments.run {select_override(r.label)}`"
                    for r in results if r.label != "default") + ".", ""]


def _summary(results: list[Validation]) -> list[str]:
    """Per config: patterns in tolerance and the distance to the targets."""
    lines = ["## Summary", "",
             "| config | patterns in tolerance | distance to targets |",
             "| --- | --- | --- |"]
    for r in results:
        lines.append(f"| {r.label} | {int(r.summary['pass'].sum())}/{len(r.summary)} | "
                     f"{distance(r.summary):.3f} |")
    return lines + [
        "", "Distance: mean over targets of the squared deviation from the point target, "
        "in units of the tolerance on that side (1 = on the edge of the band; capped at "
        "25).", ""]


def _patterns(results: list[Validation], by_label: dict[str, pd.DataFrame]) -> list[str]:
    """The table of patterns (one column pair per config) and the notes on the targets."""
    head = "| pattern | source | target (band) | unit |"
    sep = "| --- | --- | --- | --- |"
    for r in results:
        head += f" {r.label}: mean ± sd [5%, 95%] | pass |"
        sep += " --- | --- |"
    lines = ["## Patterns", "", head, sep]
    for t in TARGETS:
        row = f"| {t.pattern} | `{t.source}` | {t.value:g} ({t.band()}) | {t.unit} |"
        for r in results:
            s = by_label[r.label].loc[t.name]
            row += f" {_cell(s)} | {'pass' if s['pass'] else '**FAIL**'} |"
        lines.append(row)
    lines += ["", "Notes on the targets:", ""]
    return lines + [f"- `{t.name}`: {t.note}." for t in TARGETS if t.note]


def _calibrated(r: Validation, summary: pd.DataFrame) -> list[str]:
    """A calibrated config: its search, its claims, its parameters and how to read the fit."""
    fit: dict = r.fit or {}
    search = fit["search"]
    claims = fit.get("claims", [])
    held = [c for c in claims if bool(summary.loc[c, "pass"])]
    title = "The calibration behind `default`" if r.label == "default" \
        else f"Calibrated config `{r.label}`"
    lines = ["", f"## {title}", "",
             f"Written by `{fit.get('command', 'python -m experiments.calibrate')}` "
             f"({fit.get('created', '')}): {search['trials']} Optuna trials "
             f"({search['sampler']}) on {search['seeds']} seeds each; "
             f"distance {search['best_distance']:.3f} against "
             f"{search['default_distance']:.3f} for the parameters it started from on the "
             "search seeds.", "",
             f"It claims {len(claims)} patterns (those it reproduced on its validation "
             f"seeds); {len(held)}/{len(claims)} hold here. "
             "`tests/test_calibration.py` re-runs the claimed patterns on the recorded "
             "seeds and fails if one leaves its tolerance.", "",
             "| parameter | path | prior | calibrated | searched range |",
             "| --- | --- | --- | --- | --- |"]
    edge = []
    for name, p in fit["parameters"].items():
        lo, hi = p["range"]
        lines.append(f"| {name} | `{p['path']}` | {p['default']:.4g} | {p['value']:.4g} | "
                     f"{lo:g} .. {hi:g} |")
        if min(p["value"] - lo, hi - p["value"]) <= 0.05 * (hi - lo):
            edge.append(name)
    lines += ["", f"Reading the fit: {len(TARGETS)} patterns of one year cannot pin down "
              f"{len(fit['parameters'])} parameters. Parameters that barely move 2025 "
              "outcomes (see `docs/ANALYSIS.md`) take whatever value the search ended on, "
              "and other sets fit about as well: use this config as one plausible world, and "
              "the declared ranges (`configs/uncertainty/default.yaml`) for projections."]
    if edge:
        lines += ["", "At the edge of the searched range (within 5%): "
                  + ", ".join(f"`{n}`" for n in edge) + ". The fit pushes these as far as "
                  "allowed, a sign that the model reaches the pattern only with extreme "
                  "values of them (or that the range is too narrow)."]
    return lines


def _misses(results: list[Validation]) -> list[str]:
    """Every pattern a config misses, and the caveats of the comparison."""
    lines = ["", "## Misses", ""]
    for label, miss in {r.label: r.summary[~r.summary["pass"]] for r in results}.items():
        if not len(miss):
            lines.append(f"- {label}: none.")
            continue
        for m in miss.to_dict("records"):
            lines.append(f"- {label}: `{m['target']}` = {_fmt(m['mean'])} (sd {_fmt(m['sd'])}) "
                         f"outside {m['band']} ({m['unit']}).")
    return lines + [
        "", "Caveats: the model counts developers, while the observed shares are tokens on "
        "one router (self-selected towards cheap open models) or enterprise survey answers; "
        "derivative counts depend on how they are counted, so only ratios are targeted; the "
        "2025 window is short, so a pattern that hinges on a few posture decisions (the "
        "US-China gap, the postures) varies a lot across seeds. The calibration fits 2025 "
        "only: 2026-2027 outcomes were kept out of the calibration material for out-of-sample "
        "checks."]


def _textbook(textbook: dict[str, Any]) -> list[str]:
    """The textbook patterns: closed-form logit shares, and lock-in under increasing returns."""
    lc = textbook["logit"]
    lines = [
        "", "## Textbook patterns of the adoption mechanics", "",
        "Computed by `experiments.validate_report` with the functions "
        "`tests/test_textbook_patterns.py` checks:", "",
        f"- **Closed-form logit shares.** With no network effects, no ecosystem value, no "
        f"switching cost, homogeneous tastes and every developer re-choosing every month, the "
        f"simulated shares of every product in every region match the multinomial-logit "
        f"shares of the representative utilities: largest difference "
        f"{lc['max_abs_diff']:.4f}, largest deviation {lc['max_abs_z']:.2f} binomial "
        f"standard errors over {lc['comparisons']} region x product pairs (10,000 "
        f"developers).",
    ]
    for ne, shares in textbook["lock_in"].items():
        mid = float(np.mean((shares > 0.2) & (shares < 0.8)))
        lines.append(
            f"- **{'Increasing returns' if ne > 0 else 'No network effects'} (network effect "
            f"{ne:g}).** Two identical open labs, "
            f"{len(shares)} seeds, 36 months: final shares of lab x "
            f"{', '.join(f'{s:.2f}' for s in np.sort(shares))}; "
            f"{np.mean(shares >= 0.8):.0%} of seeds end with x above 0.8, "
            f"{np.mean(shares <= 0.2):.0%} below 0.2, {mid:.0%} in between.")
    lines += ["", "Without network effects the market splits evenly in every seed; with strong "
              "increasing returns it tips to one lab, and which one depends on early chance "
              "events (lock-in, Arthur 1989).", ""]
    return lines


def textbook_patterns() -> dict[str, Any]:
    """The textbook checks shown in the report."""
    return {"logit": logit_check(),
            "lock_in": {ne: lock_in_shares(ne) for ne in (0.0, 3.0)}}
