"""The market model: one Mesa model holding labs, governments and developer regions.

Schedule of one month (:meth:`MarketModel.step`):

1. scheduled events due this month (``sim.events``);
2. governments apply their adaptive rules (``sim.agents.government``);
3. chips and capability: compute grows under export controls (``sim.chips``), knowledge and
   capability grow (``sim.capability``);
4. labs re-decide their posture at release months, in random order (``sim.agents.lab``);
5. market clearing: products, prices and access are recomputed (``sim.market``);
6. developers: each region's reconsidering developers choose a base model
   (``sim.agents.developer``);
7. derivatives are published and revenues booked;
8. data collection (``sim.metrics``).

The model holds the state (arrays over labs, the developer population, the config) and the
schedule; the rules are functions in the modules above, which the agents and the methods here
call with the state they gather.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim import capability, chips
from sim.agents.developer import DeveloperPopulation, DeveloperRegion
from sim.agents.government import Government
from sim.agents.lab import Lab, book_accounts, derivative_rate
from sim.capability import REFERENCE_CAPABILITY
from sim.config import GovernmentConfig, SimConfig
from sim.enums import BLOCS, REGIONS, Bloc, Posture
from sim.events import apply_event, events_due
from sim.market import SLOTS, MarketInputs, ban_codes, build_menu, common_utilities, \
    lab_region_flags, market_access, token_demand
from sim.metrics import MonthState, Recorder
from sim.paths import set_path
from sim.validate import validate

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
        self.recorder = Recorder()
        self._apply_due_events()
        self._settle_month()

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
        self.knowledge = capability.initial_knowledge(start, self.compute, self._boost(),
                                                      self._openness())
        self.capability = start

    # ----------------------------------------------------------------------------- schedule
    def step(self) -> None:
        """Advance one month (see the module docstring for the order)."""
        self.month += 1
        self._apply_due_events()
        for gov in self.governments.values():
            gov.step()
        self._grow_compute_and_capability()
        # random order from the labs' own stream (not Mesa's generator), so every draw of the
        # run comes from one of the four named streams and scenarios share them
        for i in self.streams["labs"].permutation(len(self.labs)):
            self.labs[i].step()
        self._settle_month()

    def _settle_month(self) -> None:
        """Steps 5-8: market clearing, developers, accounts, data collection (month 0 too)."""
        self.refresh_market()
        self._run_developers()
        self._counts = None  # choices changed (also when a subclass moves developers itself)
        self._book_month()
        self.recorder.collect(self.month_state())

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

    def home_government(self, lab_index: int) -> GovernmentConfig | None:
        """Levers of the government whose region is the lab's home bloc (None if absent)."""
        return self.cfg.governments.get(BLOCS[self.lab_bloc[lab_index]].value)

    def rules_cost(self, lab_index: int) -> float:
        """The home government's content-rules cost of a lab (0 without a home government)."""
        gov = self.home_government(lab_index)
        return gov.content_rules_cost if gov else 0.0

    # ----------------------------------------------------------------------------- supply side
    def postures(self) -> list[Posture]:
        """Every lab's current posture, in lab order."""
        return [lab.posture for lab in self.labs]

    def _openness(self) -> np.ndarray:
        return capability.openness(self.postures())

    def _boost(self) -> np.ndarray:
        return capability.community_boost(self.derivatives, self.cfg.capability.community_gain_oom)

    def _grow_compute_and_capability(self) -> None:
        cfg = self.cfg
        grown = chips.monthly_compute(self.compute, self.month,
                                      chips.bloc_chip_access(cfg.governments), self.lab_bloc,
                                      cfg.chips)
        openness = self._openness()
        # the subsidy is shared by last month's compute (the growth above is not yet booked)
        self.compute = grown + chips.subsidised_compute(cfg.governments, openness, self.compute,
                                                        self.lab_bloc, cfg.chips.usd_per_h100e)
        efficiency = np.array([cfg.labs[n].research_efficiency for n in self.lab_names])
        self.knowledge = capability.grow_knowledge(self.knowledge, self.compute, self.capability,
                                                   openness, efficiency, cfg.capability)
        self.capability = capability.capability(self.compute, self.knowledge, self._boost(),
                                                openness)

    def bloc_frontier(self) -> np.ndarray:
        """Best flagship capability of each bloc (OOM); -inf for a bloc with no lab."""
        return capability.bloc_frontier(self.capability, self.lab_bloc)

    # ----------------------------------------------------------------------------- market
    def market_inputs(self) -> MarketInputs:
        """What the market reads from the model now (for the menu, access and utilities)."""
        cfg = self.cfg
        return MarketInputs(
            month=self.month, lab_bloc=self.lab_bloc,
            base_capability=capability.log_compute(self.compute) + self.knowledge,
            boost=self._boost(), family_share=self.family_share(), derivatives=self.derivatives,
            bans=ban_codes(cfg.governments),
            closed_blocked=self._lab_region_flags("closed_api_blocked_regions"),
            open_excluded=self._lab_region_flags("open_licence_excluded_regions"))

    def _lab_region_flags(self, attr: str) -> np.ndarray:
        # the lab table only changes when an event replaces it: cache per table object
        cached = self._flag_cache.get(attr)
        if cached is not None and cached[0] is self.cfg.labs:
            return cached[1]
        flags = lab_region_flags(self.cfg.labs, self.lab_names, attr)
        self._flag_cache[attr] = (self.cfg.labs, flags)
        return flags

    def refresh_market(self) -> None:
        """Recompute the menu, prices, access and the utilities developers face this month."""
        inputs = self.market_inputs()
        self.menu = build_menu(self.postures(), inputs, self.cfg)
        self.access = market_access(self.menu, inputs)
        self.common_utility = common_utilities(self.menu, inputs, self.cfg)
        self.log_price = np.log(self.menu.price)

    def choices_changed(self) -> None:
        """Forget the counted developers per product (call after moving any developer)."""
        self._counts = None

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

    # ----------------------------------------------------------------------------- accounts
    def _book_month(self) -> None:
        cfg, menu = self.cfg, self.menu
        shares = self.product_user_counts() / max(self.developers.n, 1)
        propensity = np.array([cfg.labs[n].derivative_propensity for n in self.lab_names])
        rate = derivative_rate(shares, menu.is_open, propensity,
                               cfg.developers.derivatives_per_month)
        self.derivatives = self.derivatives + self.streams["derivatives"].poisson(rate)
        capture = np.array([cfg.labs[name].cloud_capture for name in self.lab_names])
        rules = np.array([self.rules_cost(i) for i in range(len(self.labs))])
        self.revenue, self.cash = book_accounts(
            self.cash, menu, shares, token_demand(self.month, cfg.market), capture, self.compute,
            cfg.chips.opex_usd_per_h100e_month, rules)

    def month_state(self) -> MonthState:
        """This month's state as the recorder reads it."""
        cfg, pop = self.cfg, self.developers
        return MonthState(
            month=self.month, region_names=self.region_names, lab_names=self.lab_names,
            developer_region=pop.region, choice=pop.choice,
            region_sizes=np.array([s.size for s in pop.region_slices]), menu=self.menu,
            common_utility=self.common_utility, log_price=self.log_price,
            market_access=self.access[0], developers=cfg.developers,
            frontier=self.bloc_frontier(), oom_per_month=cfg.model.capability_oom_per_month,
            postures=self.postures(), expected_openness=[lab.expected_openness
                                                          for lab in self.labs],
            chip_access=chips.bloc_chip_access(cfg.governments), governments=cfg.governments,
            capability=self.capability, compute=self.compute, revenue=self.revenue,
            cash=self.cash, family_share=self.family_share(), derivatives=self.derivatives)
