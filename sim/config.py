"""Typed configuration of the market model (mirrored by Hydra structured configs).

The dataclasses are the single source of truth for every default. Each field is declared with
:func:`sim.params.param`, which records its unit, allowed range and source (or the word
``assumption``). Hydra composes YAML files on top of :class:`SimConfig`, so a misspelt key or a
value of the wrong type fails at load. The classes are plain (not frozen) because Hydra must be
able to merge overrides into them; the model never mutates a config: scheduled events build a new
one with :func:`dataclasses.replace`.

Units: capability is in orders of magnitude (OOM) of effective training compute; gaps are
reported in months of frontier progress (``capability_oom_per_month``); compute in H100
equivalents (H100e); prices in USD per million tokens (Mtok); money in billions of USD.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List

from sim.calibrated import apply as _calibrated
from sim.enums import BanScope, Bloc, EventKind, Financing, Posture, Region
from sim.params import param
from sim.roster import default_affinity, default_governments, default_labs


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
class GovernmentConfig:
    """Policy levers of one region's government (each can change by event or adaptive rule)."""

    export_controls: float = param(0.0, lo=0.0, hi=1.0, unit="share of frontier chips denied",
                                   source="assumption encoding controls.* events")
    control_leakage: float = param(0.0, lo=0.0, hi=1.0, unit="share of denied chips still obtained",
                                   source="assumption: smuggling, licensed downgraded chips (H20)")
    controls_target: List[Bloc] = param(list, factory=True, source="controls.2022-10-07 onwards")
    bans: Dict[str, BanScope] = param(dict, factory=True, keys=[b.value for b in Bloc],
                                      source="policy.us.deepseek_device_bans (bloc -> scope)")
    open_endorsement: float = param(0.0, lo=0.0, hi=1.0, unit="0 none .. 1 national strategy",
                                    source="policy.* rows; level is an assumption")
    open_subsidy_usd_bn_per_year: float = param(0.0, lo=0.0, hi=500.0, unit="USD bn per year",
                                                source="money.eu.investai for the EU scenario")
    open_release_cost: float = param(0.0, lo=0.0, hi=1.0, unit="0 none .. 1 open release barred",
                                     source="assumption: regulatory/security cost of open weights")
    content_rules_cost: float = param(0.0, lo=0.0, hi=1.0, unit="share of API profit",
                                      source="policy.cn.genai_measures; size is an assumption")
    adaptive_controls: bool = param(False, source="scenario lever (adaptive_controls)")
    adaptive_gap_threshold_months: float = param(6.0, lo=0.0, hi=60.0, unit="months",
                                                 source="assumption")
    adaptive_step: float = param(0.1, lo=0.0, hi=1.0, unit="controls per review",
                                 source="assumption")
    adaptive_review_months: int = param(6, lo=1, hi=60, unit="months", source="assumption")


@dataclass
class ModelConfig:
    """Time frame and scale of a run."""

    horizon_months: int = param(72, lo=1, hi=600, unit="months",
                                source="issue: default 2025-01 to 2030-12")
    start_year: int = param(2025, lo=2000, hi=2100, unit="year", source="calibration 2025-01")
    n_developers: int = param(10_000, lo=0, hi=10_000_000, unit="developers",
                              source="assumption: resolution, not a headcount")
    capability_oom_per_month: float = param(0.1, lo=0.001, hi=1.0, unit="OOM per month",
                                            source="compute.growth.rest (5x/yr) + ~3x/yr "
                                                   "algorithmic progress (assumption)")


