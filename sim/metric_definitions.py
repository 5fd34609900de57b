"""Every metric of the tidy results table, declared once: its dimensions, unit and meaning.

The recorder (:mod:`sim.metrics`, which re-exports :data:`METRICS`) writes these metrics; tests
check the table against this list.
"""

from __future__ import annotations

from sim.agents.lab import TERMS

#: metric name -> (dimensions, unit and meaning)
METRICS: dict[str, tuple[tuple[str, ...], str]] = {
    "developers": (("region",), "number of developers (constant: none enter or leave)"),
    "unserved_share": (("region",), "share of developers with no accessible model"),
    "open_share": (("region",), "share of developers on open-weight models"),
    "bloc_share": (("region", "bloc"), "share of the region's developers on the bloc's models"),
    "open_bloc_share": (("region", "bloc"), "share of the region's developers on the bloc's "
                                            "open-weight models"),
    "open_token_share": (("region",), "share of the region's tokens on open-weight models"),
    "bloc_token_share": (("region", "bloc"), "share of the region's tokens on the bloc's "
                                             "models"),
    "open_bloc_token_share": (("region", "bloc"), "share of the region's tokens on the bloc's "
                                                  "open-weight models"),
    "enterprise_open_token_share": ((), "share of enterprises' tokens on open-weight models "
                                        "(the enterprise surveys' population)"),
    "router_open_token_share": ((), "share of startups' and independent developers' tokens on "
                                    "open-weight models (the population of router data)"),
    "router_cn_open_token_share": ((), "share of startups' and independent developers' tokens "
                                       "on Chinese open-weight models (router data)"),
    "selfhost_share": (("region",), "share of the region's open-weight tokens its developers "
                                    "serve themselves (the rest: third-party hosts)"),
    "frontier_capability": (("bloc",), "best capability of the bloc's labs, log10 effective FLOP"),
    "us_china_gap_months": ((), "months of frontier progress the Chinese frontier trails the US"),
    "open_closed_gap_months": ((), "months the best open model trails the best closed model"),
    "closed_price_premium": ((), "closed API price / serving cost, user-weighted (x); "
                                 "absent in months with no closed model"),
    "n_open_labs": ((), "number of labs whose posture is open"),
    "consumer_surplus": (("region",), "logsum welfare of the average developer, in units of "
                                      "log price (1 = all prices divided by e)"),
    "chip_access": (("bloc",), "share of wanted frontier chips the bloc obtains"),
    "export_controls": (("region",), "share of frontier chips denied by the region's government"),
    "lab_openness": (("lab",), "posture: 0 closed, 0.5 hybrid, 1 open"),
    "lab_expected_openness": (("lab",), "openness the lab's last posture decision was expected "
                                        "to give (probability-weighted; decision pressure)"),
    "lab_capability": (("lab",), "flagship capability, log10 effective FLOP"),
    "lab_compute_h100e": (("lab",), "fleet: accelerators the lab owns, H100 equivalents"),
    "lab_training_compute_h100e": (("lab",), "part of the fleet training models (the fleet "
                                             "less own serving and idle), H100e"),
    "lab_revenue_usd_bn": (("lab",), "revenue in the month, USD bn (API + captured services)"),
    "lab_cash_usd_bn": (("lab",), "cash at the end of the month, USD bn (never negative)"),
    "lab_capex_usd_bn": (("lab",), "spending on accelerators in the month, USD bn"),
    "lab_funding_usd_bn": (("lab",), "funding received in the month (parent, investors or "
                                     "fund, plus open-source grants), USD bn"),
    "lab_serving_cost_usd_bn": (("lab",), "cost of serving the lab's closed products in the "
                                          "month (own fleet's power and operations plus rented "
                                          "capacity), USD bn"),
    "bloc_compute_h100e": (("bloc",), "accelerators of the bloc's labs, H100e (sum of fleets)"),
    "bloc_capex_usd_bn": (("bloc",), "the bloc's labs' spending on accelerators in the month, "
                                     "USD bn"),
    "bloc_revenue_usd_bn": (("bloc",), "the bloc's labs' revenue in the month, USD bn"),
    "world_accelerator_output_h100e": ((), "world output of AI accelerators in the month, "
                                           "H100e (an input)"),
    "world_accelerator_stock_h100e": ((), "installed world stock of AI accelerators, H100e "
                                          "(all buyers, net of retirements)"),
    "lab_developer_share": (("lab",), "global share of developers on the lab's models"),
    "lab_open_share": (("lab",), "global share of developers on the lab's open releases, old "
                                 "and new"),
    "lab_token_share": (("lab",), "global share of tokens on the lab's models"),
    "lab_price_usd_per_mtok": (("lab",), "flagship price to developers, USD per Mtok (its "
                                         "closed API, else its open flagship via a host)"),
    "community_addition_months": (("lab",), "capability the open community has added to the "
                                            "lab's open releases, months of frontier progress"),
    **{f"lab_payoff_{term}": (("lab",), f"open-minus-closed difference of the '{term}' payoff "
                                        "term at the lab's last posture decision, months of "
                                        "capability (sim.agents.lab.payoff_terms)")
       for term in TERMS},
    "derivatives": (("lab",), "cumulative derivative models of the lab's open family"),
}
