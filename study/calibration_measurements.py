"""How each calibration target is measured from one run's tidy results table.

Each measurement takes one run's table and returns one number, always read in 2025 (months 0-11,
:data:`YEAR_2025`), so runs need ``model.horizon_months >= 12`` (:data:`HORIZON_MONTHS`). The
targets that use them, with their point values and tolerance bands, are declared in
:mod:`study.calibration_targets`, which re-exports every public name here.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from study.outcomes import CATALOGUE, Outcome
from study.tables import series

#: Months of the results table that are 2025 (month 0 = 2025-01).
YEAR_2025 = list(range(12))
#: Headline outcomes the measurements read (from the catalogue :mod:`study.outcomes`).
OPEN_CLOSED_GAP, US_CHINA_GAP = (CATALOGUE[name] for name in ("open_closed_gap", "us_china_gap"))
#: Per-lab metrics the measurements read.
LAB_METRICS = ["derivatives", "lab_price_usd_per_mtok", "lab_capability", "lab_openness",
               "lab_compute_h100e", "lab_training_compute_h100e", "lab_revenue_usd_bn"]
#: Per-bloc and world metrics the measurements read.
BLOC_METRICS = ["bloc_capex_usd_bn"]
WORLD_METRICS = ["world_accelerator_stock_h100e"]
#: Token shares of the populations the surveys and router data measure (like with like).
SURVEY_METRICS = [CATALOGUE[name].metric for name in ("enterprise_open_share",
                                                      "router_open_share",
                                                      "router_cn_open_share")]
#: Metrics the measurements read.
TARGET_METRICS = [o.metric for o in (OPEN_CLOSED_GAP, US_CHINA_GAP)] \
    + LAB_METRICS + BLOC_METRICS + WORLD_METRICS + SURVEY_METRICS
#: Horizon a run needs for every target to be measurable.
HORIZON_MONTHS = 12

#: Postures observed by late 2025 (allowed set per lab; calibration lab.<name>.posture rows).
OBSERVED_POSTURES: dict[str, tuple[str, ...]] = {
    "openai": ("closed", "hybrid"),    # closed frontier; gpt-oss open weights 2025-08
    "google": ("hybrid",),             # Gemini closed, Gemma open
    "anthropic": ("closed",),          # no open weights
    "meta": ("open", "hybrid"),        # Llama 4 open; next flagship reportedly closed
    "xai": ("closed", "hybrid"),       # frontier closed; older Grok weights released
    "mistral": ("hybrid", "open"),     # mixed; Mistral 3 Apache-2.0
    "deepseek": ("open",),             # MIT
    "alibaba": ("hybrid",),            # Qwen open, Max API-only
    "baidu": ("open", "hybrid"),       # ERNIE 4.5 open since 2025-06-30 (closed before)
    "tencent": ("open",),              # Hunyuan, restrictive licence
    "moonshot": ("open",),             # Kimi K2 2025-07
    "minimax": ("open",),              # MiniMax-M1
    "zhipu": ("open",),                # GLM-4.5
}
_OPENNESS = {"closed": 0.0, "hybrid": 0.5, "open": 1.0}


def _by_month(df: pd.DataFrame, metric: str, **dims: str) -> pd.Series:
    """Mean of ``metric`` by month; dimensions not in ``dims`` must be empty."""
    sel = series(df, metric, **{"region": "", "bloc": "", "lab": "", **dims})
    return sel.groupby("month")["value"].mean()


def _series(df: pd.DataFrame, o: Outcome) -> pd.Series:
    return _by_month(df, o.metric, region=o.region, bloc=o.bloc, lab=o.lab)


def _mean_at(df: pd.DataFrame, o: Outcome, months: Sequence[int]) -> float:
    s = _series(df, o)
    s = s[s.index.isin(list(months))]
    return float(s.mean()) if len(s) else float("nan")


def _labs_at(df: pd.DataFrame, metric: str, month: int) -> pd.Series:
    sel = df[(df.metric == metric) & (df.month == month) & (df["lab"] != "")]
    return sel.groupby("lab")["value"].mean()


def open_closed_gap(df: pd.DataFrame) -> float:
    """Mean open-closed capability gap, 2025-01..2025-10 (months)."""
    return _mean_at(df, OPEN_CLOSED_GAP, range(10))


def us_china_gap_mid(df: pd.DataFrame) -> float:
    """US-China frontier gap in 2025-07 (months)."""
    return _mean_at(df, US_CHINA_GAP, [6])


def us_china_gap_change(df: pd.DataFrame) -> float:
    """Change of the US-China gap over 2025 (2025-12 minus 2025-01, months)."""
    s = _series(df, US_CHINA_GAP)
    return float(s.get(11, np.nan) - s.get(0, np.nan))


def _scalar(df: pd.DataFrame, metric: str) -> pd.Series:
    d = df[df.metric == metric]
    return d.groupby("month").value.mean()


def enterprise_open_share(df: pd.DataFrame) -> float:
    """Enterprises' token share on open-weight models, 2025-11..12."""
    s = _scalar(df, "enterprise_open_token_share")
    return float(s[s.index.isin([10, 11])].mean())


def router_open_share(df: pd.DataFrame) -> float:
    """Startups' and independent developers' token share on open models, 2025-11..12."""
    s = _scalar(df, "router_open_token_share")
    return float(s[s.index.isin([10, 11])].mean())


