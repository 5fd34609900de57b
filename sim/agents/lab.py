"""AI labs: profit projection, the money a posture brings, and release posture choice.

At each release month a lab that is not bound by an event re-chooses its posture. It projects
the market under each posture it might take, holding the other labs' postures fixed
(:func:`project_postures`: the menu and prices of :mod:`sim.market`, the logit shares of an
average developer of each region, and the lab's profit and revenue on them, :func:`lab_profit`),
adds the funding that revenue would attract and any open-source grant (:func:`posture_money`),
values that money by the months of capability it would buy (:func:`sim.finance.money_months`),
compares expected payoffs (:func:`posture_payoffs`) through a logit rule with inertia
(:func:`posture_probabilities`) and draws its posture (:func:`choose_posture`). After the
developers have chosen, the model books each lab's month: new derivatives of its open family
(:func:`derivative_rate`) and its sales (:func:`month_sales`: revenue, API margin, content-rules
cost, the compute its closed products' serving takes); costs and cash are in
:mod:`sim.finance`, capability growth in :mod:`sim.capability`; the lab's numeric state lives in
the model's arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import mesa
import numpy as np

import sim.finance as finance
from sim.agents.developer import logit_shares, representative_utility
from sim.config import GovernmentConfig, LabBehaviourConfig, SimConfig
from sim.enums import OPENNESS, POSTURES, Posture
from sim.market import REGION_NAMES, SLOTS, MarketInputs, Menu, build_menu, \
    common_utilities, market_access, token_demand

_OPENNESS = np.array([OPENNESS[p] for p in POSTURES])


def representative_shares(menu: Menu, inputs: MarketInputs, cfg: SimConfig) -> np.ndarray:
    """Expected global share of each product, as a lab projects it.

    The closed-form logit shares of each region's average developer (mean tastes, no
    switching), weighted by the regions' shares of developers.
    """
    dev = cfg.developers
    v = representative_utility(common_utilities(menu, inputs, cfg), np.log(menu.price),
                               menu.is_open, dev)
    market, _ = market_access(menu, inputs)
    weights = np.array([dev.region_shares[r] for r in REGION_NAMES])
    return weights @ logit_shares(v, market)


def lab_profit(menu: Menu, shares: np.ndarray, lab_index: int, tokens_mtok: float, *,
               rules_cost: float, cloud_capture: float) -> tuple[float, float, float]:
    """Expected monthly profit and revenue (USD bn) and open share of a lab given shares.

    ``profit = tokens * [sum over closed products of share * (price - cost) * (1 - rules_cost)
    + sum over open products of share * cost * cloud_capture]``: the API margin net of the home
    government's content-rules cost, plus the cloud and services revenue captured on open
    models served by others. Revenue is the API bill plus the captured services.

    Args:
        menu: the products on offer.
        shares: expected global share of each product (0-1).
        lab_index: the lab whose profit is projected.
        tokens_mtok: world token demand this month (Mtok).
        rules_cost: home government's content-rules cost (share of API profit).
        cloud_capture: share of open-model serving revenue the lab captures.

    Returns:
        The profit, the revenue and the share of developers on the lab's open products.
    """
    mine = menu.lab == lab_index
    closed, opened = mine & ~menu.is_open, mine & menu.is_open
    tokens = tokens_mtok * shares
    api = (tokens * (menu.price - menu.cost))[closed].sum() * (1 - rules_cost)
    bill = (tokens * menu.price)[closed].sum()
    services = (tokens * menu.cost)[opened].sum() * cloud_capture
    return (api + services) / 1e9, (bill + services) / 1e9, float(shares[opened].sum())


def derivative_rate(shares: np.ndarray, is_open: np.ndarray, propensity: np.ndarray,
                    per_month: float) -> np.ndarray:
    """Expected new derivative models of each lab's family this month (a Poisson rate).

    ``per_month * propensity * open_share``: developers publish derivatives of the open
    products they build on, at a lab-specific propensity.

    Args:
        shares: global share of developers on each product (0-1).
        is_open: open-weight flag of each product.
        propensity: per lab, relative propensity to attract derivatives.
        per_month: derivatives a month if every developer built on one open family.
    """
    open_users = (shares * is_open).reshape(-1, SLOTS).sum(axis=1)
    return per_month * propensity * open_users


@dataclass(frozen=True)
class MonthSales:
    """What every lab sold in a month (USD bn, and H100e of serving its closed products)."""

    revenue: np.ndarray  # API bill of closed products + captured services on open ones
    api_margin: np.ndarray  # API bill minus serving cost at the market's cost per Mtok
    compliance: np.ndarray  # content-rules cost: rules_cost x API margin
    serving_h100e: np.ndarray  # H100e-months its closed products' tokens occupy


def month_sales(menu: Menu, shares: np.ndarray, tokens_mtok: float, cloud_capture: np.ndarray,
                rules_cost: np.ndarray | float, rental_usd_per_h100e_month: float) -> MonthSales:
    """Every lab's sales this month, booked exactly as :func:`lab_profit` projects them.

    Closed products are served on the lab's compute: their tokens at the market's serving cost
    per Mtok, divided by the monthly rent of an H100e, give the H100e they occupy. Open weights
    are served by third-party hosts; the lab captures ``cloud_capture`` of that serving bill.

    Args:
        menu: the products on offer.
        shares: global share of developers on each product (0-1).
        tokens_mtok: world token demand this month (Mtok).
        cloud_capture: per lab, share of open-model serving revenue it captures.
        rules_cost: per lab, the home government's content-rules cost (share of API margin).
        rental_usd_per_h100e_month: rent of one H100e for a month now (USD).
    """
    tokens = tokens_mtok * shares

    def per_lab(closed_value: np.ndarray | float, open_value: np.ndarray | float) -> np.ndarray:
        return np.where(menu.is_open, open_value, closed_value).reshape(-1, SLOTS).sum(axis=1)

    api = per_lab(tokens * menu.price, 0.0)
    serving = per_lab(tokens * menu.cost, 0.0)
    services = per_lab(0.0, tokens * menu.cost)
    margin = (api - serving) / 1e9
    return MonthSales(revenue=(api + services * cloud_capture) / 1e9, api_margin=margin,
                      compliance=rules_cost * margin,
                      serving_h100e=serving / max(rental_usd_per_h100e_month, 1e-12))


def project_postures(lab_index: int, postures: Sequence[Posture], inputs: MarketInputs,
                     cfg: SimConfig, *, rules_cost: float, cloud_capture: float
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected profit, revenue and open share of a lab under each posture, others fixed.

    Args:
        lab_index: the lab deciding.
        postures: every lab's current posture.
        inputs: this month's market inputs.
        cfg: the running config.
        rules_cost: see :func:`lab_profit`.
        cloud_capture: see :func:`lab_profit`.

    Returns:
        Profit and revenue (USD bn per month) and open share, each in the order of
        ``POSTURES``.
    """
    profit, revenue, open_share = (np.zeros(len(POSTURES)) for _ in range(3))
    trial = list(postures)
    tokens = token_demand(inputs.month, cfg.market)
    for k, posture in enumerate(POSTURES):
        trial[lab_index] = posture
        menu = build_menu(trial, inputs, cfg)
        profit[k], revenue[k], open_share[k] = lab_profit(
            menu, representative_shares(menu, inputs, cfg), lab_index, tokens,
            rules_cost=rules_cost, cloud_capture=cloud_capture)
    return profit, revenue, open_share


