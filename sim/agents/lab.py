"""AI labs: the payoff of each release posture, the posture choice, and the month's sales.

At each release month a lab that is not bound by an event re-chooses its posture, then releases
what that posture says (``sim.releases``). It projects each posture over its next release cycles
(``sim.foresight.project``) and adds up named payoff terms, all in months of capability
(:func:`payoff_terms`):

- ``money``: the months of capability the posture's money would buy (profit, the funding its
  revenue attracts, open-source grants), weighted more when its investment outgrows its
  returns (:func:`investor_pressure`);
- ``community``: the months of capability the global community adds to its newest open
  release, worth more to a lab short of chips (``sim.community``);
- ``reach``: the share of developers on its models (talent, reputation, standard-setting);
- ``political``: its home government's endorsement of open source rewards openness and
  penalises closing, in proportion to how prominent the lab is at home;
- ``security``: its home government's cost of releasing weights, in proportion to how close the
  weights are to the frontier;
- ``bias``: the lab's own taste for openness (an uncertain parameter; zero turns it off).

A logit rule turns payoffs into probabilities (:func:`posture_probabilities`) and the lab draws
its posture (:func:`choose_posture`). After the developers have chosen, the model books each
lab's month: new derivatives of its open family (:func:`derivative_rate`) and its sales
(:func:`month_sales`); costs and cash are in :mod:`sim.finance`, capability in
:mod:`sim.capability`; the lab's numeric state lives in the model's arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from sim.config import LabBehaviourConfig
from sim.enums import OPENNESS, POSTURES, Posture
from sim.foresight import Foresight
from sim.market import Menu
from sim.releases import SLOTS

_OPENNESS = np.array([OPENNESS[p] for p in POSTURES])
#: the payoff terms, in the order they are reported (``lab_payoff_<term>`` metrics)
TERMS = ("money", "community", "reach", "political", "security", "bias")


def investor_pressure(capex: float, revenue: float, weight: float) -> float:
    """How much more a lab's financiers weigh money: ``weight * ln(1 + capex / revenue)``.

    ``capex`` and ``revenue`` are the lab's smoothed monthly spending on accelerators and
    revenue; the ratio is floored at 1% of capex for a lab with no revenue, so the pressure is
    finite. A ratio of money to money: unchanged when every money quantity is scaled.
    """
    capex = max(capex, 0.0)
    return weight * float(np.log1p(capex / max(revenue, 0.01 * capex, 1e-300)))


def prominence(home_share: float, home_labs: int) -> float:
    """A lab's prominence at home: its share of home developers over an equal split (1 = average).

    Closing a model many domestic developers build on costs a government more than closing one
    nobody uses.
    """
    return home_share * max(home_labs, 1)


def frontier_proximity(gap_months: float, scale_months: float) -> float:
    """``exp(-gap / scale)``: 1 for frontier-level weights, falling as the lab trails."""
    return float(np.exp(-max(gap_months, 0.0) / scale_months))


def payoff_terms(foresight: Foresight, current: Posture, *, pressure: float, prominence: float,
                 proximity: float, openness_bias: float, endorsement: float,
                 release_cost: float, behaviour: LabBehaviourConfig) -> dict[str, np.ndarray]:
    """Each payoff term of each posture (order: open, hybrid, closed), in months of capability.

    ``money = money_weight * (1 + pressure) * money_months``,
    ``community = community_weight * community_months``, ``reach = reach_value * share``,
    ``political = endorsement * prominence * (endorsement_reward * o - political_cost *
    closing)``, ``security = -security_cost * release_cost * proximity * o`` and
    ``bias = openness_bias * o``, where ``o`` is the posture's openness (1, 0.5, 0) and
    ``closing`` the openness given up relative to the current posture.

    Args:
        foresight: the lab's projection of each posture (``sim.foresight.project``).
        current: the lab's posture now.
        pressure: :func:`investor_pressure`.
        prominence: :func:`prominence`.
        proximity: :func:`frontier_proximity`.
        openness_bias: the lab's own taste for openness.
        endorsement: its home government's endorsement of open source (0-1).
        release_cost: its home government's regulatory/security cost of open weights (0-1).
        behaviour: the weights.
    """
    b = behaviour
    closing = np.maximum(OPENNESS[current] - _OPENNESS, 0.0)
    return {
        "money": b.money_weight * (1.0 + pressure) * foresight.money_months,
        "community": b.community_weight * foresight.community_months,
        "reach": b.reach_value * foresight.share,
        "political": endorsement * prominence * (b.endorsement_reward * _OPENNESS
                                                 - b.political_cost * closing),
        "security": -b.security_cost * release_cost * proximity * _OPENNESS,
        "bias": openness_bias * _OPENNESS,
    }


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


def derivative_rate(open_users: np.ndarray, propensity: np.ndarray, per_month: float
                    ) -> np.ndarray:
    """Expected new derivative models of each lab's family this month (a Poisson rate).

    ``per_month * propensity * open_users``: developers publish derivatives of the open
    releases they build on, at a lab-specific propensity.

    Args:
        open_users: per lab, global share of developers on its open releases (0-1).
        propensity: per lab, relative propensity to attract derivatives.
        per_month: derivatives a month if every developer built on one open family.
    """
    return per_month * propensity * open_users


@dataclass(frozen=True)
class MonthSales:
    """What every lab sold in a month (USD bn, and H100e of serving its closed products)."""

    revenue: np.ndarray  # API bill of closed products + captured services on hosted open ones
    api_margin: np.ndarray  # API bill minus serving cost at the market's cost per Mtok
    compliance: np.ndarray  # content-rules cost: rules_cost x API margin
    serving_h100e: np.ndarray  # H100e-months its closed products' tokens occupy


def month_sales(menu: Menu, tokens: np.ndarray, hosted: np.ndarray, cloud_capture: np.ndarray,
                rules_cost: np.ndarray | float, rental_usd_per_h100e_month: float) -> MonthSales:
    """Every lab's sales this month, booked as the labs project them (``sim.foresight``).

    Closed products are served on the lab's compute: their tokens at the market's serving cost
    per Mtok, divided by the monthly rent of an H100e, give the H100e they occupy. Open weights
    are served by third-party hosts or by their users; the lab captures ``cloud_capture`` of
    the serving cost of the hosted tokens.

    Args:
        menu: the products on offer.
        tokens: Mtok on each product this month.
        hosted: Mtok on each product served by third-party hosts (open products).
        cloud_capture: per lab, share of open-model serving revenue it captures.
        rules_cost: per lab, the home government's content-rules cost (share of API margin).
        rental_usd_per_h100e_month: rent of one H100e for a month now (USD).
    """
    def per_lab(closed_value: np.ndarray | float, open_value: np.ndarray | float) -> np.ndarray:
        return np.where(menu.is_open, open_value, closed_value).reshape(-1, SLOTS).sum(axis=1)

    api = per_lab(tokens * menu.price, 0.0)
    serving = per_lab(tokens * menu.cost, 0.0)
    services = per_lab(0.0, hosted * menu.cost)
    margin = (api - serving) / 1e9
    return MonthSales(revenue=(api + services * cloud_capture) / 1e9, api_margin=margin,
                      compliance=rules_cost * margin,
                      serving_h100e=serving / max(rental_usd_per_h100e_month, 1e-12))


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
        #: open-minus-closed difference of each payoff term at the last decision (months)
        self.term_gaps = dict.fromkeys(TERMS, 0.0)

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
        """At a release month: re-decide the posture (unless an event fixed it), then release."""
        m = self.model
        if not self.is_release_month(m.month):
            return
        if not self.locked:
            terms = m.payoff_terms(self.index)
            payoff = sum(terms.values())
            prob = posture_probabilities(payoff, self.posture, m.cfg.lab_behaviour.inertia,
                                         m.cfg.lab_behaviour.temperature)
            self.term_gaps = {k: float(v[0] - v[-1]) for k, v in terms.items()}
            self.expected_openness = float(prob @ _OPENNESS)
            self.posture = choose_posture(prob, m.streams["labs"])
        m.release(self.index)
