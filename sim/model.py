"""The market model: one Mesa model holding labs, governments and developer regions.

Schedule of one month (:meth:`MarketModel.step`):

1. scheduled events due this month (``sim.events``);
2. governments apply their adaptive rules;
3. chips and capability: compute grows under export controls, knowledge and capability grow;
4. labs re-decide their posture at release months (random order);
5. market clearing: products, prices and access are recomputed;
6. developers: each region's reconsidering developers choose a base model;
7. derivatives are published and revenues booked;
8. data collection.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim import chips
from sim.agents.developer import (DeveloperPopulation, DeveloperRegion, common_utility,
                                  logit_shares, representative_utility)
from sim.agents.government import Government
from sim.agents.lab import Lab, community_boost, knowledge_step
from sim.config import SimConfig
from sim.enums import BLOCS, OPENNESS, POSTURES, REGIONS, BanScope, Bloc, Posture
from sim.events import apply_event, events_due
from sim.market import BAN_CODE, SLOTS, Menu, access_masks, hosting_cost, price_products, \
    product_flags
from sim.metrics import Recorder
from sim.paths import set_path
from sim.validate import validate

#: log10 effective training FLOP of the 2025-01 frontier (compute.gpt4 = 2.1e25 in 2023; the
#: 2025-01 frontier is taken as ~5e25: assumption). Only differences matter to the dynamics.
REFERENCE_CAPABILITY = 25.7
STREAMS = ("init", "developers", "labs", "derivatives")


class MarketModel(mesa.Model):
    """Open-weight versus proprietary AI market under chip export controls.

    Args:
        cfg: the full configuration; ``None`` builds the calibrated baseline.
    """

    def __init__(self, cfg: SimConfig | None = None):
        cfg = cfg if cfg is not None else SimConfig()
        validate(cfg)
        super().__init__(rng=cfg.seed)
        self.cfg = cfg
        self.cfg_initial = cfg  # events replace self.cfg; the run is identified by this one
        # Separate streams per component: a scenario that changes how often labs draw does not
        # shift developers' draws (common random numbers across scenarios).
        seqs = np.random.SeedSequence(cfg.seed).spawn(len(STREAMS))
        self.streams = {n: np.random.default_rng(s) for n, s in zip(STREAMS, seqs, strict=False)}
        self.month = 0
        self._init_labs()
        self.governments = {name: Government(self, name) for name in cfg.governments}
        self.region_names = [r.value for r in REGIONS]
        self.regions = [DeveloperRegion(self, i, n) for i, n in enumerate(self.region_names)]
        self.developers = DeveloperPopulation(cfg.model.n_developers, cfg.developers,
                                              self.region_names, self.streams["init"])
        self.revenue = np.zeros(len(self.labs))
        self._counts: np.ndarray | None = None
        self._flag_cache: dict = {}
        self.recorder = Recorder(self)
        self._apply_due_events()
        self.refresh_market()
        self._run_developers()
        self._counts = None  # choices changed (also when a subclass moves developers itself)
        self._book_month()
        self.recorder.collect()

    # ----------------------------------------------------------------------------- set-up
    def _init_labs(self) -> None:
        cfg = self.cfg
        self.lab_names = list(cfg.labs)
        self.labs = [Lab(self, i, n, cfg.labs[n].posture) for i, n in enumerate(self.lab_names)]
        self.lab_by_name = {lab.name: lab for lab in self.labs}
        labs = [cfg.labs[n] for n in self.lab_names]
        self.lab_bloc = np.array([BLOCS.index(Bloc(p.bloc)) for p in labs], dtype=np.int64)
        self.compute = np.array([p.compute_h100e for p in labs], dtype=float)
        self.derivatives = np.array([p.derivatives for p in labs], dtype=float)
        self.cash = np.array([p.cash_usd_bn for p in labs], dtype=float)
        start = REFERENCE_CAPABILITY - np.array([p.lag_months for p in labs]) \
            * cfg.model.capability_oom_per_month
        self.knowledge = start - self._log_compute() - self._boost() * self._openness()
        self.capability = start

    # ----------------------------------------------------------------------------- schedule
    def step(self) -> None:
        """Advance one month (see the module docstring for the order)."""
        self.month += 1
        self._apply_due_events()
        for gov in self.governments.values():
            gov.step()
        self._grow_compute_and_capability()
        self.agents_by_type[Lab].shuffle_do("step")
        self.refresh_market()
        self._run_developers()
        self._counts = None  # choices changed (also when a subclass moves developers itself)
        self._book_month()
        self.recorder.collect()

    def run(self) -> None:
        """Step through the configured horizon (month 0 is the initial state)."""
        for _ in range(self.cfg.model.horizon_months - 1):
            self.step()

    def _apply_due_events(self) -> None:
        for _, event in events_due(self.cfg, self.month):
            apply_event(self, event)

    def _run_developers(self) -> None:
        for region in self.regions:
            region.step()

    # ----------------------------------------------------------------------------- params
    def set_param(self, path: str, value) -> None:
        """Set a parameter of the running world by dotted path (events, adaptive rules)."""
        self.cfg = set_path(self.cfg, path, value)

    def home_government(self, lab_index: int):
        """Levers of the government whose region is the lab's home bloc (None if absent)."""
        gov = self.cfg.governments.get(BLOCS[self.lab_bloc[lab_index]].value)
        return gov

    # ----------------------------------------------------------------------------- supply side
    def _log_compute(self) -> np.ndarray:
        return np.log10(np.maximum(self.compute, 1.0))

    def _openness(self, postures: list[Posture] | None = None) -> np.ndarray:
        postures = postures if postures is not None else [lab.posture for lab in self.labs]
        return np.array([OPENNESS[p] for p in postures])

    def _boost(self) -> np.ndarray:
        return community_boost(self.derivatives, self.cfg.capability.community_gain_oom)

    def chip_access(self) -> np.ndarray:
        """Share of wanted frontier chips each bloc obtains, combining all governments' controls."""
        access = np.ones(len(BLOCS))
        for gov in self.cfg.governments.values():
            for target in gov.controls_target:
                access[BLOCS.index(Bloc(target))] *= chips.chip_access(gov.export_controls,
                                                                      gov.control_leakage)
        return access

    def _grow_compute_and_capability(self) -> None:
        cfg, ch = self.cfg, self.cfg.chips
        supply = chips.domestic_supply_h100e(self.month, ch.domestic_chips_per_year,
                                             ch.domestic_supply_growth_per_year,
                                             ch.domestic_perf_rel_h100, ch.domestic_share_to_labs)
        monthly = ch.compute_growth_per_year ** (1 / 12) - 1
        compute = chips.grow_compute(self.compute, monthly, self.chip_access(),
                                     np.full(len(BLOCS), supply), self.lab_bloc)
        self.compute = compute + self._subsidised_compute()
        openness = self._openness()
        cap = cfg.capability
        open_caps = self.capability[openness > 0]
        efficiency = np.array([cfg.labs[n].research_efficiency for n in self.lab_names])
        self.knowledge = self.knowledge + knowledge_step(
            efficiency, self.compute, self.capability,
            open_caps.max() if open_caps.size else -np.inf, self.capability.max(),
            openness.mean(), algorithmic=cap.algorithmic_oom_per_month,
            spillover=cap.open_spillover_oom_per_month,
            half_compute=cap.spillover_half_compute_h100e,
            imitation_open=cap.imitation_open_per_month,
            imitation_closed=cap.imitation_closed_per_month)
        self.capability = self._log_compute() + self.knowledge + self._boost() * openness

    def _subsidised_compute(self) -> np.ndarray:
        extra = np.zeros(len(self.labs))
        openness = self._openness()
        for name, gov in self.cfg.governments.items():
            if gov.open_subsidy_usd_bn_per_year <= 0 or name not in Bloc.__members__:
                continue
            weight = openness * self.compute * (self.lab_bloc == BLOCS.index(Bloc(name)))
            if weight.sum() > 0:
                grant = chips.subsidy_h100e(gov.open_subsidy_usd_bn_per_year,
                                            self.cfg.chips.usd_per_h100e)
                extra += grant * weight / weight.sum()
        return extra

    def bloc_frontier(self) -> np.ndarray:
        """Best flagship capability of each bloc (OOM); -inf for a bloc with no lab."""
        out = np.full(len(BLOCS), -np.inf)
        np.maximum.at(out, self.lab_bloc, self.capability)
        return out

    def bloc_gap_months(self, leader: str, target: str) -> float:
        """How many months of frontier progress ``target`` bloc trails ``leader`` bloc."""
        front = self.bloc_frontier()
        gap = front[BLOCS.index(Bloc(leader))] - front[BLOCS.index(Bloc(target))]
        return float(gap / self.cfg.model.capability_oom_per_month) if np.isfinite(gap) else 0.0

    # ----------------------------------------------------------------------------- market
    def build_menu(self, postures: list[Posture]) -> Menu:
        """Products on offer if the labs held ``postures``: flags, capability, cost and price."""
        cfg = self.cfg
        exists, is_open = product_flags(postures)
        base = self._log_compute() + self.knowledge
        boost = self._boost()
        openness = self._openness(postures)
        cap = np.empty(exists.size)
        cap[0::SLOTS] = base + boost * openness
        cap[1::SLOTS] = base + boost - cfg.lab_behaviour.hybrid_tier_lag_months \
            * cfg.model.capability_oom_per_month
        mk = cfg.market
        cost = hosting_cost(cap, self.month, base_usd_per_mtok=mk.hosting_usd_per_mtok,
                            reference_capability=REFERENCE_CAPABILITY,
                            decline_per_year=mk.cost_decline_per_year,
                            capability_elasticity=mk.cost_capability_elasticity)
        price = price_products(cap, is_open, exists, cost, cfg.model.capability_oom_per_month,
                               floor=mk.premium_floor, ceiling=mk.premium_max,
                               scale_months=mk.premium_gap_scale_months)
        lab = np.repeat(np.arange(len(postures)), SLOTS)
        return Menu(lab=lab, bloc=self.lab_bloc[lab], exists=exists, is_open=is_open,
                    capability=cap, price=price, cost=cost)

    def _access(self, menu: Menu) -> tuple[np.ndarray, np.ndarray]:
        bans = np.zeros((len(REGIONS), len(BLOCS)), dtype=np.int64)
        for r, name in enumerate(self.region_names):
            gov = self.cfg.governments.get(name)
            for bloc, scope in (gov.bans.items() if gov else ()):
                bans[r, BLOCS.index(Bloc(bloc))] = BAN_CODE[BanScope(scope)]
        return access_masks(menu.bloc, menu.lab, menu.is_open, menu.exists, len(REGIONS), bans,
                            self._lab_region_flags("closed_api_blocked_regions"),
                            self._lab_region_flags("open_licence_excluded_regions"))

    def _lab_region_flags(self, attr: str) -> np.ndarray:
        # the lab table only changes when an event replaces it: cache per table object
        cached = self._flag_cache.get(attr)
        if cached is not None and cached[0] is self.cfg.labs:
            return cached[1]
        flags = np.zeros((len(self.labs), len(REGIONS)), dtype=bool)
        for i, name in enumerate(self.lab_names):
            for region in getattr(self.cfg.labs[name], attr):
                flags[i, self.region_names.index(getattr(region, "value", region))] = True
        self._flag_cache[attr] = (self.cfg.labs, flags)
        return flags

    def family_share(self) -> np.ndarray:
        """Global share of developers on each lab's products (0-1)."""
        return self.lab_user_counts() / max(self.developers.n, 1)

    def product_user_counts(self) -> np.ndarray:
        """Number of developers on each product (counted once per change of choices)."""
        if self._counts is None:
            choice = self.developers.choice
            self._counts = np.bincount(choice[choice >= 0],
                                       minlength=len(self.labs) * SLOTS).astype(float)
        return self._counts

    def lab_user_counts(self) -> np.ndarray:
        """Number of developers on each lab's products."""
        return self.product_user_counts().reshape(-1, SLOTS).sum(axis=1)

    def _common_utilities(self, menu: Menu) -> np.ndarray:
        cfg = self.cfg
        frontier = menu.capability[menu.exists].max()
        months = (menu.capability - frontier) / cfg.model.capability_oom_per_month
        fam = self.family_share()[menu.lab]
        derivs = self.derivatives[menu.lab]
        aff = np.array([[cfg.developers.affinity[r][b.value] for b in BLOCS]
                        for r in self.region_names])
        # one call for all regions: affinity is the only regional term
        return common_utility(months, fam, derivs, menu.is_open, aff[:, menu.bloc],
                              cfg.developers)

    def refresh_market(self) -> None:
        """Recompute the menu, prices, access and the utilities developers face this month."""
        self.menu = self.build_menu([lab.posture for lab in self.labs])
        self.access = self._access(self.menu)
        self.common_utility = self._common_utilities(self.menu)
        self.log_price = np.log(self.menu.price)

    def token_demand(self) -> float:
        """World token demand this month (Mtok)."""
        mk = self.cfg.market
        return mk.token_demand_mtok_per_month * mk.demand_growth_per_year ** (self.month / 12)

    def representative_shares(self, menu: Menu) -> np.ndarray:
        """Expected global share of each product for an average developer of each region."""
        dev = self.cfg.developers
        v = representative_utility(self._common_utilities(menu), np.log(menu.price),
                                   menu.is_open, dev)
        market, _ = self._access(menu)
        weights = np.array([dev.region_shares[r] for r in self.region_names])
        return weights @ logit_shares(v, market)

    def lab_profit(self, menu: Menu, shares: np.ndarray, lab_index: int) -> tuple[float, float]:
        """Expected monthly profit (USD bn) and open share of a lab given product shares."""
        gov = self.home_government(lab_index)
        rules = gov.content_rules_cost if gov else 0.0
        mine = menu.lab == lab_index
        closed, opened = mine & ~menu.is_open, mine & menu.is_open
        tokens = self.token_demand() * shares
        api = (tokens * (menu.price - menu.cost))[closed].sum() * (1 - rules)
        services = (tokens * menu.cost)[opened].sum() * self.cfg.labs[self.lab_names[lab_index]]\
            .cloud_capture
        return (api + services) / 1e9, float(shares[opened].sum())

    def project_postures(self, lab_index: int) -> tuple[np.ndarray, np.ndarray]:
        """Expected profit and open share of a lab under each posture, others' postures fixed."""
        profit, open_share = np.zeros(len(POSTURES)), np.zeros(len(POSTURES))
        postures = [lab.posture for lab in self.labs]
        for k, posture in enumerate(POSTURES):
            postures[lab_index] = posture
            menu = self.build_menu(postures)
            profit[k], open_share[k] = self.lab_profit(menu, self.representative_shares(menu),
                                                       lab_index)
        return profit, open_share

    # ----------------------------------------------------------------------------- accounts
    def _book_month(self) -> None:
        menu, n = self.menu, max(self.developers.n, 1)
        shares = self.product_user_counts() / n
        open_users = (shares * menu.is_open).reshape(-1, SLOTS).sum(axis=1)
        propensity = np.array([self.cfg.labs[n].derivative_propensity for n in self.lab_names])
        rate = self.cfg.developers.derivatives_per_month * propensity * open_users
        self.derivatives = self.derivatives + self.streams["derivatives"].poisson(rate)
        tokens = self.token_demand() * shares
        capture = np.array([self.cfg.labs[name].cloud_capture for name in self.lab_names])
        api = np.where(menu.is_open, 0.0, tokens * menu.price).reshape(-1, SLOTS).sum(axis=1)
        serving = np.where(menu.is_open, 0.0, tokens * menu.cost).reshape(-1, SLOTS).sum(axis=1)
        services = np.where(menu.is_open, tokens * menu.cost, 0.0).reshape(-1, SLOTS).sum(axis=1)
        self.revenue = (api + services * capture) / 1e9
        opex = self.compute * self.cfg.chips.opex_usd_per_h100e_month / 1e9
        self.cash = self.cash + self.revenue - serving / 1e9 - opex
