"""Default roster: the labs and governments of 2025-01, with their sources.

Figures come from the calibration table copied into ``docs/calibration/facts.csv`` (keys named in
the comments). Where a number is not in the table it is labelled ``assumption``. Compute is in
H100 equivalents and scaled so that the US labs hold ~80% and the Chinese labs ~15% of the
modelled total (compute.share.us = 75%, compute.share.china = 15%, Epoch AI 2025-05); the split
between labs within a bloc is an assumption. ``lag_months`` is the capability lag behind the
2025-01 frontier: DeepSeek-R1 (2025-01) matched o1 (2024-09), so ~4 months
(gap.us_china.artificial_analysis: under 3 months by 2025-07; gap.open_closed.2025: 3.5 months);
the other lags are assumptions ordered by public leaderboards.
"""

from __future__ import annotations

from typing import Any, Callable

from sim.enums import Bloc, Posture, Region

US, CN, EU = Bloc.US, Bloc.CN, Bloc.EU
OPEN, HYBRID, CLOSED = Posture.open, Posture.hybrid, Posture.closed

# name: (bloc, posture 2025-01, compute_h100e, lag_months, openness_bias, cloud_capture,
#        release_phase_month, derivatives 2025-01, cash_usd_bn, derivative_propensity)
# posture: calibration lab.<name>.posture; the rest: assumption unless said.
# derivative_propensity: how readily the community fine-tunes the family (many small sizes ->
# high, as Qwen; giant MoE only -> low, as DeepSeek); fitted to adoption.hf.qwen_derivatives
# (Qwen 113k : Llama 27k : DeepSeek 6k by mid-2025).
LAB_TABLE: dict[str, tuple] = {
    # closed frontier; gpt-oss (2025-08) is the us_open_weight_push scenario
    "openai": (US, CLOSED, 4.0e5, 0.0, -0.3, 0.1, 3, 500, 10.0, 1.0),
    # Gemini closed, Gemma open -> hybrid (lab.google.posture)
    "google": (US, HYBRID, 6.0e5, 1.0, -0.5, 0.5, 1, 10_000, 50.0, 1.0),
    # closed; safety stance against open frontier weights (lab.anthropic.posture)
    "anthropic": (US, CLOSED, 2.5e5, 1.0, -3.0, 0.0, 4, 0, 5.0, 1.0),
    # Llama open (lab.meta.posture); Llama ~27k derivatives mid-2025 (adoption.hf.qwen_derivatives)
    "meta": (US, OPEN, 6.0e5, 6.0, 0.6, 0.0, 2, 25_000, 40.0, 1.0),
    # frontier closed, older Grok weights released (lab.xai.posture)
    "xai": (US, CLOSED, 2.0e5, 3.0, -0.8, 0.0, 5, 200, 6.0, 0.5),
    # EU, mixed open and closed (lab.mistral.posture)
    "mistral": (EU, HYBRID, 2.0e4, 9.0, 0.0, 0.3, 0, 10_000, 1.0, 1.0),
    # open, MIT (lab.deepseek.posture); R1 ~ o1 four months later; ~6k derivatives mid-2025
    "deepseek": (CN, OPEN, 5.0e4, 4.0, 1.5, 0.2, 0, 3_000, 1.0, 0.15),
    # hybrid: Qwen open, Max API-only (lab.alibaba.posture); Qwen 113k derivatives mid-2025
    "alibaba": (CN, HYBRID, 1.5e5, 6.0, -0.3, 0.6, 3, 40_000, 20.0, 3.0),
    # closed until ERNIE 4.5 opened 2025-06-30 (lab.baidu.posture)
    "baidu": (CN, CLOSED, 6.0e4, 8.0, 0.0, 0.5, 5, 200, 5.0, 0.5),
    # open with a restrictive licence excluding the EU (lab.tencent.posture)
    "tencent": (CN, OPEN, 8.0e4, 9.0, 0.3, 0.5, 2, 1_000, 15.0, 0.5),
    # Kimi closed in 2025-01, Kimi K2 open 2025-07 (lab.moonshot.posture)
    "moonshot": (CN, CLOSED, 2.0e4, 7.0, 0.5, 0.1, 1, 200, 1.5, 0.3),
    # open: MiniMax-01/M1 (lab.minimax.posture)
    "minimax": (CN, OPEN, 1.5e4, 8.0, 0.5, 0.1, 4, 500, 0.8, 0.3),
    # open: GLM (lab.zhipu.posture)
    "zhipu": (CN, OPEN, 2.0e4, 9.0, 0.8, 0.2, 2, 2_000, 1.0, 0.8),
}

# US closed APIs are not offered in China (providers' terms of service since 2024).
CLOSED_API_BLOCKED = {"openai": [Region.CN], "anthropic": [Region.CN], "google": [Region.CN],
                      "xai": [Region.CN]}
# Hunyuan's licence excludes the EU, UK and South Korea (lab.tencent.posture).
OPEN_LICENCE_EXCLUDED = {"tencent": [Region.EU]}


def default_labs(cls: Callable[..., Any]) -> dict[str, Any]:
    """Build the default lab dict with ``cls`` (``LabConfig``) from :data:`LAB_TABLE`."""
    labs = {}
    for name, row in LAB_TABLE.items():
        bloc, posture, compute, lag, bias, cloud, phase, derivs, cash, propensity = row
        labs[name] = cls(bloc=bloc, posture=posture, compute_h100e=compute, lag_months=lag,
                         openness_bias=bias, cloud_capture=cloud, release_phase_month=phase,
                         derivatives=float(derivs), cash_usd_bn=cash,
                         derivative_propensity=propensity,
                         closed_api_blocked_regions=list(CLOSED_API_BLOCKED.get(name, [])),
                         open_licence_excluded_regions=list(OPEN_LICENCE_EXCLUDED.get(name, [])))
    return labs


def default_governments(cls: Callable[..., Any]) -> dict[str, Any]:
    """Build the four governments' levers as of early 2025 with ``cls`` (``GovernmentConfig``)."""
    return {
        # controls.2022-10-07 .. controls.2024-12-02 in force; H20 still sold (leakage):
        # denied share and leakage are assumptions giving China ~3x/yr compute growth
        # (compute.growth.china).
        "US": cls(export_controls=0.7, control_leakage=0.3, controls_target=[Bloc.CN],
                  open_endorsement=0.2, open_release_cost=0.1),
        # Interim Measures (policy.cn.genai_measures): compliance cost; endorsement of open
        # source in official plans (policy.cn.ai_plus); levels are assumptions.
        "CN": cls(open_endorsement=0.5, content_rules_cost=0.1),
        # EU AI Act GPAI obligations (compliance), modest pre-InvestAI funding: assumptions.
        "EU": cls(open_endorsement=0.3, open_subsidy_usd_bn_per_year=0.3, content_rules_cost=0.05),
        "ROW": cls(),
    }


def default_affinity() -> dict[str, dict[str, float]]:
    """Developers' trust/affinity (utility) for each bloc's models, by region (assumption)."""
    return {
        "US": {"US": 0.0, "CN": -1.5, "EU": -0.3},
        "CN": {"US": -0.8, "CN": 0.0, "EU": -0.8},
        "EU": {"US": 0.0, "CN": -1.2, "EU": 0.4},
        "ROW": {"US": 0.0, "CN": -0.4, "EU": -0.3},
    }
