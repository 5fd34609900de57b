"""The reference the vectorised developer population is benchmarked against.

:class:`NaiveMarketModel` is :class:`sim.model.MarketModel` with one change: instead of one
:class:`~sim.agents.developer.DeveloperRegion` agent per region stepping a structure-of-arrays
population, every developer is its own ``mesa.Agent`` with its own ``step()``, and the month's
developers are activated with a Mesa ``AgentSet.shuffle_do("step")``. Everything else (labs,
governments, chips, menu, prices, access, bookkeeping, data collection) is inherited unchanged,
so a timing comparison isolates the developer representation.

Two per-object rules are provided, both the same decision rule as ``DeveloperRegion.step``:

* :class:`NaiveDeveloper` calls the model's own pure rules :func:`~sim.agents.developer.utilities`
  and :func:`~sim.agents.developer.choose` on a one-row array (literally the same code);
* :class:`ScalarNaiveDeveloper` writes the same formula in plain Python scalars (no NumPy call per
  developer), which is how a per-object model would usually be hand-optimised; it is the faster,
  hence the harder, baseline.

Each month a developer reconsiders with probability ``reconsider_per_month`` or when its current
product is no longer accessible to it; a mover picks ``argmax_j U_dj + Gumbel`` over the products
it may use (the public-sector mask for public-sector developers), for an open release through the
better of a third-party host and self-hosting (``sim.channels``). The population (region, segment,
tastes, usage) is copied from the model's :class:`~sim.agents.developer.DeveloperPopulation`,
so both models start from the same developers for the same seed; each naive agent writes its
choice back into ``model.developers.choice`` so that the inherited market and recorder code read
the same state. Random draws differ from the vectorised model (per-agent draws in activation
order), so runs agree in distribution, not path by path (``tests/test_benchmarks_smoke.py``).
"""

from __future__ import annotations

import math
from random import Random

import mesa
import numpy as np
from mesa.agent import AgentSet

from sim.agents.developer import choose, utilities
from sim.model import MarketModel


def _seed(model: MarketModel, salt: int) -> int:
    """A seed for the naive model's own Python generators, derived from the run's seed."""
    return int(np.random.SeedSequence([model.cfg_initial.seed, 0x6E61, salt]).generate_state(1)[0])


class NaiveDeveloper(mesa.Agent):
    """One developer as one Python object; ``step`` applies the model's own NumPy rules."""

    def __init__(self, model: "NaiveMarketModel", index: int, region: int, public: bool):
        super().__init__(model)
        self.index = index
        self.region = region
        self.public = public
        self.choice = -1

    def step(self) -> None:
        """Reconsider (a random draw, or forced when cut off) and re-choose with the logit rule."""
        m = self.model
        cfg = m.cfg.developers
        mask = (m.access[1] if self.public else m.access[0])[self.region]
        cur = self.choice
        rng = m.streams["developers"]
        if rng.random() >= cfg.reconsider_per_month and cur >= 0 and mask[cur]:
            return
        me = np.array([self.index])
        u, own = utilities(m.common_utility[self.region], m.log_price, m.menu.cost,
                           m.menu.is_open, m.developers.tastes(me, m.volume_growth),
                           np.array([cur]), m.menu.lab, cfg, m.cfg.market,
                           m.selfhost_fixed_usd)
        pick = int(choose(u, mask[None, :], rng)[0])
        self.choice = pick
        m.developers.choice[self.index] = pick
        m.developers.selfhost[self.index] = bool(own[0, pick]) if pick >= 0 else False


