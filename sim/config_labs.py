"""Parameters of the labs: each lab's traits, how labs choose postures, how they finance chips.

:class:`LabConfig` is one lab of the roster (``labs.<name>``, defaults in :mod:`sim.roster`);
:class:`LabBehaviourConfig` holds the posture choice's payoff weights (``lab_behaviour``, read by
:mod:`sim.agents.lab` and :mod:`sim.foresight`); :class:`FinanceConfig` how budgets become
accelerator purchases (``finance``, read by :mod:`sim.finance`). Units and conventions as in
:mod:`sim.config`, which assembles them into :class:`~sim.config.SimConfig` and re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List

from sim.enums import Bloc, Financing, Posture, Region
from sim.params import param


@dataclass
class LabConfig:
    """One lab: its home bloc, initial state (2025-01) and strategic traits."""

    bloc: Bloc = param(Bloc.US, source="calibration lab.* rows (headquarters)")
    posture: Posture = param(Posture.closed, source="calibration lab.*.posture rows (2025-01)")
    compute_h100e: float = param(1e5, lo=0.0, hi=1e8, unit="H100e of accelerators at 2025-01 "
                                 "(bound: ~100x the largest 2025 fleet)",
                                 source="assumption scaled to compute.share.* and "
                                        "compute.world_stock.* rows")
    lag_months: float = param(6.0, lo=0.0, hi=60.0, unit="months behind the frontier in 2025-01",
                              source="assumption informed by gap.* rows")
    openness_bias: float = param(0.0, lo=-5.0, hi=5.0, unit="normalised payoff per unit openness",
                                 source="assumption: strategic/ideological taste for openness")
    cloud_capture: float = param(
        0.2, lo=0.0, hi=1.0, unit="share of own open-model serving revenue",
        source="assumption: labs with a cloud host more of their open traffic")
    release_interval_months: int = param(6, lo=1, hi=60, unit="months",
                                         source="assumption: flagship cadence 2024-2025")
    release_phase_month: int = param(0, lo=0, hi=59, unit="month of first release decision",
                                     source="assumption")
    research_efficiency: float = param(1.0, lo=0.0, hi=3.0, unit="x shared algorithmic progress",
                                       source="assumption (talent_restrictions lowers it)")
    derivatives: float = param(1000.0, lo=0.0, unit="derivative models on Hugging Face",
                               source="assumption scaled from adoption.hf.qwen_derivatives ratios")
    derivative_propensity: float = param(1.0, lo=0.0, hi=10.0, unit="x derivatives per open user",
                                         source="assumption fitted to adoption.hf.qwen_derivatives")
    cash_usd_bn: float = param(5.0, lo=0.0, unit="USD bn at 2025-01",
                               source="assumption (order of magnitude of reported raises)")
    financing: Financing = param(Financing.outside,
                                 source="ownership: groups fund their labs, funds DeepSeek, "
                                        "investors the independents")
    funding_usd_bn_per_year: float = param(
        1.0, lo=0.0, hi=1000.0, unit="USD bn per year at 2025-01 revenue",
        source="money.* rows where given (roster comments); else assumption")
    funding_revenue_elasticity: float = param(
        1.0, lo=0.0, hi=3.0, unit="d log funding / d log revenue",
        source="assumption: investors price labs at a roughly stable revenue multiple (1); "
               "parents fund from group cash flow (0.5); a fund from its own profits (0)")
    staff_usd_bn_per_year: float = param(0.5, lo=0.0, hi=100.0, unit="USD bn per year (2025)",
                                         source="assumption: headcount x pay, incl. stock")
    closed_api_blocked_regions: List[Region] = param(list, factory=True,
                                                     source="labs' own terms of service")
    open_licence_excluded_regions: List[Region] = param(
        list, factory=True, source="model licences (Tencent-Hunyuan README)")


@dataclass
class LabBehaviourConfig:
    """Parameters of the labs' posture choice: foresight, payoff weights, logit noise.

    Every payoff term is in months of capability (``sim.agents.lab.payoff_terms``).
    """

    temperature: float = param(1.0, lo=0.001, hi=100.0, unit="months of capability",
                               source="assumption: the noise of a lab's judgement")
    inertia: float = param(0.0, lo=0.0, hi=100.0, unit="months of capability",
                           source="assumption: zero by default, so only the payoffs decide")
    political_cost: float = param(1.0, lo=0.0, hi=100.0,
                                  unit="months per unit endorsement x closing x prominence",
                                  source="assumption")
    endorsement_reward: float = param(0.3, lo=0.0, hi=100.0,
                                      unit="months per unit endorsement x openness x prominence",
                                      source="assumption")
    security_cost: float = param(1.0, lo=0.0, hi=100.0,
                                 unit="months per unit open_release_cost x openness at the "
                                      "frontier", source="assumption")
    security_scale_months: float = param(
        12.0, lo=0.1, hi=1e6, unit="months behind the frontier at which the security cost of "
                                   "open weights falls by 1/e",
        source="assumption: risk concerns attach to frontier-level weights")
    money_weight: float = param(1.0, lo=0.0, hi=100.0,
                                unit="months per month of capability money buys",
                                source="assumption")
    planning_months: float = param(12.0, lo=1.0, hi=120.0,
                                   unit="months of a posture's money the lab weighs",
                                   source="assumption: one flagship cycle ahead and back")
    community_weight: float = param(1.0, lo=0.0, hi=100.0,
                                    unit="months per month of capability the community adds "
                                         "to the lab's newest open release",
                                    source="assumption: a month of capability is worth a month")
    reach_value: float = param(5.0, lo=0.0, hi=1000.0,
                               unit="months per unit global share of developers",
                               source="assumption: talent, reputation and standard-setting")
    investor_pressure: float = param(
        0.3, lo=0.0, hi=10.0, unit="x money weight per log of capex over revenue",
        source="assumption: financiers press labs whose investment outgrows their returns "
               "(money.alibaba.ai_capex)")
    foresight_cycles: int = param(3, lo=1, hi=12, unit="release cycles",
                                  source="assumption: labs plan two to three releases ahead")
    trend_smoothing_months: float = param(
        6.0, lo=1.0, hi=120.0, unit="months (exponential smoothing of each lab's capability "
                                    "growth, the trend a lab projects)", source="assumption")
    discount_per_year: float = param(0.6, lo=0.01, hi=1.0, unit="weight of a payoff a year out",
                                     source="assumption: a fast-moving market")
    small_model_gap_months: float = param(6.0, lo=0.0, hi=36.0,
                                          unit="months a small open release trails the lab's "
                                               "capability when released",
                                          source="assumption: Qwen open sizes vs Qwen-Max "
                                                 "(lab.alibaba)")


@dataclass
class FinanceConfig:
    """How labs turn cash into purchases (``sim.finance``)."""

    spend_share_per_month: float = param(
        0.25, lo=0.0, hi=1.0, unit="share of spendable cash committed to accelerators a month",
        source="assumption: build-outs are committed within about a quarter")
    reserve_months: float = param(6.0, lo=0.0, hi=60.0,
                                  unit="months of running costs kept as a reserve",
                                  source="assumption")
    smoothing_months: float = param(3.0, lo=1.0, hi=36.0,
                                    unit="months (exponential smoothing of revenue and of "
                                         "chip deliveries)",
                                    source="assumption: investors read a run-rate")
    reach_funding_weight: float = param(
        1.0, lo=0.0, hi=10.0, unit="x the market's revenue per developer that financiers "
                                   "value a developer at",
        source="assumption: 2025 rounds for labs with little revenue (Moonshot, MiniMax, "
               "Zhipu, Mistral) priced user growth; 1 values a developer at what the average "
               "developer pays")
    staff_growth_per_year: float = param(1.3, lo=1.0, hi=5.0, unit="x per year",
                                         source="assumption")
