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

from sim.enums import Bloc, Financing, Posture, Region

US, CN, EU = Bloc.US, Bloc.CN, Bloc.EU
OPEN, HYBRID, CLOSED = Posture.open, Posture.hybrid, Posture.closed

# name: (bloc, posture 2025-01, compute_h100e, lag_months, openness_bias, cloud_capture,
#        release_phase_month, derivatives 2025-01, derivative_propensity)
# posture: calibration lab.<name>.posture; the rest: assumption unless said.
# compute_h100e: accelerators the lab can use at 2025-01 (its own and its parent's or partners'
# fleets for it), scaled so that the modelled labs hold ~77% of the world stock of ~5e6 H100e
# (compute.world_stock.nvidia) with the US ~85% and China ~13% of the labs' total
# (compute.share.us / compute.share.china); xAI's Colossus had 200k chips (compute.largest_cluster);
# Meta said ~600k H100e by end-2024 (public statement, as reported); the rest: assumption.
# derivative_propensity: how readily the community fine-tunes the family (many small sizes ->
# high, as Qwen; giant MoE only -> low, as DeepSeek); fitted to adoption.hf.qwen_derivatives
# (Qwen 113k : Llama 27k : DeepSeek 6k by mid-2025).
LAB_TABLE: dict[str, tuple] = {
    # closed frontier; gpt-oss (2025-08) is the us_open_weight_push scenario
    "openai": (US, CLOSED, 8.0e5, 0.0, -0.3, 0.1, 3, 500, 1.0),
    # Gemini closed, Gemma open -> hybrid (lab.google.posture)
    "google": (US, HYBRID, 1.2e6, 1.0, -0.5, 0.5, 1, 10_000, 1.0),
    # closed; safety stance against open frontier weights (lab.anthropic.posture)
    "anthropic": (US, CLOSED, 4.0e5, 1.0, -3.0, 0.0, 4, 0, 1.0),
    # Llama open (lab.meta.posture); Llama ~27k derivatives mid-2025 (adoption.hf.qwen_derivatives)
    "meta": (US, OPEN, 6.0e5, 6.0, 0.6, 0.0, 2, 25_000, 1.0),
    # frontier closed, older Grok weights released (lab.xai.posture)
    "xai": (US, CLOSED, 2.0e5, 3.0, -0.8, 0.0, 5, 200, 0.5),
    # EU, mixed open and closed (lab.mistral.posture)
    "mistral": (EU, HYBRID, 3.0e4, 9.0, 0.0, 0.3, 0, 10_000, 1.0),
    # open, MIT (lab.deepseek.posture); R1 ~ o1 four months later; ~6k derivatives mid-2025
    "deepseek": (CN, OPEN, 5.0e4, 4.0, 1.5, 0.2, 0, 3_000, 0.15),
    # hybrid: Qwen open, Max API-only (lab.alibaba.posture); Qwen 113k derivatives mid-2025
    "alibaba": (CN, HYBRID, 1.8e5, 6.0, -0.3, 0.6, 3, 40_000, 3.0),
    # closed until ERNIE 4.5 opened 2025-06-30 (lab.baidu.posture)
    "baidu": (CN, CLOSED, 8.0e4, 8.0, 0.0, 0.5, 5, 200, 0.5),
    # open with a restrictive licence excluding the EU (lab.tencent.posture)
    "tencent": (CN, OPEN, 1.2e5, 9.0, 0.3, 0.5, 2, 1_000, 0.5),
    # Kimi closed in 2025-01, Kimi K2 open 2025-07 (lab.moonshot.posture)
    "moonshot": (CN, CLOSED, 3.0e4, 7.0, 0.5, 0.1, 1, 200, 0.3),
    # open: MiniMax-01/M1 (lab.minimax.posture)
    "minimax": (CN, OPEN, 2.0e4, 8.0, 0.5, 0.1, 4, 500, 0.3),
    # open: GLM (lab.zhipu.posture)
    "zhipu": (CN, OPEN, 3.0e4, 9.0, 0.8, 0.2, 2, 2_000, 0.8),
}

