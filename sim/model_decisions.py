"""What a lab deciding its posture knows: the state it projects and the payoff terms it weighs.

A mixin of :class:`sim.model.MarketModel`, for step 4 of its schedule: a lab at a release month
asks the model for :meth:`~DecisionsMixin.payoff_terms`, which takes the projection of each
posture that :meth:`~DecisionsMixin._project_deciders` made for every lab deciding this month
(:func:`sim.foresight.project_all` on :meth:`~DecisionsMixin.decision_state`) and adds the terms
:func:`sim.agents.lab.payoff_terms` reads (investor pressure, prominence, frontier proximity).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim import chips
from sim.agents.developer import segment_weights
from sim.agents.lab import frontier_proximity, investor_pressure, payoff_terms, prominence
from sim.enums import BLOCS, OPENNESS, POSTURES, REGIONS, Region
from sim.foresight import DecisionState, project, project_all
from sim.releases import SLOTS


class DecisionsMixin:
    """The inputs of a lab's posture decision, gathered from the model's state."""

    def decision_state(self, lab_index: int, world: DecisionState | None = None
                       ) -> DecisionState:
        """What a lab deciding now knows (:class:`sim.foresight.DecisionState`).

        ``world``: another lab's decision state of this month, whose shared part (market,
        capabilities, shares) is reused rather than recomputed.
        """
        cfg, name = self.cfg, self.lab_names[lab_index]
        lab = cfg.labs[name]
        trial = self._openness()
        grants = np.zeros(len(POSTURES))
        home = self.home_government(lab_index)
        for k, posture in enumerate(POSTURES if home and home.open_subsidy_usd_bn_per_year > 0
                                    else ()):
            trial[lab_index] = OPENNESS[posture]
            grants[k] = chips.open_subsidies(cfg.governments, trial, self.fleet,
                                             self.lab_bloc)[lab_index]
        own = dict(lab=lab_index, rules_cost=self.rules_cost(lab_index),
                   cloud_capture=lab.cloud_capture, funding_base=lab.funding_usd_bn_per_year,
                   revenue_start=float(self.revenue_start[lab_index]),
                   elasticity=lab.funding_revenue_elasticity, grants=grants,
                   fill=float(self.fill[lab_index]),
                   usd_per_h100e=float(self.price_paid[lab_index]))
        if world is not None:
            return replace(world, **own)
        return DecisionState(
            inputs=self.market_inputs(), postures=self.postures(),
            capability=self.capability, trend=self.trend, training=self.training,
            intervals=self._lab_array("release_interval_months"),
            excluded=self._lab_lab_flags("open_licence_excluded_regions"),
            shares=self.row_shares(), community_h100e=self.community_h100e(),
            open_users=self.open_users(), market_revenue=float(self.revenue_smoothed.sum()),
            **own)

    def _project_deciders(self) -> None:
        """Project the postures of every lab that decides this month, together.

        They decide simultaneously, on the state of the world before any of them releases
        (``sim.foresight.project_all``); their projections wait in ``_foresights``.
        """
        deciding = [lab.index for lab in self.labs
                    if not lab.locked and lab.is_release_month(self.month)]
        states: list[DecisionState] = []
        for i in deciding:
            states.append(self.decision_state(i, states[0] if states else None))
        projected = project_all(states, self.cfg) if states else []
        self._foresights = dict(zip(deciding, projected, strict=True))

    def payoff_terms(self, lab_index: int) -> dict[str, np.ndarray]:
        """The payoff terms of each posture for a lab deciding now (``sim.agents.lab``).

        Projects each posture over the lab's next release cycles (:func:`sim.foresight.project`
        on :meth:`decision_state`) and adds the state the other terms read: investor pressure,
        prominence at home and closeness to the frontier.
        """
        cfg = self.cfg
        lab = cfg.labs[self.lab_names[lab_index]]
        home = self.home_government(lab_index)
        foresight = self._foresights.pop(lab_index, None)
        if foresight is None:
            foresight = project(self.decision_state(lab_index), cfg)
        lb, g = cfg.lab_behaviour, cfg.model.capability_oom_per_month
        bloc = self.lab_bloc[lab_index]
        home_region = REGIONS.index(Region(BLOCS[bloc].value))
        mine = np.arange(len(self.labs) * SLOTS) // SLOTS == lab_index
        heads, _ = segment_weights(cfg.developers)
        home_share = float(self.row_shares()[home_region][:, mine].sum(axis=1) @ heads)
        gap = (self.capability.max() - self.capability[lab_index]) / g
        return payoff_terms(
            foresight, self.labs[lab_index].posture,
            pressure=investor_pressure(float(self.capex_smoothed[lab_index]),
                                       float(self.revenue_smoothed[lab_index]),
                                       lb.investor_pressure),
            prominence=prominence(home_share, int((self.lab_bloc == bloc).sum())),
            proximity=frontier_proximity(gap, lb.security_scale_months),
            openness_bias=lab.openness_bias,
            endorsement=home.open_endorsement if home else 0.0,
            release_cost=home.open_release_cost if home else 0.0, behaviour=lb)
