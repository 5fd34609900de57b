"""Parameters of the downstream developers: their model choice and the kinds of developer.

:class:`DeveloperConfig` is the ``developers`` group (read by :mod:`sim.agents.developer` and
:mod:`sim.channels`); :class:`SegmentConfig` one kind of developer within it
(``developers.segments.<name>``), with the default segments in :func:`default_segments`. Units
and conventions as in :mod:`sim.config`, which assembles them into
:class:`~sim.config.SimConfig` and re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict

from sim.params import param
from sim.roster import default_affinity


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
