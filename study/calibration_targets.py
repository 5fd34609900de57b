"""Observed 2024-2025 patterns as calibration targets, each with a tolerance and a measurement.

The figures come from ``docs/calibration/facts.csv`` (keys in :attr:`Target.source`); the list of
patterns from ``docs/calibration/README.md``. A target has a point value (what the calibration
aims at) and a tolerance band ``[lo, hi]`` (what counts as reproducing the pattern: the mean
across seeds must lie inside it). Each target says how to measure it from one run's tidy results
table (:func:`measure_run`), always in 2025 (months 0-11), so runs need
``model.horizon_months >= 12``. This module declares the targets and evaluates them; the
measurements are functions in :mod:`study.calibration_measurements`, re-exported here.

The distance of a model to the targets (:func:`distance`) sums squared normalised deviations of
the seed means from the point values, each deviation divided by the distance from the point
value to the band edge on its side (so a value on the edge of its band counts 1), in log space
for ratios. Calibration (``experiments.calibrate``) minimises it; the validation report
(``experiments.validate_report``) lists every target with the model's value and pass/fail.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from study.calibration_measurements import (BLOC_METRICS, HORIZON_MONTHS, LAB_METRICS,
                                            OBSERVED_POSTURES, OPEN_CLOSED_GAP, SURVEY_METRICS,
                                            TARGET_METRICS, US_CHINA_GAP, WORLD_METRICS,
                                            YEAR_2025, annual_revenue, china_compute_share,
                                            closed_open_price_ratio, cn_open_share,
                                            cn_open_share_growth, deepseek_llama_ratio,
                                            enterprise_open_share, largest_lab_growth,
                                            open_closed_gap, posture_agreement, qwen_largest,
                                            qwen_llama_ratio, router_open_share, us_capex_2025,
                                            us_china_gap_change, us_china_gap_mid, world_stock)

#: The targets, their evaluation and (re-exported) the measurements.
__all__ = ["BLOC_METRICS", "HORIZON_MONTHS", "INF", "LAB_METRICS", "OBSERVED_POSTURES",
           "OPEN_CLOSED_GAP", "SURVEY_METRICS", "TARGETS", "TARGETS_BY_NAME", "TARGET_METRICS",
           "US_CHINA_GAP", "WORLD_METRICS", "YEAR_2025", "Target", "annual_revenue",
           "china_compute_share", "closed_open_price_ratio", "cn_open_share",
           "cn_open_share_growth", "deepseek_llama_ratio", "distance", "enterprise_open_share",
           "largest_lab_growth", "measure_run", "measure_runs", "open_closed_gap",
           "posture_agreement", "qwen_largest", "qwen_llama_ratio", "router_open_share",
           "summarise", "us_capex_2025", "us_china_gap_change", "us_china_gap_mid", "world_stock"]


@dataclass(frozen=True)
class Target:
    """An observed pattern the model should reproduce.

    Attributes:
        name: identifier.
        pattern: the pattern in words.
        value: point value the calibration aims at.
        lo: lower end of the tolerance band (may be -inf).
        hi: upper end of the tolerance band (may be inf).
        unit: unit of the measurement.
        source: keys of ``docs/calibration/facts.csv`` the target comes from.
        measure: one run's tidy table -> the measured value.
        log: compare in log space (ratios).
        scale: deviation counted as 1 on a side whose band edge is infinite.
        note: caveats (self-selected samples, counting methods).
    """

    name: str
    pattern: str
    value: float
    lo: float
    hi: float
    unit: str
    source: str
    measure: Callable[[pd.DataFrame], float]
    log: bool = False
    scale: float = 1.0
    note: str = ""

    def passes(self, mean: float) -> bool:
        """True if ``mean`` lies inside the tolerance band."""
        return bool(np.isfinite(mean) and self.lo <= mean <= self.hi)

    def deviation(self, mean: float) -> float:
        """Signed deviation from the point value in units of the band's half-width on that side.

        On the band's edge the deviation is +-1; NaN counts as a large deviation (5).
        """
        if not np.isfinite(mean) or (self.log and mean <= 0):
            return 5.0
        f = math.log if self.log else (lambda v: v)
        v, t = f(mean), f(self.value)
        edge = self.hi if mean >= self.value else self.lo
        width = abs(f(edge) - t) if np.isfinite(edge) and (not self.log or edge > 0) \
            else self.scale
        return (v - t) / max(width, 1e-12)

    def band(self) -> str:
        """The tolerance band as text."""
        def fmt(v: float) -> str:
            return f"{v:.3g}"
        if not np.isfinite(self.lo):
            return f"<= {fmt(self.hi)}"
        if not np.isfinite(self.hi):
            return f">= {fmt(self.lo)}"
        return f"{fmt(self.lo)} .. {fmt(self.hi)}"


INF = float("inf")
TARGETS: list[Target] = [
    Target("open_closed_gap", "Best open model trails the best closed model by ~3.5 months "
           "in 2025", 3.5, 1.1, 5.3, "months (mean 2025-01..10)", "gap.open_closed.2025",
           open_closed_gap, note="Epoch AI 90% CI 1.1-5.3 months"),
    Target("us_china_gap", "Chinese frontier a few months behind the US by mid-2025", 3.0,
           1.0, 7.0, "months (2025-07)", "gap.us_china.artificial_analysis", us_china_gap_mid,
           note="under 3 months (Artificial Analysis, as reported); 3-7 months in the "
                "calibration README"),
    Target("us_china_gap_shrinks", "The US-China gap shrinks during 2025", -1.0, -INF, 0.0,
           "months (2025-12 minus 2025-01)", "gap.us_china.artificial_analysis",
           us_china_gap_change, scale=1.0),
    Target("enterprise_open_share", "Open models hold 11-19% of enterprise workloads in 2025",
           0.13, 0.10, 0.20, "share of enterprises' tokens (2025-11..12)",
           "adoption.enterprise.open_share", enterprise_open_share,
           note="survey of enterprise workloads, 19% falling to 11-13% during 2025; compared "
                "with the enterprise segment's token share"),
    Target("router_open_share", "Open models serve a third of router tokens by late 2025",
           0.33, 0.22, 0.45, "share of startups' and independents' tokens (2025-11..12)",
           "adoption.openrouter.open_share", router_open_share,
           note="router users are mostly startups and independent developers: compared with "
                "those segments' token share"),
    Target("cn_open_share", "Chinese open models ~13% of router tokens on average over 2025",
           0.13, 0.06, 0.25, "share of startups' and independents' tokens (mean 2025-01..11)",
           "adoption.openrouter.chinese_open_share", cn_open_share,
           note="router tokens; weekly peaks near 30%"),
    Target("cn_open_share_growth", "Chinese open models' router share rises steeply through "
           "2025", 2.0, 1.3, INF, "x (2025-11..12 over 2025-01)",
           "adoption.openrouter.chinese_open_share", cn_open_share_growth, log=True,
           scale=math.log(2.0), note="from a few percent at end-2024"),
    Target("qwen_llama_derivatives", "Qwen the largest derivative family by mid-2025, several "
           "times Llama's", 4.2, 2.5, 7.0, "ratio of derivative counts (2025-06)",
           "adoption.hf.qwen_derivatives", qwen_llama_ratio, log=True,
           note="113k vs 27k; counts differ by counting method: ratios only"),
    Target("deepseek_llama_derivatives", "DeepSeek's derivative family a fraction of Llama's",
           0.22, 0.1, 0.5, "ratio of derivative counts (2025-06)",
           "adoption.hf.qwen_derivatives", deepseek_llama_ratio, log=True,
           note="6k vs 27k"),
    Target("qwen_largest_family", "Qwen is the largest derivative family in mid-2025", 1.0,
           0.8, 1.0, "share of seeds (2025-06)", "adoption.hf.qwen_derivatives", qwen_largest),
    Target("closed_open_price_ratio", "Closed frontier APIs priced 10-30x above comparable "
           "open models", 17.3, 10.0, 30.0, "x (median over 2025)", "price.ratio.closed_open",
           closed_open_price_ratio, log=True,
           note="best closed flagship vs best open flagship; R1 vs o1 ~27"),
    Target("china_compute_share", "China holds ~5-15% of AI compute", 0.12, 0.05, 0.15,
           "share of the labs' compute (2025-05)", "compute.share.china",
           china_compute_share, note="Epoch AI: 15% of GPU-cluster performance"),
    Target("china_compute_growth", "Chinese labs scale training compute ~3x a year (vs ~5x "
           "elsewhere)", 3.0, 2.0, 4.5, "x per year (largest Chinese lab, 2025)",
           "compute.growth.china", partial(largest_lab_growth, bloc="CN"), log=True),
    Target("us_compute_growth", "US labs scale training compute ~5x a year", 5.0, 3.5, 7.0,
           "x per year (largest US lab, 2025)", "compute.growth.rest",
           partial(largest_lab_growth, bloc="US"), log=True,
           note="Epoch AI: top non-Chinese models; the largest US lab stands for them"),
    Target("us_capex_2025", "US labs spend ~400 bn USD on AI accelerators in 2025", 410.0,
           250.0, 600.0, "USD bn (2025 total)", "money.hyperscaler_capex", us_capex_2025,
           log=True, note="the modelled US labs stand for the four hyperscalers' AI spending "
                          "(Google and Meta directly, Microsoft through OpenAI, Amazon through "
                          "Anthropic); hyperscaler capex also covers non-AI and third-party "
                          "cloud, so the band is wide"),
    Target("openai_revenue_2025", "OpenAI's revenue reaches ~20 bn USD a year by end-2025", 20.0,
           13.0, 30.0, "USD bn a year (12 x 2025-12)", "money.openai.revenue",
           partial(annual_revenue, lab="openai", month=11), log=True),
    Target("anthropic_revenue_start", "Anthropic's revenue ~1 bn USD a year in early 2025", 1.0,
           0.5, 2.0, "USD bn a year (12 x 2025-01)", "money.anthropic.revenue",
           partial(annual_revenue, lab="anthropic", month=0), log=True),
    Target("anthropic_revenue_end", "Anthropic's revenue ~9 bn USD a year by end-2025", 9.0, 5.0,
           14.0, "USD bn a year (12 x 2025-12)", "money.anthropic.revenue",
           partial(annual_revenue, lab="anthropic", month=11), log=True),
    Target("world_stock_start", "~5 million H100e of AI accelerators installed worldwide in "
           "early 2025", 5e6, 4e6, 7e6, "H100e (2025-01)", "compute.world_stock.nvidia",
           partial(world_stock, month=0), log=True,
           note="4M H100e of NVIDIA compute alone at 2025-02; other makers add about 1M: "
                "assumption"),
    Target("world_stock_end", "~15 million H100e installed worldwide by end-2025", 15e6, 10e6,
           20e6, "H100e (2025-12)", "compute.world_stock.all", partial(world_stock, month=11),
           log=True),
    Target("postures", "Which labs are open by late 2025 (Anthropic closed, DeepSeek, Moonshot, "
           "Zhipu, MiniMax open, Alibaba hybrid, Baidu opened, ...)", 1.0, 0.8, 1.0,
           "share of labs in an observed posture (2025-12)", "lab.*.posture",
           posture_agreement),
]
TARGETS_BY_NAME = {t.name: t for t in TARGETS}


def measure_run(df: pd.DataFrame, targets: Sequence[Target] = TARGETS) -> dict[str, float]:
    """Every target's measurement from one run's tidy table (needs months 0-11)."""
    if len(df) and df.month.max() < HORIZON_MONTHS - 1:
        raise ValueError(f"targets need months 0-{HORIZON_MONTHS - 1} (a run of at least "
                         f"{HORIZON_MONTHS} months); got {df.month.max() + 1}")
    df = df[df.month < HORIZON_MONTHS]
    return {t.name: t.measure(df) for t in targets}


def measure_runs(df: pd.DataFrame, targets: Sequence[Target] = TARGETS,
                 by: Sequence[str] = ("run_id", "seed")) -> pd.DataFrame:
    """Measurements of every run in a (collected) table: one row per run, a column per target."""
    rows = []
    for key, run in df.groupby(list(by), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(by, key, strict=True)), **measure_run(run, targets)})
    return pd.DataFrame(rows)


def summarise(values: pd.DataFrame, targets: Sequence[Target] = TARGETS) -> pd.DataFrame:
    """Per target: band, the mean across runs with its spread (sd, 5-95%), deviation, pass."""
    rows = []
    for t in targets:
        v = values[t.name].astype(float)
        ok = v.dropna()
        mean = float(ok.mean()) if len(ok) else float("nan")
        rows.append({"target": t.name, "pattern": t.pattern, "value": t.value, "lo": t.lo,
                     "hi": t.hi, "band": t.band(), "unit": t.unit, "source": t.source,
                     "n": len(ok), "mean": mean,
                     "sd": float(ok.std(ddof=1)) if len(ok) > 1 else float("nan"),
                     "p5": float(ok.quantile(0.05)) if len(ok) else float("nan"),
                     "p95": float(ok.quantile(0.95)) if len(ok) else float("nan"),
                     "deviation": t.deviation(mean), "pass": t.passes(mean)})
    return pd.DataFrame(rows)


def distance(summary: pd.DataFrame, cap: float = 25.0) -> float:
    """Calibration loss: mean of the squared deviations (each capped at ``cap``)."""
    d = np.minimum(summary["deviation"].to_numpy(dtype=float) ** 2, cap)
    return float(d.mean())
