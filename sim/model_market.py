"""The model's side of the market: what the market rules read, clearing, developers' counts.

A mixin of :class:`sim.model.MarketModel`, for steps 5 and 6 of its schedule:
:meth:`~MarketMixin.market_inputs` gathers what :mod:`sim.market` reads and
:meth:`~MarketMixin.refresh_market` recomputes the menu, prices, access and utilities; the
counting methods turn the developers' choices into the shares and token volumes that the labs'
decisions, the accounts and the recorder read, counted once per change of choices.
"""

from __future__ import annotations

import numpy as np

from sim import chips
from sim.enums import REGIONS
from sim.market import MarketInputs, ban_codes, build_menu, common_utilities, \
    lab_region_flags, market_access, representative, token_demand
from sim.releases import SLOTS


class MarketMixin:
    """Market inputs and clearing, and the counts of developers on each product."""

    def market_inputs(self) -> MarketInputs:
        """What the market reads from the model now (for the menu, access and utilities)."""
        cfg = self.cfg
        return MarketInputs(
            month=self.month, lab_bloc=self.lab_bloc, releases=self.releases,
            addition=self.addition, family_share=self.family_share(),
            derivatives=self.derivatives, bans=ban_codes(cfg.governments),
            closed_blocked=self._lab_region_flags("closed_api_blocked_regions"),
            open_excluded=self._lab_region_flags("open_licence_excluded_regions"),
            volume_growth=self.volume_growth, selfhost_fixed_usd=self.selfhost_fixed_usd)

    @property
    def volume_growth(self) -> float:
        """Growth of every developer's usage since 2025-01 (x): world token demand's."""
        mk = self.cfg.market
        return token_demand(self.month, mk) / max(token_demand(0, mk), 1e-300)

    @property
    def selfhost_fixed_usd(self) -> float:
        """Fixed monthly cost of self-hosting now (USD): falls like chip prices."""
        return self.cfg.market.selfhost_fixed_usd_per_month \
            * chips.price_factor(self.month, self.cfg.chips)

    def _lab_region_flags(self, attr: str) -> np.ndarray:
        return self._per_lab_table(("lab_region", attr), lambda: lab_region_flags(
            self.cfg.labs, self.lab_names, attr))

    def refresh_market(self) -> None:
        """Recompute the menu, prices, access and the utilities developers face this month."""
        inputs = self.market_inputs()
        self.menu = build_menu(self.releases, inputs, self.cfg)
        self.access = market_access(self.menu, inputs)
        self.common_utility = common_utilities(self.menu, inputs, self.cfg)
        self.log_price = np.log(self.menu.price)
        self.projection = representative(self.menu, inputs, self.cfg, self.common_utility,
                                         self.access)

    def choices_changed(self) -> None:
        """Forget the counted developers per product (call after moving any developer)."""
        self._counts = None
        self._row_counts = None

    def product_user_counts(self) -> np.ndarray:
        """Number of developers on each product (counted once per change of choices)."""
        if self._counts is None:
            choice = self.developers.choice
            self._counts = np.bincount(choice[choice >= 0],
                                       minlength=len(self.labs) * SLOTS).astype(float)
        return self._counts

    def family_share(self) -> np.ndarray:
        """Global share of developers on each lab's products (0-1)."""
        return self.product_user_counts().reshape(-1, SLOTS).sum(axis=1) \
            / max(self.developers.n, 1)

    def open_users(self) -> np.ndarray:
        """Global share of developers on each lab's open releases (0-1)."""
        counts = self.product_user_counts() * self.releases.is_open
        return counts.reshape(-1, SLOTS).sum(axis=1) / max(self.developers.n, 1)

    def row_shares(self) -> np.ndarray:
        """(regions, segments, products) share of each region's segment on each product."""
        if self._row_counts is None:
            pop, n_p = self.developers, len(self.labs) * SLOTS
            n_s = len(self.cfg.developers.segments)
            row = pop.region * n_s + pop.segment
            on = pop.choice >= 0
            counts = np.bincount(row[on] * n_p + pop.choice[on],
                                 minlength=len(REGIONS) * n_s * n_p).reshape(len(REGIONS), n_s,
                                                                             n_p)
            size = np.bincount(row, minlength=len(REGIONS) * n_s).reshape(len(REGIONS), n_s)
            self._row_counts = counts / np.maximum(size, 1)[..., None]
        return self._row_counts

    def token_split(self) -> tuple[np.ndarray, np.ndarray]:
        """(Mtok on each product, Mtok of it served by third-party hosts) this month.

        World token demand is divided in proportion to the developers' own usage.
        """
        pop, n_p = self.developers, len(self.labs) * SLOTS
        on = pop.choice >= 0
        total = pop.volume.sum()
        scale = token_demand(self.month, self.cfg.market) / total if total > 0 else 0.0
        tokens = np.bincount(pop.choice[on], weights=pop.volume[on], minlength=n_p) * scale
        hosted_on = on & ~pop.selfhost
        hosted = np.bincount(pop.choice[hosted_on], weights=pop.volume[hosted_on],
                             minlength=n_p) * scale
        return tokens, np.where(self.menu.is_open, hosted, 0.0)
