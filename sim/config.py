"""Typed configuration of the market model (mirrored by Hydra structured configs).

The dataclasses are the single source of truth for every default. Each field is declared with
:func:`sim.params.param`, which records its unit, allowed range and source (or the word
``assumption``). Hydra composes YAML files on top of :class:`SimConfig`, so a misspelt key or a
value of the wrong type fails at load. The classes are plain (not frozen) because Hydra must be
able to merge overrides into them; the model never mutates a config: scheduled events build a new
one with :func:`dataclasses.replace`.

This module holds the run's frame, the world's mechanisms (capability, chips, the market),
events and :class:`SimConfig`, which assembles every group. The agents' parameters have modules
of their own, named after the agents, and are re-exported here: labs, their posture choice and
financing in :mod:`sim.config_labs`; developers and their segments in
:mod:`sim.config_developers`; governments' levers in :mod:`sim.config_governments`.

Units: capability is in orders of magnitude (OOM) of effective training compute; gaps are
reported in months of frontier progress (``capability_oom_per_month``); compute in H100
equivalents (H100e); prices in USD per million tokens (Mtok); money in billions of USD.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict

from sim.calibrated import apply as _calibrated
from sim.config_developers import DeveloperConfig, SegmentConfig, default_segments
from sim.config_governments import GovernmentConfig
from sim.config_labs import FinanceConfig, LabBehaviourConfig, LabConfig
from sim.enums import Bloc, EventKind
from sim.params import param
from sim.roster import default_governments, default_labs

#: Every config class, wherever declared: ``from sim.config import SegmentConfig`` works.
__all__ = ["CapabilityConfig", "ChipsConfig", "DeveloperConfig", "EventConfig", "FinanceConfig",
           "GovernmentConfig", "LabBehaviourConfig", "LabConfig", "MarketConfig", "ModelConfig",
           "SegmentConfig", "SimConfig", "default_segments"]


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