@dataclass
class SegmentConfig:
    """One kind of developer: its share of developers, usage volume and tastes.

    Tastes are utilities per unit of a channel attribute (vendor support and indemnity,
    customisation, data control; see :class:`MarketConfig` for what each channel provides) and
    a multiplier on the developer-wide price sensitivity. The default segments and their values
    are assumptions informed by the enterprise surveys (adoption.enterprise.open_share: support,
    security and control drive enterprise choices) and the router data
    (adoption.openrouter.open_share: small developers favour cheap open models).
    """

    share: float = param(0.25, lo=0.0, hi=1.0, unit="share of developers",
                         source="assumption")
    tokens_mtok_per_month: float = param(
        50.0, lo=1e-6, hi=1e9, unit="median Mtok per month of one organisation (2025-01)",
        source="assumption: orders of magnitude of API bills by kind of customer")
    tokens_sigma: float = param(1.5, lo=0.0, hi=5.0, unit="lognormal sigma of usage",
                                source="assumption: heavy-tailed usage (a few users run most "
                                       "tokens, adoption.openrouter.open_share)")
    price_sensitivity_rel: float = param(1.0, lo=0.0, hi=10.0,
                                         unit="x developers.price_sensitivity",
                                         source="assumption")
    support_value: float = param(0.0, lo=-10.0, hi=10.0,
                                 unit="utility of full vendor support and indemnity",
                                 source="assumption informed by adoption.enterprise.open_share")
    customisation_value: float = param(0.0, lo=-10.0, hi=10.0,
                                       unit="utility of full customisation (fine-tuning "
                                            "the weights)", source="assumption")
    data_control_value: float = param(0.0, lo=-10.0, hi=10.0,
                                      unit="utility of keeping data in house",
                                      source="assumption")
    public: bool = param(False, source="a government-scope ban reaches this segment "
                                        "(policy.us.deepseek_device_bans)")


def default_segments() -> dict[str, SegmentConfig]:
    """Enterprises, startups, independent developers and the public sector (assumptions)."""
    return {
        "enterprise": SegmentConfig(share=0.25, tokens_mtok_per_month=500.0, tokens_sigma=1.5,
                                    price_sensitivity_rel=0.7, support_value=1.5,
                                    customisation_value=0.3, data_control_value=0.8),
        "startup": SegmentConfig(share=0.35, tokens_mtok_per_month=50.0, tokens_sigma=1.5,
                                 price_sensitivity_rel=1.2, support_value=0.3,
                                 customisation_value=0.5, data_control_value=0.2),
        "independent": SegmentConfig(share=0.35, tokens_mtok_per_month=2.0, tokens_sigma=1.5,
                                     price_sensitivity_rel=1.5, support_value=0.0,
                                     customisation_value=0.8, data_control_value=0.3),
        "public": SegmentConfig(share=0.05, tokens_mtok_per_month=100.0, tokens_sigma=1.0,
                                price_sensitivity_rel=0.8, support_value=1.0,
                                customisation_value=0.2, data_control_value=1.5, public=True),
    }


