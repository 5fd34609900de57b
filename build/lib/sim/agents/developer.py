"""Downstream developers: a structure-of-arrays population behind one Mesa agent per region.

Each developer has a region, a public-sector flag, a price sensitivity and a taste for open
weights, and builds on one product. Each month a share of them reconsider and pick the product
with the highest random utility (multinomial logit, drawn exactly with Gumbel noise):

    U_dj = V_rj - alpha_d * ln(price_j) + theta_d * open_j - s * switch_dj + eps_dj

where ``V_rj`` (:func:`common_utility`) collects capability, network effects, the derivative
ecosystem and regional affinity, ``switch_dj`` is 1 for another lab's product and
``within_family_switch`` for the same lab's other product, and ``eps`` is standard Gumbel.
Developers whose current product is no longer accessible (a ban, a lab closing its open tier)
must reconsider that month (:func:`region_choices`). Welfare is the logsum of the average
developer's utilities (:func:`consumer_surplus`). The population is held in NumPy arrays: the same
rule applied by one Mesa agent per developer makes the developer step 15-40 times slower
(``benchmarks/results.md``).
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


def consumer_surplus(v: np.ndarray, allowed: np.ndarray, price_sensitivity: float,
                     region_sizes: np.ndarray) -> np.ndarray:
    """Logsum welfare of each region's average developer, and the developer-weighted mean.

    ``CS_r = ln(sum_j exp(v_rj)) / alpha`` over the products region ``r`` may use (Small and
    Rosen 1981): the expected best utility of a logit chooser, in units of log price. A region
    with no accessible product gets 0.

    Args:
        v: (regions, products) representative utility (:func:`representative_utility`).
        allowed: (regions, products) which products each region's private developers may use.
        price_sensitivity: mean price sensitivity ``alpha``.
        region_sizes: developers per region, the weights of the mean.

    Returns:
        One value per region, then the weighted mean (0 when there are no developers).
    """
    z = np.where(allowed, v, -np.inf)
    top = z.max(axis=1)
    safe = np.where(np.isfinite(top), top, 0.0)
    logsum = np.where(np.isfinite(top), safe + np.log(np.exp(z - safe[:, None]).sum(axis=1)),
                      0.0)
    per_region = logsum / max(price_sensitivity, 1e-9)
    total = float(np.average(per_region, weights=region_sizes)) \
        if region_sizes.sum() > 0 else 0.0
    return np.append(per_region, total)


def region_choices(pop: DeveloperPopulation, idx: np.ndarray, market: np.ndarray,
                   public: np.ndarray, common: np.ndarray, log_price: np.ndarray,
                   is_open: np.ndarray, product_lab: np.ndarray, cfg: DeveloperConfig,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Which of one region's developers reconsider this month, and what each then picks.

    A developer reconsiders with probability ``reconsider_per_month``, and always when its
    current product is no longer open to it; a mover picks by :func:`choose` over the products
    its sector may use. Draws: one uniform per developer of the region, then one Gumbel per
    mover and product (none when nobody moves).

    Args:
        pop: the population (read only).
        idx: indices of the region's developers in ``pop``.
        market: bool per product, what the region's private developers may use.
        public: bool per product, what its public-sector developers may use.
        common: the region's common utility of each product.
        log_price: log price of each product.
        is_open: open-weight flag of each product.
        product_lab: owning lab of each product (for switching costs).
        cfg: developer parameters.
        rng: the developers' random stream.

    Returns:
        Indices (into ``pop``) of the movers and their new product (-1: none accessible).
    """
    current = pop.choice[idx]
    allowed_now = np.where(pop.public[idx], public[np.maximum(current, 0)],
                           market[np.maximum(current, 0)]) & (current >= 0)
    movers = idx[(rng.random(idx.size) < cfg.reconsider_per_month) | ~allowed_now]
    if movers.size == 0:
        return movers, np.zeros(0, dtype=np.int64)
    u = utilities(common, log_price, is_open, pop.alpha[movers], pop.theta[movers],
                  pop.choice[movers], product_lab, cfg.switching_cost, cfg.within_family_switch)
    allowed = np.where(pop.public[movers][:, None], public[None, :], market[None, :])
    return movers, choose(u, allowed, rng)


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
        r = self.region_index
        movers, picks = region_choices(pop, idx, m.access[0][r], m.access[1][r],
                                       m.common_utility[r], m.log_price, m.menu.is_open,
                                       m.menu.lab, m.cfg.developers, m.streams["developers"])
        if movers.size:
            pop.choice[movers] = picks
            m.choices_changed()
