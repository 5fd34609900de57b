"""The model's money and chips each month: funding, accelerator purchases, sales and accounts.

A mixin of :class:`sim.model.MarketModel`, for steps 3 and 7 of its schedule. Its methods gather
the model's per-lab arrays (``fleet``, ``cash``, ``revenue``, ..., first set in
``MarketModel._init_labs``), call the rules of :mod:`sim.finance`, :mod:`sim.chips` and
:func:`sim.agents.lab.month_sales`, and store the results back on the model.
"""

from __future__ import annotations

import numpy as np

from sim import chips, finance
from sim.agents.lab import derivative_rate, month_sales


class AccountsMixin:
    """Funding, purchases and deliveries of accelerators, and the month's accounts of the labs."""

    def traction(self) -> np.ndarray:
        """What financiers fund now: smoothed revenue plus the value of developers held."""
        return finance.traction(self.revenue_smoothed, self.family_share(),
                                float(self.revenue_smoothed.sum()),
                                self.cfg.finance.reach_funding_weight)

    def _buy_compute(self) -> None:
        """Funding arrives, labs order accelerators, supply and controls decide deliveries."""
        cfg, ch = self.cfg, self.cfg.chips
        depreciation = chips.monthly_depreciation(ch)
        self.world_output = chips.world_output_h100e(self.month, ch)
        self.world_stock = self.world_stock * (1.0 - depreciation) + self.world_output
        access = chips.bloc_chip_access(cfg.governments)
        domestic = chips.domestic_by_bloc(self.month, ch)
        labs_supply = ch.labs_share_of_world_output * self.world_output
        factor = chips.price_factor(self.month, ch)
        price, domestic_price = ch.usd_per_h100e * factor, ch.domestic_usd_per_h100e * factor
        self.fleet = chips.depreciate(self.fleet, depreciation)
        grants = chips.open_subsidies(cfg.governments, self._openness(), self.fleet,
                                      self.lab_bloc)
        self.funding = finance.funding(
            self._lab_array("funding_usd_bn_per_year"), self.traction(),
            self.revenue_start, self._lab_array("funding_revenue_elasticity")) + grants
        budget = finance.purchase_budget(self.cash, self.funding, self.running_costs,
                                         reserve_months=cfg.finance.reserve_months,
                                         spend_share=cfg.finance.spend_share_per_month)
        orders = chips.orders_h100e(self.fleet, budget, price, ch.compute_growth_per_year,
                                    depreciation)
        bought = chips.allocate_purchases(orders, budget, self.lab_bloc, access, labs_supply,
                                          domestic, price, domestic_price)
        self.fleet = self.fleet + bought.delivered
        self.capex = bought.capex
        self.fill = finance.smooth(self.fill, bought.fill, cfg.finance.smoothing_months)
        self.price_paid = np.divide(bought.capex * 1e9, bought.delivered,
                                    out=np.full(self.fleet.size, price),
                                    where=bought.delivered > 0)
        self.bloc_bound = self.bloc_bound + chips.bloc_supply_bound(access, labs_supply,
                                                                    domestic)

    def _book_month(self) -> None:
        cfg, menu, ch = self.cfg, self.menu, self.cfg.chips
        rate = derivative_rate(self.open_users(), self._lab_array("derivative_propensity"),
                               cfg.developers.derivatives_per_month)
        self.derivatives = self.derivatives + self.streams["derivatives"].poisson(rate)
        factor = chips.price_factor(self.month, ch)
        rent = ch.rental_usd_per_h100e_month * factor
        rules = np.array([self.rules_cost(i) for i in range(len(self.labs))])
        self.tokens, self.hosted_tokens = self.token_split()
        sales = month_sales(menu, self.tokens, self.hosted_tokens,
                            self._lab_array("cloud_capture"), rules, rent)
        self.revenue, self.serving_need = sales.revenue, sales.serving_h100e
        own, rented = chips.serving_split(self.serving_need, self.fleet, self.active,
                                          ch.max_serving_share)
        opex = ch.opex_usd_per_h100e_month * factor
        staff = finance.staff_cost(self._lab_array("staff_usd_bn_per_year"), self.month,
                                   cfg.finance.staff_growth_per_year)
        self.running_costs = (opex * self.fleet + rent * rented) / 1e9 + staff + sales.compliance
        self.cash, self.active = finance.close_month(self.cash, self.revenue, self.funding,
                                                     self.capex, self.running_costs)
        self.serving_cost = (opex * own + rent * rented) / 1e9
        if self.month > 0:
            self.revenue_smoothed = finance.smooth(self.revenue_smoothed, self.revenue,
                                                   cfg.finance.smoothing_months)
            self.capex_smoothed = finance.smooth(self.capex_smoothed, self.capex,
                                                 cfg.finance.smoothing_months)