@dataclass
class DeveloperConfig:
    """Downstream developers' random-utility model choice (multinomial logit)."""

    region_shares: Dict[str, float] = param(
        lambda: {"US": 0.25, "CN": 0.25, "EU": 0.15, "ROW": 0.35}, factory=True,
        source="assumption informed by adoption.hf.downloads_by_country")
    reconsider_per_month: float = param(0.08, lo=0.0, hi=1.0, unit="share per month",
                                        source="assumption: rebuilds every ~1 year")
    capability_weight: float = param(0.25, lo=0.0, hi=10.0, unit="utility per month of capability",
                                     source="assumption fitted to adoption.* shares")
    price_sensitivity: float = param(0.45, lo=0.0, hi=10.0, unit="utility per log USD/Mtok",
                                     source="assumption; adoption.openrouter.price_elasticity "
                                            "says demand is inelastic")
    price_sensitivity_sd: float = param(0.6, lo=0.0, hi=5.0, unit="lognormal sigma",
                                        source="assumption")
    open_taste_sd: float = param(1.0, lo=0.0, hi=10.0,
                                 unit="utility (sd of a zero-mean taste for open weights)",
                                 source="assumption: developers differ; the mean is zero, so "
                                        "the taste favours neither kind of model")
    network_effect: float = param(0.4, lo=0.0, hi=5.0, unit="utility per log family share",
                                  source="assumption")
    ecosystem_weight: float = param(0.25, lo=0.0, hi=5.0, source="assumption",
                                    unit="utility per log(1 + derivatives/10k)")
    ecosystem_fade_months: float = param(
        12.0, lo=0.1, hi=1e6, unit="months for a release's derivative ecosystem to fade by 1/e",
        source="assumption: fine-tunes move to the next release within about a year")
    switching_cost: float = param(1.5, lo=0.0, hi=20.0, unit="utility", source="assumption")
    within_family_switch: float = param(0.3, lo=0.0, hi=1.0,
                                        unit="share of switching cost within a lab's family",
                                        source="assumption")
    segments: Dict[str, SegmentConfig] = param(default_segments, factory=True,
                                               source="assumption (see SegmentConfig)")
    affinity: Dict[str, Dict[str, float]] = param(default_affinity, factory=True,
                                                  unit="utility (region -> bloc)",
                                                  source="assumption: trust and language")
    derivatives_per_month: float = param(6e4, lo=0.0, unit="derivatives/month if all on one family",
                                         source="assumption fitted to adoption.hf.qwen_derivatives")


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
class CapabilityConfig:
    """Capability dynamics: algorithmic progress, open spillovers, imitation, community gains."""

    algorithmic_oom_per_month: float = param(0.04, lo=0.0, hi=1.0, unit="OOM per month",
                                             source="assumption: ~3x/yr algorithmic efficiency")
    open_spillover_oom_per_month: float = param(0.015, lo=0.0, hi=1.0,
                                                unit="OOM per month at all labs open",
                                                source="assumption")
    absorptive_half_ratio: float = param(
        0.1, lo=1e-6, hi=100.0, unit="imitator's / source's training compute at half speed",
        source="assumption: distilling or reproducing a model takes a fraction of its "
               "training compute (compute.minimax_m1.rl_cost, compute.deepseek_v3.cost)")
    blocked_api_access: float = param(0.5, lo=0.0, hi=1.0,
                                      unit="imitation speed of a closed model whose API is "
                                           "not offered in the imitator's home region",
                                      source="assumption: papers and proxies still leak")
    imitation_open_per_month: float = param(0.08, lo=0.0, hi=1.0, unit="share of gap to best open",
                                            source="assumption: fine-tune/distil open weights")
    imitation_closed_per_month: float = param(0.05, lo=0.0, hi=1.0,
                                              unit="share of gap to frontier",
                                              source="assumption: papers, distillation of APIs")
    community_compute_share: float = param(
        0.05, lo=0.0, hi=1.0, unit="share of the accelerators outside the modelled labs that "
                                   "fine-tune, distil, port and serve-optimise open models",
        source="assumption: universities, clouds and companies outside the labs")
    community_home_share: float = param(
        0.5, lo=0.0, hi=1.0, unit="share of the community improving a lab's open models that "
                                  "works in the lab's home bloc (subject to its chip controls)",
        source="assumption informed by adoption.hf.downloads_by_country (Chinese users are a "
               "large share of Chinese models' downloads)")
    community_max_months: float = param(
        3.0, lo=0.0, hi=24.0, unit="months of frontier progress the open community can add to "
                                   "a release at most (half when its compute on the family "
                                   "equals the lab's)",
        source="assumption: fine-tunes, RL and ports improve a release by weeks to a few months "
               "of progress (compute.minimax_m1.rl_cost: targeted post-training is cheap)")


