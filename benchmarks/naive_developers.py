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
it may use (the public-sector mask for public-sector developers). The population (region, sector,
``alpha``, ``theta``) is copied from the model's :class:`~sim.agents.developer.DeveloperPopulation`,
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

    def __init__(self, model: "NaiveMarketModel", index: int, region: int, public: bool,
                 alpha: float, theta: float):
        super().__init__(model)
        self.index = index
        self.region = region
        self.public = public
        self.alpha = np.array([alpha])
        self.theta = np.array([theta])
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
        u = utilities(m.common_utility[self.region], m.log_price, m.menu.is_open, self.alpha,
                      self.theta, np.array([cur]), m.menu.lab, cfg.switching_cost,
                      cfg.within_family_switch)
        pick = int(choose(u, mask[None, :], rng)[0])
        self.choice = pick
        m.developers.choice[self.index] = pick


class ScalarNaiveDeveloper(NaiveDeveloper):
    """Same rule as :class:`NaiveDeveloper` in plain Python floats (Gumbel = -log(-log(U)))."""

    def __init__(self, model: "NaiveMarketModel", index: int, region: int, public: bool,
                 alpha: float, theta: float):
        super().__init__(model, index, region, public, alpha, theta)
        self.alpha = float(alpha)
        self.theta = float(theta)

    def step(self) -> None:
        """Reconsider and re-choose, one product at a time."""
        m = self.model
        t = m.naive_tables
        mask = (t["public"] if self.public else t["market"])[self.region]
        cur = self.choice
        rand = m.naive_random.random
        if rand() >= t["reconsider"] and cur >= 0 and mask[cur]:
            return
        common, log_price, is_open, lab = t["common"][self.region], t["log_price"], \
            t["is_open"], t["lab"]
        switching, within = t["switching"], t["within"]
        alpha, theta = self.alpha, self.theta
        cur_lab = lab[cur] if cur >= 0 else -1
        log = math.log
        best, pick = -math.inf, -1
        for j in range(len(common)):
            if not mask[j]:
                continue
            if cur < 0 or j == cur:
                switch = 0.0
            elif lab[j] == cur_lab:
                switch = within
            else:
                switch = 1.0
            u = common[j] - alpha * log_price[j] + theta * is_open[j] - switching * switch \
                - log(-log(rand() or 5e-324))
            if u > best:
                best, pick = u, j
        self.choice = pick
        m.developers.choice[self.index] = pick


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
        columns = zip(pop.region.tolist(), pop.public.tolist(), pop.alpha.tolist(),
                      pop.theta.tolist(), strict=True)
        agents = [cls(self, i, int(r), bool(p), float(a), float(t))
                  for i, (r, p, a, t) in enumerate(columns)]
        # An activation order generator of its own, so that shuffling developers leaves the
        # model's generator (which orders the labs) exactly as in MarketModel.
        self.naive_developers = AgentSet(agents, random=Random(_seed(self, 1)))
        self.naive_random = Random(_seed(self, 2))

    def _month_tables(self) -> dict:
        """This month's market as Python lists (for the scalar rule; cheap: products x regions)."""
        cfg = self.cfg.developers
        return {"common": self.common_utility.tolist(), "log_price": self.log_price.tolist(),
                "is_open": self.menu.is_open.astype(float).tolist(),
                "lab": self.menu.lab.tolist(), "market": self.access[0].tolist(),
                "public": self.access[1].tolist(), "reconsider": cfg.reconsider_per_month,
                "switching": cfg.switching_cost, "within": cfg.within_family_switch}

    def _run_developers(self) -> None:
        if getattr(self, "naive_developers", None) is None:
            self._build_naive_developers()
        if issubclass(self._developer_class, ScalarNaiveDeveloper):
            self.naive_tables = self._month_tables()
        self.naive_developers.shuffle_do("step")