PARENT, OUTSIDE, FUND = Financing.parent, Financing.outside, Financing.fund
#: Elasticity of funding to revenue by kind of financier (assumption, docs/ODD.md: investors
#: value a lab at a roughly stable multiple of its revenue; a parent funds from group cash flow;
#: a fund from its own trading profits).
FUNDING_ELASTICITY = {OUTSIDE: 1.0, PARENT: 0.5, FUND: 0.0}

# name: (financing, funding_usd_bn_per_year at 2025-01 revenue, staff_usd_bn_per_year,
#        cash_usd_bn at 2025-01). Funding: docs/calibration/facts.csv rows where named, else
# assumption; staff and cash: assumption (orders of magnitude of headcount and recent raises).
FINANCE_TABLE: dict[str, tuple] = {
    # SoftBank-led 40e9 round (money.openai.funding_2025) plus partners' build-outs for OpenAI
    # (Microsoft, Oracle): the split is an assumption
    "openai": (OUTSIDE, 80.0, 4.0, 10.0),
    # most of Alphabet's 2025 capex (money.alphabet.capex) serves AI: assumption for the share
    "google": (PARENT, 80.0, 3.0, 10.0),
    # 16.5e9 raised in 2025 (money.anthropic.funding_2025) plus Amazon's and Google's
    # build-outs for it (assumption for the split)
    "anthropic": (OUTSIDE, 40.0, 1.5, 5.0),
    # most of Meta's 2025 capex (money.meta.capex): assumption for the share
    "meta": (PARENT, 65.0, 2.5, 10.0),
    "xai": (OUTSIDE, 20.0, 1.0, 6.0),  # reported 2025 equity and debt raises: assumption
    "mistral": (OUTSIDE, 2.0, 0.3, 1.0),  # 1.7e9 EUR Series C 2025-09 (money.mistral.funding_2025)
    "deepseek": (FUND, 0.5, 0.1, 1.0),  # High-Flyer's own money: assumption
    "alibaba": (PARENT, 17.7, 0.5, 5.0),  # 53e9 USD over 3 years (money.alibaba.ai_capex)
    "baidu": (PARENT, 2.0, 0.3, 2.0),
    "tencent": (PARENT, 10.0, 0.4, 5.0),
    "moonshot": (OUTSIDE, 1.0, 0.1, 1.5),
    "minimax": (OUTSIDE, 0.8, 0.1, 0.8),
    "zhipu": (OUTSIDE, 1.0, 0.15, 1.0),
}

# US closed APIs are not offered in China (providers' terms of service since 2024).
CLOSED_API_BLOCKED = {"openai": [Region.CN], "anthropic": [Region.CN], "google": [Region.CN],
                      "xai": [Region.CN]}
# Hunyuan's licence excludes the EU, UK and South Korea (lab.tencent.posture).
OPEN_LICENCE_EXCLUDED = {"tencent": [Region.EU]}


def default_labs(cls: Callable[..., Any]) -> dict[str, Any]:
    """Build the default lab dict with ``cls`` (``LabConfig``) from the two tables above."""
    labs = {}
    for name, row in LAB_TABLE.items():
        bloc, posture, compute, lag, bias, cloud, phase, derivs, propensity = row
        financing, funding, staff, cash = FINANCE_TABLE[name]
        labs[name] = cls(bloc=bloc, posture=posture, compute_h100e=compute, lag_months=lag,
                         openness_bias=bias, cloud_capture=cloud, release_phase_month=phase,
                         derivatives=float(derivs), cash_usd_bn=cash,
                         derivative_propensity=propensity, financing=financing,
                         funding_usd_bn_per_year=funding,
                         funding_revenue_elasticity=FUNDING_ELASTICITY[financing],
                         staff_usd_bn_per_year=staff,
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