@dataclass
class ChipsConfig:
    """World accelerator supply, prices, export controls' reach and domestic substitutes.

    Labs buy accelerators out of their budgets (``sim.finance``); the world's output is an input
    (``compute.world_stock.*`` rows), of which the modelled labs may buy a share; a controlled
    bloc obtains only part of what it orders and fills the rest with domestic accelerators of
    limited output (``sim.chips``).
    """

    world_stock_h100e: float = param(5e6, lo=0.0, hi=1e10, unit="H100e installed at 2025-01",
                                     source="compute.world_stock.nvidia (4e6 NVIDIA at 2025-02) "
                                            "+ ~1e6 other makers (assumption)")
    world_output_h100e_per_month: float = param(
        6e5, lo=0.0, hi=1e9, unit="H100e produced per month at 2025-01",
        source="derived: compute.world_stock.all (15e6 at 2025-12) minus the 2025-01 stock, "
               "net of depreciation, with 2.3x/yr growth")
    world_output_growth_per_year: float = param(2.3, lo=1.0, hi=10.0, unit="x per year (2025)",
                                                source="compute.world_stock.nvidia (stock grew "
                                                       "~2.3x per year since 2019)")
    world_output_growth_halflife_months: float = param(
        36.0, lo=1.0, hi=1e6, unit="months for the log growth rate to halve",
        source="assumption: power, packaging and fab limits slow the growth of output")
    labs_share_of_world_output: float = param(
        0.75, lo=0.0, hi=1.0, unit="share of world output the modelled labs may buy",
        source="assumption: the rest goes to other clouds, enterprises, governments and the "
               "hosts of open models")
    depreciation_per_year: float = param(0.2, lo=0.0, hi=1.0, unit="share of a fleet retired "
                                         "per year", source="assumption: ~5-year useful life "
                                                            "(hyperscaler accounting)")
    compute_growth_per_year: float = param(5.0, lo=1.0, hi=20.0,
                                           unit="x per year a lab wants its fleet to grow",
                                           source="compute.growth.rest (Epoch AI): labs' "
                                                  "ambition; budgets and supply decide")
    usd_per_h100e: float = param(3.5e4, lo=1.0, unit="USD per H100e of frontier accelerators "
                                 "(2025-01)", source="compute.largest_cluster (xAI Colossus: "
                                                     "~7e9 USD of hardware for 200k chips)")
    price_decline_per_year: float = param(1.26, lo=1.0, hi=10.0,
                                          unit="x cheaper per H100e per year",
                                          source="compute.supercomputer_trends (performance "
                                                 "doubles in 9 months, cost in 12)")
    domestic_usd_per_h100e: float = param(
        5.5e4, lo=1.0, unit="USD per H100e of domestic accelerators (2025-01)",
        source="assumption: Ascend 910C priced like an H100-class chip at ~0.6 of its "
               "performance (chips.ascend910c.rel_h100)")
    domestic_bloc: Bloc = param(Bloc.CN, source="chips.ascend.production (Huawei Ascend)")
    domestic_chips_per_year: float = param(2e5, lo=0.0, unit="chips per year (2025)",
                                           source="chips.ascend.production")
    domestic_supply_growth_per_year: float = param(1.8, lo=1.0, hi=10.0, unit="x per year",
                                                   source="assumption")
    domestic_perf_rel_h100: float = param(0.6, lo=0.0, hi=2.0, unit="H100e per chip",
                                          source="chips.ascend910c.rel_h100")
    domestic_share_to_labs: float = param(0.5, lo=0.0, hi=1.0, unit="share of domestic output",
                                          source="assumption")
    opex_usd_per_h100e_month: float = param(
        250.0, lo=0.0, unit="USD per H100e-month (power, cooling, operations)",
        source="assumption: ~1 kW per H100e all-in at ~0.1 USD/kWh plus operations, ~0.35 USD "
               "per GPU-hour; hardware is booked as capex")
    rental_usd_per_h100e_month: float = param(
        1460.0, lo=0.0, unit="USD per H100e-month rented (2025-01)",
        source="compute.deepseek_v3.cost (2 USD per GPU-hour); falls like the purchase price")
    max_serving_share: float = param(0.5, lo=0.0, hi=1.0,
                                     unit="share of a fleet a lab lets inference take",
                                     source="assumption: labs reserve training capacity and "
                                            "rent the rest of their serving")


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