def cn_open_share(df: pd.DataFrame) -> float:
    """Router population's token share on Chinese open models, mean of 2025-01..2025-11."""
    s = _scalar(df, "router_cn_open_token_share")
    return float(s[s.index.isin(range(11))].mean())


def cn_open_share_growth(df: pd.DataFrame) -> float:
    """Growth of that Chinese open token share over 2025: 2025-11..12 over 2025-01 (x)."""
    s = _scalar(df, "router_cn_open_token_share")
    start = s.get(0, np.nan)
    return float(s[s.index.isin([10, 11])].mean() / start) if start > 0 else float("nan")


def _derivs(df: pd.DataFrame, month: int = 5) -> pd.Series:
    return _labs_at(df, "derivatives", month)


def qwen_llama_ratio(df: pd.DataFrame) -> float:
    """Qwen (alibaba) over Llama (meta) derivative count in 2025-06."""
    d = _derivs(df)
    return float(d.get("alibaba", np.nan) / d.get("meta", np.nan)) if d.get("meta", 0) > 0 \
        else float("nan")


def deepseek_llama_ratio(df: pd.DataFrame) -> float:
    """DeepSeek over Llama (meta) derivative count in 2025-06."""
    d = _derivs(df)
    return float(d.get("deepseek", np.nan) / d.get("meta", np.nan)) if d.get("meta", 0) > 0 \
        else float("nan")


def qwen_largest(df: pd.DataFrame) -> float:
    """1 if Qwen (alibaba) is the largest derivative family in 2025-06, else 0."""
    d = _derivs(df)
    return float(len(d) > 0 and d.idxmax() == "alibaba")


def closed_open_price_ratio(df: pd.DataFrame) -> float:
    """Median over 2025 of the best closed flagship's price over the best open flagship's."""
    sel = df[df.metric.isin(["lab_price_usd_per_mtok", "lab_capability", "lab_openness"])
             & df.month.isin(YEAR_2025)]
    wide = sel.pivot_table(index=["month", "lab"], columns="metric", values="value")
    ratios = []
    for _, m in wide.groupby(level="month"):
        closed = m[m["lab_openness"] < 1.0]
        opened = m[m["lab_openness"] >= 1.0]
        if len(closed) and len(opened):
            best_c = closed["lab_capability"].idxmax()
            best_o = opened["lab_capability"].idxmax()
            ratios.append(closed.loc[best_c, "lab_price_usd_per_mtok"]
                          / opened.loc[best_o, "lab_price_usd_per_mtok"])
    return float(np.median(ratios)) if ratios else float("nan")


def _bloc_of(df: pd.DataFrame) -> dict[str, str]:
    from sim.roster import LAB_TABLE
    return {name: row[0].value for name, row in LAB_TABLE.items()}


def china_compute_share(df: pd.DataFrame) -> float:
    """Chinese labs' share of the modelled labs' compute in 2025-05."""
    c = _labs_at(df, "lab_compute_h100e", 4)
    bloc = _bloc_of(df)
    cn = sum(v for lab, v in c.items() if bloc.get(lab) == "CN")
    return float(cn / c.sum()) if c.sum() > 0 else float("nan")


def largest_lab_growth(df: pd.DataFrame, bloc: str) -> float:
    """Yearly growth over 2025 of the training compute of the bloc's largest lab (x per year).

    The largest of the bloc's labs in 2025-12 over the largest in 2025-01 (which may be another
    lab), raised to 12/11 for a year's growth.
    """
    blocs = _bloc_of(df)
    start, end = (_labs_at(df, "lab_training_compute_h100e", m) for m in (0, 11))
    labs = [lab for lab in start.index if blocs.get(lab) == bloc]
    a, b = start[labs].max(), end.reindex(labs).max()
    return float((b / a) ** (12 / 11)) if labs and a > 0 else float("nan")


def _at(df: pd.DataFrame, metric: str, months: Sequence[int], **dims: str) -> pd.Series:
    """Values of ``metric`` by month in ``months``; dimensions not in ``dims`` must be empty."""
    s = _by_month(df, metric, **dims)
    return s[s.index.isin(list(months))]


def us_capex_2025(df: pd.DataFrame) -> float:
    """US labs' spending on accelerators, sum of 2025-01..12 (USD bn; NaN if a month lacks)."""
    s = _at(df, "bloc_capex_usd_bn", YEAR_2025, bloc="US")
    return float(s.sum()) if len(s) == len(YEAR_2025) else float("nan")


def annual_revenue(df: pd.DataFrame, lab: str, month: int) -> float:
    """A lab's revenue in ``month``, annualised: 12 x the month's (USD bn a year)."""
    s = _at(df, "lab_revenue_usd_bn", [month], lab=lab)
    return float(12 * s.iloc[0]) if len(s) else float("nan")


def world_stock(df: pd.DataFrame, month: int) -> float:
    """Installed world stock of AI accelerators in ``month`` (H100e)."""
    s = _at(df, "world_accelerator_stock_h100e", [month])
    return float(s.iloc[0]) if len(s) else float("nan")


def posture_agreement(df: pd.DataFrame) -> float:
    """Share of labs whose posture in 2025-12 is one observed for them by late 2025."""
    o = _labs_at(df, "lab_openness", 11)
    hits = [any(np.isclose(o[lab], _OPENNESS[p]) for p in allowed)
            for lab, allowed in OBSERVED_POSTURES.items() if lab in o.index]
    return float(np.mean(hits)) if hits else float("nan")
