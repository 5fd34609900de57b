"""Policy levers of one region's government (``governments.<region>``).

Read by :mod:`sim.agents.government` (adaptive rules), :mod:`sim.chips` (export controls,
subsidies) and :mod:`sim.market` (bans, content rules); the default governments are in
:mod:`sim.roster`. Units and conventions as in :mod:`sim.config`, which assembles them into
:class:`~sim.config.SimConfig` and re-exports the class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List

from sim.enums import BanScope, Bloc
from sim.params import param


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
