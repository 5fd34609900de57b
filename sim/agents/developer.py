"""Downstream developers: a structure-of-arrays population behind one Mesa agent per region.

Each developer has a region, a public-sector flag, a price sensitivity and a taste for open
weights, and builds on one product. Each month a share of them reconsider and pick the product
with the highest random utility (multinomial logit, drawn exactly with Gumbel noise):

    U_dj = V_rj - alpha_d * ln(price_j) + theta_d * open_j - s * switch_dj + eps_dj

where ``V_rj`` (:func:`common_utility`) collects capability, network effects, the derivative
ecosystem and regional affinity, ``switch_dj`` is 1 for another lab's product and
``within_family_switch`` for the same lab's other product, and ``eps`` is standard Gumbel.
Developers whose current product is no longer accessible (a ban, a lab closing its open tier)
must reconsider that month. The population is held in NumPy arrays: the same rule applied by one
Mesa agent per developer makes the developer step 15-40 times slower (``benchmarks/results.md``).
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.config import DeveloperConfig


def common_utility(capability_months: np.ndarray, family_share: np.ndarray,
                   derivatives: np.ndarray, is_open: np.ndarray, affinity: np.ndarray,
                   cfg: DeveloperConfig) -> np.ndarray:
    """Utility shared by all developers of a region for each product (before price and taste).

    Args:
        capability_months: capability of each product relative to the frontier, in months.
        family_share: global share of developers on each product's lab family (0-1).
        derivatives: derivative count of each product's family.
        is_open: open-weight flag per product; the derivative ecosystem counts only for those.
        affinity: utility of each product's bloc for this region.
        cfg: developer parameters.
    """
    network = cfg.network_effect * np.log(family_share + 0.01)
    ecosystem = cfg.ecosystem_weight * np.log1p(derivatives / 1e4) * is_open
    return cfg.capability_weight * capability_months + network + ecosystem + affinity


def representative_utility(common: np.ndarray, log_price: np.ndarray, is_open: np.ndarray,
                           cfg: DeveloperConfig) -> np.ndarray:
    """Utility of each product for a region's average developer (mean tastes, no switching).

    Used by labs to project shares, for consumer surplus, and by the closed-form logit checks.
    """
    return common - cfg.price_sensitivity * log_price + cfg.open_preference * is_open


def utilities(common: np.ndarray, log_price: np.ndarray, is_open: np.ndarray,
              alpha: np.ndarray, theta: np.ndarray, current: np.ndarray, product_lab: np.ndarray,
              switching_cost: float, within_family: float) -> np.ndarray:
    """Deterministic utility of every product for each developer (rows) before Gumbel noise.

    ``current`` holds each developer's product index, or -1 for one who builds on nothing yet.
    """
    u = common[None, :] - alpha[:, None] * log_price[None, :] + theta[:, None] * is_open[None, :]
    return u - switching_table(product_lab, switching_cost, within_family)[current]


def switching_table(product_lab: np.ndarray, switching_cost: float,
                    within_family: float) -> np.ndarray:
    """Switching cost from each current product (rows) to each product (columns).

    0 to stay, ``within_family`` times the cost within the lab, the full cost otherwise; the
    last row (index -1) is a newcomer, who pays nothing.
    """
    n = product_lab.size
    table = np.ones((n + 1, n))
    table[:n][product_lab[:, None] == product_lab[None, :]] = within_family
    table[np.arange(n), np.arange(n)] = 0.0
    table[n] = 0.0  # newcomers (current = -1) pay no switching cost
    return switching_cost * table


def choose(u: np.ndarray, allowed: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Logit choice: index of the best product per row after adding Gumbel noise.

    Rows with no allowed product keep index -1 (the developer builds on nothing this month).
    """
    noisy = rng.gumbel(size=u.shape)
    noisy += u
    np.copyto(noisy, -np.inf, where=~allowed)
    pick = noisy.argmax(axis=1)
    return np.where(allowed.any(axis=1), pick, -1)


def logit_shares(v: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Closed-form multinomial logit shares ``exp(v_j) / sum_k exp(v_k)`` over allowed products."""
    z = np.where(allowed, v, -np.inf)
    top = z.max(axis=-1, keepdims=True)
    if not np.isfinite(top).all():
        top = np.where(np.isfinite(top), top, 0.0)
    e = np.exp(z - top)
    total = e.sum(axis=-1, keepdims=True)
    return np.divide(e, total, out=np.zeros_like(e), where=total > 0)


class DeveloperPopulation:
    """All developers as arrays; built once from the config and the model's generator."""

    def __init__(self, n: int, cfg: DeveloperConfig, region_names: list[str],
                 rng: np.random.Generator):
        shares = np.array([cfg.region_shares[r] for r in region_names])
        counts = np.floor(shares * n).astype(int)
        counts[np.argmax(shares)] += n - counts.sum()  # keep the total exactly n
        self.region = np.repeat(np.arange(len(region_names)), counts)
        self.public = rng.random(n) < cfg.public_sector_share
        sigma = cfg.price_sensitivity_sd
        # lognormal with the configured mean: E[alpha] = price_sensitivity
        self.alpha = cfg.price_sensitivity * rng.lognormal(-sigma**2 / 2, sigma, n)
        self.theta = rng.normal(cfg.open_preference, cfg.open_preference_sd, n)
        self.choice = np.full(n, -1, dtype=np.int64)
        self.region_slices = [np.flatnonzero(self.region == r) for r in range(len(region_names))]

    @property
    def n(self) -> int:
        """Number of developers."""
        return self.region.size


class DeveloperRegion(mesa.Agent):
    """The developers of one region; its step lets a share of them re-choose their base model."""

    def __init__(self, model, region_index: int, name: str):
        super().__init__(model)
        self.region_index = region_index
        self.name = name

    def step(self) -> None:
        """Pick who reconsiders (a random share plus everyone cut off) and let them choose."""
        m = self.model
        pop = m.developers
        idx = pop.region_slices[self.region_index]
        if idx.size == 0:
            return
        cfg = m.cfg.developers
        current = pop.choice[idx]
        market, public = m.access[0][self.region_index], m.access[1][self.region_index]
        allowed_now = np.where(pop.public[idx], public[np.maximum(current, 0)],
                               market[np.maximum(current, 0)]) & (current >= 0)
        rng = m.streams["developers"]
        movers = idx[(rng.random(idx.size) < cfg.reconsider_per_month) | ~allowed_now]
        if movers.size == 0:
            return
        cur = pop.choice[movers]
        u = utilities(m.common_utility[self.region_index], m.log_price, m.menu.is_open,
                      pop.alpha[movers], pop.theta[movers], cur, m.menu.lab,
                      cfg.switching_cost, cfg.within_family_switch)
        allowed = np.where(pop.public[movers][:, None], public[None, :], market[None, :])
        pop.choice[movers] = choose(u, allowed, rng)
        m._counts = None  # choices changed: the model recounts shares on next use
