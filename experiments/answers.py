"""Write ``docs/ANSWERS.md``: the project's two questions, answered with paired intervals.

    python -m experiments.answers                      # 20 seeds, the calibrated defaults
    python -m experiments.answers seeds=40 model.n_developers=20000

Runs the baseline, ``alibaba_closes`` and ``us_tightens_controls`` on the same seeds (common
random numbers, ``study.batch.run_scenarios``), and reports each scenario's effect seed by seed
against the baseline, with 90% t-intervals (``study.compare.t_half_width``):

- *What happens to global adoption of Chinese models if Alibaba closes the Qwen weights?* The
  global share of developers (heads) and of tokens on Chinese models, on Chinese open models
  and the rest of the world's share on Chinese models, in 2026-12 and 2030-12.
- *Do tighter US chip controls push Chinese labs towards open release?* Chinese labs' mean
  expected openness (the openness their posture decisions were expected to give, 0 closed .. 1
  open) and realised openness over 2025-26 and 2025-30, the payoff terms behind it (money and
  community, open minus closed, months of capability) and what controls do to the gap and to
  adoption.

The README quotes this file. Keys: ``seeds``, ``jobs`` (worker processes), ``report``
(markdown path); anything else with a dot is an override of every run.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from experiments.cli import ROOT, command_main, parse_kv
from sim.enums import Bloc
from study.batch import run_scenarios
from study.compare import t_half_width
from study.outcomes import select

DEFAULTS: dict[str, Any] = {"seeds": 20, "jobs": 2,
                            "report": str(ROOT / "docs" / "ANSWERS.md")}
SCENARIOS = ("baseline", "alibaba_closes", "us_tightens_controls")
#: Year-end months the answers are given for (month 0 is 2025-01).
CHECKPOINTS = {"2026-12": 23, "2030-12": 71}
#: Periods the openness answer averages over: (label, first month, last month).
PERIODS = (("2025-26", 0, 23), ("2025-30", 0, 71))

#: Adoption outcomes of the first question (names in ``study.outcomes``), and Qwen's share on
#: its open releases, old and new (``lab_open_share`` of ``alibaba``).
ADOPTION = ("cn_share", "cn_token_share", "cn_open_share", "cn_open_token_share",
            "row_cn_share", "row_cn_token_share")
QWEN_OPEN = "Qwen's share of developers on its open releases (old and new)"
#: Per-lab outcomes averaged over Chinese labs and a period: (label, metric).
CN_LAB_MEANS = (("expected openness (decisions)", "lab_expected_openness"),
                ("realised openness", "lab_openness"),
                ("money term, open - closed (months)", "lab_payoff_money"),
                ("community term, open - closed (months)", "lab_payoff_community"))


def _point(df: pd.DataFrame, metric: str, region: str, bloc: str, month: int,
           lab: str = "") -> pd.Series:
    """Per (scenario, seed), one metric at one month."""
    sel = (df.metric == metric) & (df.month == month) & (df.region == region) \
        & (df.bloc == bloc) & (df.lab == lab)
    return df[sel].set_index(["scenario", "seed"]).value


def _cn_mean(df: pd.DataFrame, metric: str, first: int, last: int, cn_labs: list[str]
             ) -> pd.Series:
    """Per (scenario, seed), the mean over Chinese labs and months ``first..last``."""
    sel = (df.metric == metric) & df.lab.isin(cn_labs) & df.month.between(first, last)
    return df[sel].groupby(["scenario", "seed"]).value.mean()


def paired(values: pd.Series, scenario: str) -> dict[str, float]:
    """The baseline's mean, and the scenario's paired effect with its 90% interval."""
    base, other = values.xs("baseline"), values.xs(scenario)
    diff = (other - base.reindex(other.index)).dropna().to_numpy()
    half = float(t_half_width(np.array([diff.std(ddof=1)]), np.array([diff.size]))[0]) \
        if diff.size > 1 else 0.0
    return {"baseline": float(base.mean()), "effect": float(diff.mean()),
            "lo": float(diff.mean()) - half, "hi": float(diff.mean()) + half, "n": diff.size}


def answers(df: pd.DataFrame, cn_labs: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Both answers as rows: outcome, when, baseline, effect and its interval.

    ``share`` says whether the outcome is a share (shown in % and pp).
    """
    def rows(scenario: str, names: Sequence[str]) -> list[dict[str, Any]]:
        return [{"outcome": o.label, "when": when, "share": o.unit == "share",
                 **paired(_point(df, o.metric, o.region, o.bloc, month), scenario)}
                for o in select(names) for when, month in CHECKPOINTS.items()]

    q1 = rows("alibaba_closes", ADOPTION)
    q1 += [{"outcome": QWEN_OPEN, "when": when, "share": True,
            **paired(_point(df, "lab_open_share", "", "", month, "alibaba"), "alibaba_closes")}
           for when, month in CHECKPOINTS.items()]
    q2 = [{"outcome": "Chinese labs' " + label, "when": period, "share": False,
           **paired(_cn_mean(df, metric, first, last, cn_labs), "us_tightens_controls")}
          for label, metric in CN_LAB_MEANS for period, first, last in PERIODS]
    q2 += rows("us_tightens_controls", ("us_china_gap", "cn_share", "cn_token_share"))
    return {"alibaba_closes": q1, "us_tightens_controls": q2}


