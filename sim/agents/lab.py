"""AI labs: release posture choice and capability growth.

A lab's flagship capability (log10 effective training FLOP) is

    C = log10(compute_h100e) + k + b * community_boost,

with ``k`` its algorithmic knowledge and ``b`` = openness of its posture (open 1, hybrid 0.5,
closed 0). Knowledge grows by shared algorithmic progress, by spillovers from openly released
techniques (absorbed more by compute-rich labs) and by imitation of better open weights and of
the frontier (:func:`knowledge_step`). At each release month a lab that is not bound by an event
re-chooses its posture by comparing expected payoffs (:func:`posture_payoffs`) through a logit
rule with inertia (:func:`choose_posture`).
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.enums import OPENNESS, POSTURES, Posture

_OPENNESS = np.array([OPENNESS[p] for p in POSTURES])


def community_boost(derivatives: float | np.ndarray, gain_oom: float) -> float | np.ndarray:
    """Capability (OOM) that the derivative community adds to an open family."""
    return gain_oom * np.log1p(np.asarray(derivatives) / 1e4)


def knowledge_step(research_efficiency: np.ndarray, compute: np.ndarray, capability: np.ndarray,
                   best_open: float, frontier: float, open_fraction: float, *,
                   algorithmic: float, spillover: float, half_compute: float,
                   imitation_open: float, imitation_closed: float) -> np.ndarray:
    """Monthly growth of each lab's algorithmic knowledge (OOM).

    ``dk = algorithmic * efficiency + spillover * open_fraction * absorb
    + imitation_open * max(best_open - C, 0) + imitation_closed * max(frontier - C, 0)``
    with absorptive capacity ``absorb = compute / (compute + half_compute)``, so open release
    helps every lab and compute-rich labs most.
    """
    absorb = compute / (compute + half_compute)
    return (algorithmic * research_efficiency
            + spillover * open_fraction * absorb
            + imitation_open * np.maximum(best_open - capability, 0.0)
            + imitation_closed * np.maximum(frontier - capability, 0.0))


def posture_payoffs(profit: np.ndarray, open_share: np.ndarray, current: Posture, *,
                    profit_scale: float, openness_bias: float, endorsement: float,
                    political_cost: float, endorsement_reward: float, release_cost: float,
                    security_cost: float, community_value: float) -> np.ndarray:
    """Normalised expected payoff of each posture (order: open, hybrid, closed).

    ``payoff = profit / profit_scale + community_value * reach + openness_bias * o
    + endorsement * (endorsement_reward * o - political_cost * closing)
    - security_cost * release_cost * o``, where ``o`` is the posture's openness (1, 0.5, 0),
    ``reach`` the projected open share relative to the most open posture's, and ``closing`` the
    openness given up relative to the current posture.

    Args:
        profit: expected monthly profit under each posture (API margin plus cloud/services on
            open models), USD bn.
        open_share: projected share of developers on the lab's open models under each posture.
        current: the lab's posture now (closing relative to it has a political cost).
        profit_scale: what a unit of profit is measured against (the lab's monthly compute
            bill, USD bn), so a lab weighs revenue by how much of its costs it would cover.
        openness_bias: the lab's own taste for openness (talent, mission, reputation).
        endorsement: home government's endorsement of open source (0-1).
        political_cost: cost per unit of endorsement and of openness given up.
        endorsement_reward: political reward per unit of endorsement and openness.
        release_cost: home government's regulatory/security cost of open weights (0-1).
        security_cost: cost per unit of ``release_cost`` and openness.
        community_value: value of free community improvements, talent and reputation at full
            projected reach.
    """
    reach = open_share / max(float(np.max(open_share)), 1e-12)
    closing = np.maximum(OPENNESS[current] - _OPENNESS, 0.0)
    return (profit / max(profit_scale, 1e-12)
            + community_value * reach
            + openness_bias * _OPENNESS
            + endorsement * (endorsement_reward * _OPENNESS - political_cost * closing)
            - security_cost * release_cost * _OPENNESS)


def posture_probabilities(payoffs: np.ndarray, current: Posture, inertia: float,
                          temperature: float) -> np.ndarray:
    """Logit probabilities of each posture, with a bonus ``inertia`` for staying put."""
    stay = np.array([p is current for p in POSTURES], dtype=float)
    z = (payoffs + inertia * stay) / temperature
    prob = np.exp(z - z.max())
    return prob / prob.sum()


def choose_posture(prob: np.ndarray, rng: np.random.Generator) -> Posture:
    """Draw a posture from probabilities over (open, hybrid, closed)."""
    return POSTURES[int(rng.choice(len(POSTURES), p=prob))]


class Lab(mesa.Agent):
    """One AI lab; its numeric state lives in the model's lab arrays, indexed by ``index``."""

    def __init__(self, model, index: int, name: str, posture: Posture):
        super().__init__(model)
        self.index = index
        self.name = name
        self.posture = posture
        self.locked = False  # set by a lab_posture event: the lab keeps that posture
        #: openness the lab's last decision was expected to give (its decision pressure)
        self.expected_openness = OPENNESS[posture]

    @property
    def params(self):
        """This lab's current parameters (``LabConfig``), read from the model's config."""
        return self.model.cfg.labs[self.name]

    def is_release_month(self, month: int) -> bool:
        """True in the months when this lab ships a flagship and re-decides its posture."""
        p = self.params
        return month >= p.release_phase_month and \
            (month - p.release_phase_month) % p.release_interval_months == 0

    def step(self) -> None:
        """Re-decide the posture at a release month unless an event has fixed it."""
        m = self.model
        if self.locked or not self.is_release_month(m.month):
            return
        gov = m.home_government(self.index)
        beh = m.cfg.lab_behaviour
        profit, open_share = m.project_postures(self.index)
        opex = m.compute[self.index] * m.cfg.chips.opex_usd_per_h100e_month / 1e9
        payoffs = posture_payoffs(
            profit, open_share, self.posture, profit_scale=opex,
            openness_bias=self.params.openness_bias,
            endorsement=gov.open_endorsement if gov else 0.0,
            political_cost=beh.political_cost, endorsement_reward=beh.endorsement_reward,
            release_cost=gov.open_release_cost if gov else 0.0,
            security_cost=beh.security_cost, community_value=beh.community_value)
        prob = posture_probabilities(payoffs, self.posture, beh.inertia, beh.temperature)
        self.expected_openness = float(prob @ _OPENNESS)
        self.posture = choose_posture(prob, m.streams["labs"])