def posture_money(profit: np.ndarray, revenue: np.ndarray, grants: np.ndarray, *,
                  funding_base_usd_bn_per_year: float, revenue_start: float,
                  elasticity: float) -> np.ndarray:
    """Monthly money (USD bn) a lab expects under each posture.

    Its profit, plus the funding its financier would give at that revenue
    (:func:`sim.finance.funding`), plus the open-source grant it would receive: the lab knows
    that revenue attracts money and that closing forfeits grants.
    """
    base = np.full(revenue.shape, funding_base_usd_bn_per_year)
    return profit + finance.funding(base, revenue, np.full(revenue.shape, revenue_start),
                                    np.full(revenue.shape, elasticity)) + grants


def posture_payoffs(money_months: np.ndarray, open_share: np.ndarray, current: Posture, *,
                    money_weight: float, openness_bias: float, endorsement: float,
                    political_cost: float, endorsement_reward: float, release_cost: float,
                    security_cost: float, community_value: float) -> np.ndarray:
    """Normalised expected payoff of each posture (order: open, hybrid, closed).

    ``payoff = money_weight * money_months + community_value * reach + openness_bias * o
    + endorsement * (endorsement_reward * o - political_cost * closing)
    - security_cost * release_cost * o``, where ``o`` is the posture's openness (1, 0.5, 0),
    ``reach`` the projected open share relative to the most open posture's, and ``closing`` the
    openness given up relative to the current posture.

    Args:
        money_months: months of capability the money each posture brings would buy
            (:func:`sim.finance.money_months`: profit, the funding its revenue attracts and
            open-source grants, converted into compute at the lab's price and chip supply).
        open_share: projected share of developers on the lab's open models under each posture.
        current: the lab's posture now (closing relative to it has a political cost).
        money_weight: payoff per month of capability.
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
    return (money_weight * money_months
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


def posture_choice(money_months: np.ndarray, open_share: np.ndarray, current: Posture, *,
                   openness_bias: float, home: GovernmentConfig | None,
                   behaviour: LabBehaviourConfig) -> np.ndarray:
    """Probabilities of each posture for a lab with projected money and ``open_share``.

    Combines :func:`posture_payoffs` (endorsement and release cost from the home government
    ``home``, none if absent) with :func:`posture_probabilities`.
    """
    payoffs = posture_payoffs(
        money_months, open_share, current, money_weight=behaviour.money_weight,
        openness_bias=openness_bias, endorsement=home.open_endorsement if home else 0.0,
        political_cost=behaviour.political_cost, endorsement_reward=behaviour.endorsement_reward,
        release_cost=home.open_release_cost if home else 0.0,
        security_cost=behaviour.security_cost, community_value=behaviour.community_value)
    return posture_probabilities(payoffs, current, behaviour.inertia, behaviour.temperature)


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
        money_months, open_share = m.project_postures(self.index)
        prob = posture_choice(money_months, open_share, self.posture,
                              openness_bias=self.params.openness_bias,
                              home=m.home_government(self.index), behaviour=m.cfg.lab_behaviour)
        self.expected_openness = float(prob @ _OPENNESS)
        self.posture = choose_posture(prob, m.streams["labs"])
