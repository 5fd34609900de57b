"""The market model: one Mesa model holding labs, governments and developer regions.

Schedule of one month (:meth:`MarketModel.step`):

1. scheduled events due this month (``sim.events``);
2. governments apply their adaptive rules (``sim.agents.government``);
3. money and chips: each lab's funding arrives (``sim.finance``), it orders accelerators with
   the budget it can spare and the world's output, export controls and domestic output decide
   what is delivered (``sim.chips``); knowledge and capability grow (``sim.capability``);
4. labs re-decide their posture at release months, in random order, looking a few release
   cycles ahead (``sim.agents.lab``, ``sim.foresight``), and release what their posture says
   (``sim.releases``); the open community's addition to open families is updated
   (``sim.community``);
5. market clearing: products, prices and access are recomputed (``sim.market``);
6. developers: each region's reconsidering developers choose a base model
   (``sim.agents.developer``);
7. derivatives are published and the month's accounts closed: revenue, serving, running costs
   and cash (``sim.agents.lab.month_sales``, ``sim.finance.close_month``);
8. data collection (``sim.metrics``).

The model holds the state (arrays over labs, the developer population, the config) and the
schedule; the rules are functions in the modules above, which the agents and the methods here
call with the state they gather. The methods that gather it for one step live in mixins named
after that step: the money and chips of steps 3 and 7 in ``sim/model_accounts.py``, the
market's inputs, clearing and the counts of developers' choices (steps 5-6) in
``sim/model_market.py``, and what a lab deciding its posture knows (step 4) in
``sim/model_decisions.py``. This module keeps the state, the schedule, capability and releases,
and the hand-over to the recorder.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim import capability, chips, community, finance, releases
from sim.agents.developer import DeveloperPopulation, DeveloperRegion, representative_tastes, \
    segment_weights
from sim.agents.government import Government
from sim.agents.lab import Lab
from sim.capability import REFERENCE_CAPABILITY
from sim.config import GovernmentConfig, SimConfig
from sim.enums import BLOCS, REGIONS, Bloc, Posture, Region
from sim.events import apply_event, events_due
from sim.metrics import MonthState, Recorder
from sim.model_accounts import AccountsMixin
from sim.model_decisions import DecisionsMixin
from sim.model_market import MarketMixin
from sim.paths import set_path
from sim.validate import validate

STREAMS = ("init", "developers", "labs", "derivatives")


class MarketModel(AccountsMixin, MarketMixin, DecisionsMixin, mesa.Model):
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
        self._flag_cache: dict = {}  # lab-table lookups, valid while cfg.labs is the same
        # Separate streams per component: a scenario that changes how often labs draw does not
        # shift developers' draws (common random numbers across scenarios).
        seqs = np.random.SeedSequence(cfg.seed).spawn(len(STREAMS))
        self.streams = {n: np.random.default_rng(s) for n, s in zip(STREAMS, seqs, strict=False)}
        self.month = 0
        self._foresights: dict = {}  # lab index -> this month's projection (_project_deciders)
        self._init_labs()
        self.governments = {name: Government(self, name) for name in cfg.governments}
        self.region_names = [r.value for r in REGIONS]
        self.regions = [DeveloperRegion(self, i, n) for i, n in enumerate(self.region_names)]
        self.developers = DeveloperPopulation(cfg.model.n_developers, cfg.developers,
                                              self.region_names, self.streams["init"])
        self._counts: np.ndarray | None = None
        self._row_counts: np.ndarray | None = None
        self.recorder = Recorder()
        self._apply_due_events()
        self._clear_market()
        # month 0 has no purchases; its revenue is the financiers' reference, and its serving
        # load sets the training compute the initial knowledge is solved for (so capability
        # is exactly the configured lag at the start)
        self.revenue_smoothed = self.revenue.copy()
        self.revenue_start = self.traction()  # the financiers' reference
        self._solve_initial_knowledge()
        self.recorder.collect(self.month_state())

    def _init_labs(self) -> None:
        cfg = self.cfg
        self.lab_names = list(cfg.labs)
        self.labs = [Lab(self, i, n, cfg.labs[n].posture) for i, n in enumerate(self.lab_names)]
        self.lab_by_name = {lab.name: lab for lab in self.labs}
        labs = [cfg.labs[n] for n in self.lab_names]
        self.lab_bloc = np.array([BLOCS.index(Bloc(p.bloc)) for p in labs], dtype=np.int64)
        n = len(labs)
        self.fleet = np.array([p.compute_h100e for p in labs], dtype=float)
        self.training = self.fleet.copy()
        self.derivatives = np.array([p.derivatives for p in labs], dtype=float)
        self.cash = np.array([p.cash_usd_bn for p in labs], dtype=float)
        self.revenue = np.zeros(n)
        self.funding = finance.funding(self._lab_array("funding_usd_bn_per_year"), np.zeros(n),
                                       np.zeros(n), self._lab_array("funding_revenue_elasticity"))
        self.capex, self.serving_cost, self.running_costs = np.zeros(n), np.zeros(n), np.zeros(n)
        self.serving_need, self.active = np.zeros(n), np.ones(n)
        self.fill = np.ones(n)  # smoothed share of orders delivered
        self.price_paid = np.full(n, cfg.chips.usd_per_h100e)  # USD per H100e, last delivery
        self.world_stock = cfg.chips.world_stock_h100e
        self.world_output = chips.world_output_h100e(0, cfg.chips)
        # what each bloc's labs could have obtained since the start (the run-time bound)
        self.bloc_bound = chips.bloc_totals(self.fleet, self.lab_bloc)
        self.start_capability = REFERENCE_CAPABILITY - np.array(
            [p.lag_months for p in labs]) * cfg.model.capability_oom_per_month
        self.knowledge = capability.initial_knowledge(self.start_capability, self.training)
        self.capability = self.start_capability
        self.trend = np.full(n, cfg.model.capability_oom_per_month)  # OOM per month
        self.capex_smoothed = np.zeros(n)
        self.addition = np.zeros(n)  # community's addition to each open family (OOM)
        self.releases = releases.initial_releases(self.postures(), self.capability,
                                                  self._small_gap_oom())

    def _per_lab_table(self, key: tuple, build) -> np.ndarray:
        """``build()``, cached until an event replaces the lab table (``cfg.labs``)."""
        cached = self._flag_cache.get(key)
        if cached is not None and cached[0] is self.cfg.labs:
            return cached[1]
        value = build()
        self._flag_cache[key] = (self.cfg.labs, value)
        return value

    def _lab_array(self, attr: str) -> np.ndarray:
        """A numeric lab parameter over labs, in lab order."""
        return self._per_lab_table(("array", attr), lambda: np.array(
            [getattr(self.cfg.labs[n], attr) for n in self.lab_names], dtype=float))

    def _solve_initial_knowledge(self) -> None:
        self.training = self._training_compute()
        self.knowledge = capability.initial_knowledge(self.start_capability, self.training)

    def _small_gap_oom(self) -> float:
        return self.cfg.lab_behaviour.small_model_gap_months \
            * self.cfg.model.capability_oom_per_month

    # ----------------------------------------------------------------------------- schedule
    def step(self) -> None:
        """Advance one month (see the module docstring for the order)."""
        self.month += 1
        self._apply_due_events()
        for gov in self.governments.values():
            gov.step()
        self._buy_compute()
        self._grow_capability()
        # random order from the labs' own stream (not Mesa's generator), so every draw of the
        # run comes from one of the four named streams and scenarios share them
        order = self.streams["labs"].permutation(len(self.labs))
        self._project_deciders()
        for i in order:
            self.labs[i].step()
        self._settle_month()

    def _settle_month(self) -> None:
        """Steps 5-8: market clearing, developers, accounts, data collection."""
        self._clear_market()
        self.recorder.collect(self.month_state())

    def _clear_market(self) -> None:
        """Steps 5-7: market clearing, developers, derivatives and the month's accounts."""
        self.refresh_market()
        self._run_developers()
        self._counts = None  # choices changed (also when a subclass moves developers itself)
        self._book_month()

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

    def release(self, lab_index: int) -> None:
        """The lab ships what its posture says now (``sim.releases.release``)."""
        self.releases = releases.release(self.releases, lab_index, self.labs[lab_index].posture,
                                         float(self.capability[lab_index]), self.month,
                                         self._small_gap_oom())

    def community_h100e(self) -> np.ndarray:
        """Per lab, its open community's compute now (``sim.community.community_compute``)."""
        cap = self.cfg.capability
        access = chips.bloc_chip_access(self.cfg.governments)[self.lab_bloc]
        return community.community_compute(self.world_stock, self.fleet,
                                           cap.community_compute_share,
                                           cap.community_home_share, access)

    def _update_addition(self) -> None:
        self.addition = community.community_addition(
            self.open_users(), self.community_h100e(), self.training,
            self.cfg.capability.community_max_months * self.cfg.model.capability_oom_per_month)

    def _training_compute(self) -> np.ndarray:
        own, _ = chips.serving_split(self.serving_need, self.fleet, self.active,
                                     self.cfg.chips.max_serving_share)
        return self.active * self.fleet - own

    def _grow_capability(self) -> None:
        cfg = self.cfg
        self.training = self._training_compute()
        self._update_addition()
        efficiency = self._lab_array("research_efficiency")
        self.knowledge = capability.grow_knowledge(
            self.knowledge, self.training, self.capability, self._openness(),
            releases.best_open_release(self.releases, self.addition), efficiency,
            cfg.capability, excluded=self._imitation_excluded(),
            api_blocked=self._lab_lab_flags("closed_api_blocked_regions"))
        before = self.capability
        self.capability = capability.capability(self.training, self.knowledge)
        self.trend = finance.smooth(self.trend, self.capability - before,
                                    cfg.lab_behaviour.trend_smoothing_months)

    def _imitation_excluded(self) -> np.ndarray:
        """(labs, labs): lab i may not imitate lab j's open weights (licence, or i == j)."""
        return self._per_lab_table(("imitation",), lambda: self._lab_lab_flags(
            "open_licence_excluded_regions") | np.eye(len(self.labs), dtype=bool))

    def _lab_lab_flags(self, attr: str) -> np.ndarray:
        """(labs, labs) bool: ``[i, j]`` = lab j's ``attr`` lists lab i's home region."""
        def build() -> np.ndarray:
            home = [REGIONS.index(Region(BLOCS[b].value)) for b in self.lab_bloc]
            return self._lab_region_flags(attr)[:, home].T  # (labs, regions) -> (labs, labs)

        return self._per_lab_table(("lab_lab", attr), build)

    def bloc_frontier(self) -> np.ndarray:
        """Best flagship capability of each bloc (OOM); -inf for a bloc with no lab."""
        return capability.bloc_frontier(self.capability, self.lab_bloc)

    # ----------------------------------------------------------------------------- recording
    def month_state(self) -> MonthState:
        """This month's state as the recorder reads it."""
        cfg, pop = self.cfg, self.developers
        return MonthState(
            month=self.month, region_names=self.region_names, lab_names=self.lab_names,
            developer_region=pop.region, developer_segment=pop.segment,
            segment_names=list(cfg.developers.segments),
            choice=pop.choice, volume=pop.volume, selfhost=pop.selfhost,
            region_sizes=np.array([s.size for s in pop.region_slices]), menu=self.menu,
            projection=self.projection,
            segment_alpha=representative_tastes(cfg.developers, 1.0).alpha,
            segment_heads=segment_weights(cfg.developers)[0], open_users=self.open_users(),
            addition_months=self.addition / cfg.model.capability_oom_per_month,
            term_gaps=[lab.term_gaps for lab in self.labs],
            frontier=self.bloc_frontier(), oom_per_month=cfg.model.capability_oom_per_month,
            postures=self.postures(), expected_openness=[lab.expected_openness
                                                          for lab in self.labs],
            chip_access=chips.bloc_chip_access(cfg.governments), governments=cfg.governments,
            capability=self.capability, fleet=self.fleet, training=self.training,
            revenue=self.revenue, cash=self.cash, capex=self.capex, funding=self.funding,
            serving_cost=self.serving_cost, lab_bloc=self.lab_bloc, bloc_bound=self.bloc_bound,
            world_output=self.world_output, world_stock=self.world_stock,
            family_share=self.family_share(), derivatives=self.derivatives)