def _fmt(row: dict[str, Any], share: bool) -> tuple[str, str]:
    """(baseline, effect with interval) as text: shares in % and pp, others as they are."""
    k, unit = (100.0, " pp") if share else (1.0, "")
    base = f"{k * row['baseline']:.1f}%" if share else f"{row['baseline']:+.3f}"
    digits = 1 if share else 3
    effect = (f"{k * row['effect']:+.{digits}f}{unit} "
              f"({k * row['lo']:+.{digits}f} to {k * row['hi']:+.{digits}f})")
    return base, effect


def render(result: dict[str, list[dict[str, Any]]], seeds: int, overrides: Sequence[str]) -> str:
    """The markdown report."""
    cmd = f"python -m experiments.answers seeds={seeds}{''.join(' ' + o for o in overrides)}"
    lines = ["# The two questions, answered", "",
             f"Generated by `{cmd}` (do not edit by hand). Each effect is the scenario's run "
             "minus the baseline run with the same seed (common random numbers), averaged over "
             f"{seeds} seeds, with its 90% t-interval. The README explains the mechanisms "
             "behind each number and the parameters that decide their signs.", ""]
    titles = {"alibaba_closes": "Alibaba closes the Qwen weights (`scenario=alibaba_closes`, "
                                "2026-07)",
              "us_tightens_controls": "The US tightens chip controls "
                                      "(`scenario=us_tightens_controls`, 2025-04)"}
    for scenario, rows in result.items():
        lines += [f"## {titles[scenario]}", "", "| outcome | when | baseline | effect (90% CI) |",
                  "|---|---|---|---|"]
        for row in rows:
            base, effect = _fmt(row, row["share"])
            lines.append(f"| {row['outcome']} | {row['when']} | {base} | {effect} |")
        lines.append("")
    return "\n".join(lines)


def work(argv: Sequence[str]) -> dict[str, Any]:
    """Run the three scenarios, write the report; return where it went and the answers."""
    from sim.config import SimConfig

    opts, overrides = parse_kv(argv, DEFAULTS)
    df = run_scenarios(list(SCENARIOS), int(opts["seeds"]), overrides=list(overrides),
                       n_jobs=int(opts["jobs"]))
    cn_labs = [n for n, lab in SimConfig().labs.items() if lab.bloc is Bloc.CN]
    result = answers(df, cn_labs)
    report = Path(opts["report"])
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(render(result, int(opts["seeds"]), overrides))
    return {"report": report, "answers": result}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    return command_main(argv, __doc__, work, lambda out: f"wrote {out['report']}")


if __name__ == "__main__":
    sys.exit(main())