@dataclass
class MarketConfig:
    """Prices and demand."""

    hosting_usd_per_mtok: float = param(0.8, lo=0.0, unit="USD per Mtok at the 2025-01 frontier",
                                        source="price.deepseek.v3 blended, scaled to frontier")
    cost_decline_per_year: float = param(10.0, lo=1.0, hi=1000.0,
                                         unit="x cheaper per year at fixed capability",
                                         source="price.decline.llmflation (Epoch: 9-900)")
    cost_capability_elasticity: float = param(0.58, lo=0.0, hi=5.0, unit="log10 cost per OOM",
                                              source="assumption: frontier price halves yearly")
    premium_floor: float = param(3.0, lo=0.0, hi=100.0, unit="markup at parity",
                                 source="assumption: brand, support, indemnity")
    premium_max: float = param(30.0, lo=0.0, hi=1000.0, unit="markup at a large lead",
                               source="price.ratio.closed_open (10-30)")
    premium_gap_scale_months: float = param(4.0, lo=0.01, hi=120.0, unit="months",
                                            source="assumption")
    host_margin: float = param(0.3, lo=0.0, hi=10.0,
                               unit="third-party hosts' markup on serving cost of open weights",
                               source="assumption: competing hosts price near cost "
                                      "(price.deepseek.v3 vs routers' listings)")
    hosted_support: float = param(0.3, lo=0.0, hi=1.0,
                                  unit="share of vendor support a third-party host gives",
                                  source="assumption: an SLA but no model indemnity")
    hosted_customisation: float = param(0.5, lo=0.0, hi=1.0,
                                        unit="share of full customisation a host's fine-tuning "
                                             "service gives", source="assumption")
    api_customisation: float = param(0.2, lo=0.0, hi=1.0,
                                     unit="share of full customisation a closed API's "
                                          "fine-tuning gives", source="assumption")
    selfhost_fixed_usd_per_month: float = param(
        1.5e4, lo=0.0, hi=1e9, unit="USD per month to self-host a model (2025-01)",
        source="compute.deepseek_v3.cost (an 8-GPU node at 2 USD per GPU-hour is ~1.2e4 USD a "
               "month) plus engineering time (assumption); falls like chip prices")
    selfhost_cost_ratio: float = param(1.0, lo=0.0, hi=10.0,
                                       unit="self-hosted variable cost / hosts' cost per Mtok",
                                       source="assumption")
    token_demand_mtok_per_month: float = param(2e8, lo=0.0, unit="Mtok per month (2025-01)",
                                               source="assumption scaled to money.openai.revenue")
    demand_growth_per_year: float = param(4.0, lo=1.0, hi=100.0, unit="x per year (2025)",
                                          source="assumption")
    demand_growth_halflife_months: float = param(
        48.0, lo=1.0, hi=1e6, unit="months for the log growth rate of token demand to halve",
        source="assumption: adoption saturates; 2025 revenue growth (money.anthropic.revenue) "
               "does not say how fast")


@dataclass
class EventConfig:
    """A scheduled event: at ``month`` (0 = first month) apply ``kind`` to ``target``.

    lab_posture: ``target`` is a lab name, ``value`` a posture (open/hybrid/closed).
    set: ``target`` is a dotted parameter path (``governments.US.export_controls``,
    ``labs.deepseek.research_efficiency``, ``chips.domestic_perf_rel_h100``,
    ``governments.US.bans.CN``) and ``value`` its new value.
    """

    month: int = 0
    kind: EventKind = EventKind.set
    target: str = ""
    value: Any = None
    note: str = ""


@dataclass
class SimConfig:
    """Everything a run needs; ``SimConfig()`` is the calibrated 2025-01 baseline.

    Each part is built with its declared defaults (the priors) and then the calibrated values
    of :mod:`sim.calibrated` are set on it, in the default factories only: values passed in or
    merged by Hydra are never replaced.
    """

    seed: int = param(0, lo=0, hi=2**32 - 1, source="run setting")
    model: ModelConfig = field(default_factory=lambda: _calibrated(ModelConfig(), "model"))
    developers: DeveloperConfig = field(
        default_factory=lambda: _calibrated(DeveloperConfig(), "developers"))
    lab_behaviour: LabBehaviourConfig = field(
        default_factory=lambda: _calibrated(LabBehaviourConfig(), "lab_behaviour"))
    capability: CapabilityConfig = field(
        default_factory=lambda: _calibrated(CapabilityConfig(), "capability"))
    chips: ChipsConfig = field(default_factory=lambda: _calibrated(ChipsConfig(), "chips"))
    finance: FinanceConfig = field(default_factory=lambda: _calibrated(FinanceConfig(), "finance"))
    market: MarketConfig = field(default_factory=lambda: _calibrated(MarketConfig(), "market"))
    labs: Dict[str, LabConfig] = field(
        default_factory=lambda: _calibrated(default_labs(LabConfig), "labs"))
    governments: Dict[str, GovernmentConfig] = field(
        default_factory=lambda: _calibrated(default_governments(GovernmentConfig),
                                            "governments"))
    events: Dict[str, EventConfig] = field(default_factory=dict)
    #: Names of the scenario files composed into this config (their keys, in order).
    scenario_parts: Dict[str, str] = field(default_factory=dict)

    @property
    def scenario(self) -> str:
        """Scenario label: the composed scenario names joined by ``+`` (``baseline`` if none)."""
        return "+".join(self.scenario_parts) or "baseline"