class ScalarNaiveDeveloper(NaiveDeveloper):
    """Same rule as :class:`NaiveDeveloper` in plain Python floats (Gumbel = -log(-log(U)))."""

    def __init__(self, model: "NaiveMarketModel", index: int, region: int, public: bool):
        super().__init__(model, index, region, public)
        pop = model.developers
        self.alpha, self.theta = float(pop.alpha[index]), float(pop.theta[index])
        self.volume = float(pop.volume[index])
        self.support, self.custom, self.data = (float(pop.support[index]),
                                                float(pop.customisation[index]),
                                                float(pop.data_control[index]))

    def step(self) -> None:
        """Reconsider and re-choose, one product at a time."""
        m = self.model
        t = m.naive_tables
        mask = (t["public"] if self.public else t["market"])[self.region]
        cur = self.choice
        rand = m.naive_random.random
        if rand() >= t["reconsider"] and cur >= 0 and mask[cur]:
            return
        common, lab = t["common"][self.region], t["lab"]
        switching, within = t["switching"], t["within"]
        log = math.log
        fixed_per_mtok = t["fixed"] / max(self.volume * t["growth"], 1e-9)
        cur_lab = lab[cur] if cur >= 0 else -1
        best, pick, pick_own = -math.inf, -1, False
        for j in range(len(common)):
            if not mask[j]:
                continue
            if cur < 0 or j == cur:
                switch = 0.0
            elif lab[j] == cur_lab:
                switch = within
            else:
                switch = 1.0
            channel, own = self._channel(j, t, fixed_per_mtok)
            u = common[j] + channel - switching * switch - log(-log(rand() or 5e-324))
            if u > best:
                best, pick, pick_own = u, j, own
        self.choice = pick
        m.developers.choice[self.index] = pick
        m.developers.selfhost[self.index] = pick_own

    def _channel(self, j: int, t: dict, fixed_per_mtok: float) -> tuple[float, bool]:
        """Utility of product ``j``'s best channel for this developer, and whether it self-hosts."""
        if not t["is_open"][j]:
            return -self.alpha * t["log_price"][j] + self.support \
                + t["api_cus"] * self.custom, False
        hosted = -self.alpha * t["log_price"][j] + t["h_sup"] * self.support \
            + t["h_cus"] * self.custom
        own = -self.alpha * math.log(t["cost"][j] * t["ratio"] + fixed_per_mtok) \
            + self.custom + self.data
        return max(hosted, own) + self.theta, own > hosted


class NaiveMarketModel(MarketModel):
    """:class:`MarketModel` with one Mesa agent per developer (the per-object reference).

    Args:
        cfg: the configuration (``None``: the calibrated baseline).
        developer_class: :class:`NaiveDeveloper` (NumPy rules on one row) or
            :class:`ScalarNaiveDeveloper` (plain Python).
    """

    def __init__(self, cfg=None, developer_class: type[NaiveDeveloper] = NaiveDeveloper):
        self._developer_class = developer_class
        super().__init__(cfg)

    def _build_naive_developers(self) -> None:
        pop = self.developers
        cls = self._developer_class
        columns = zip(pop.region.tolist(), pop.public.tolist(), strict=True)
        agents = [cls(self, i, int(r), bool(p)) for i, (r, p) in enumerate(columns)]
        # An activation order generator of its own, so that shuffling developers leaves the
        # model's generator (which orders the labs) exactly as in MarketModel.
        self.naive_developers = AgentSet(agents, random=Random(_seed(self, 1)))
        self.naive_random = Random(_seed(self, 2))

    def _month_tables(self) -> dict:
        """This month's market as Python lists (for the scalar rule; cheap: products x regions)."""
        cfg, mk = self.cfg.developers, self.cfg.market
        return {"common": self.common_utility.tolist(), "log_price": self.log_price.tolist(),
                "cost": self.menu.cost.tolist(), "is_open": self.menu.is_open.tolist(),
                "lab": self.menu.lab.tolist(), "market": self.access[0].tolist(),
                "public": self.access[1].tolist(), "reconsider": cfg.reconsider_per_month,
                "switching": cfg.switching_cost, "within": cfg.within_family_switch,
                "fixed": self.selfhost_fixed_usd, "growth": self.volume_growth,
                "ratio": mk.selfhost_cost_ratio, "api_cus": mk.api_customisation,
                "h_sup": mk.hosted_support, "h_cus": mk.hosted_customisation}

    def _run_developers(self) -> None:
        if getattr(self, "naive_developers", None) is None:
            self._build_naive_developers()
        if issubclass(self._developer_class, ScalarNaiveDeveloper):
            self.naive_tables = self._month_tables()
        self.naive_developers.shuffle_do("step")
