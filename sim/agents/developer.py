"""Downstream developers: a structure-of-arrays population behind one Mesa agent per region.

Each developer has a region, a segment (enterprise, startup, independent developer, public
sector), a price sensitivity, a zero-mean taste for open weights, a monthly usage volume
(heavy-tailed within its segment) and builds on one product. Each month a share of them
reconsider and pick the product with the highest random utility (multinomial logit, drawn
exactly with Gumbel noise, drawn as an exponential race, :func:`choose`):

    U_dj = V_rj + W_dj - s * switch_dj + eps_dj

where ``V_rj`` (:func:`common_utility`) collects capability, network effects, the derivative
ecosystem and regional affinity, ``W_dj`` (:func:`sim.channels.channel_utilities`) the price and
what the channel gives the developer's segment (support, customisation, data control; for open
weights the better of a third-party host and self-hosting), ``switch_dj`` is 1 for another
lab's product and ``within_family_switch`` for the same lab's other product, and ``eps`` is
standard Gumbel. Developers whose current product is no longer accessible (a ban, a lab
withdrawing its closed API) must reconsider that month (:func:`region_choices`). Welfare is the
logsum of each segment's typical developer (:func:`consumer_surplus`). The population is held in
NumPy arrays: the same rule applied by one Mesa agent per developer makes the developer step
15-40 times slower (``benchmarks/results.md``).
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.channels import Tastes, channel_utilities, segment_tastes
from sim.config import DeveloperConfig


def common_utility(capability_months: np.ndarray, family_share: np.ndarray,
                   derivatives: np.ndarray, is_open: np.ndarray, age_months: np.ndarray,
                   affinity: np.ndarray, cfg: DeveloperConfig) -> np.ndarray:
    """Utility shared by all developers of a region for each product (before price and taste).

    ``capability_weight * months + network_effect * ln(family share + 0.01)
    + ecosystem_weight * ln(1 + D/1e4) * exp(-age / ecosystem_fade_months) * open + affinity``:
    the derivative ecosystem counts for open releases and fades as the release ages (its
    fine-tunes move on to newer models).

    Args:
        capability_months: capability of each product relative to the frontier, in months.
        family_share: global share of developers on each product's lab family (0-1).
        derivatives: derivative count of each product's family.
        is_open: open-weight flag per product.
        age_months: months since each product was released.
        affinity: utility of each product's bloc for this region.
        cfg: developer parameters.
    """
    network = cfg.network_effect * np.log(family_share + 0.01)
    fresh = np.exp(-age_months / cfg.ecosystem_fade_months)
    ecosystem = cfg.ecosystem_weight * np.log1p(derivatives / 1e4) * fresh * is_open
    return cfg.capability_weight * capability_months + network + ecosystem + affinity


def segment_list(cfg: DeveloperConfig) -> list:
    """The segments' parameters in their configured order."""
    return list(cfg.segments.values())


def representative_tastes(cfg: DeveloperConfig, volume_growth: float) -> Tastes:
    """Tastes of each segment's typical developer (rows = segments).

    Mean price sensitivity, no idiosyncratic taste for openness, the segment's median usage
    grown with world demand (``volume_growth``, x since 2025-01).
    """
    segs = segment_list(cfg)
    index = np.arange(len(segs))
    support, custom, data = segment_tastes(segs, index)
    return Tastes(alpha=cfg.price_sensitivity * np.array([s.price_sensitivity_rel
                                                          for s in segs]),
                  theta=np.zeros(len(segs)),
                  volume_mtok=np.array([s.tokens_mtok_per_month for s in segs]) * volume_growth,
                  support=support, customisation=custom, data_control=data)


def segment_weights(cfg: DeveloperConfig) -> tuple[np.ndarray, np.ndarray]:
    """Each segment's share of developers, and its share of tokens (typical usage x count).

    A lognormal's mean is its median times ``exp(sigma^2 / 2)``.
    """
    segs = segment_list(cfg)
    heads = np.array([s.share for s in segs])
    heads = heads / heads.sum() if heads.sum() > 0 else heads
    tokens = heads * np.array([s.tokens_mtok_per_month * np.exp(s.tokens_sigma ** 2 / 2)
                               for s in segs])
    return heads, tokens / tokens.sum() if tokens.sum() > 0 else tokens


def utilities(common: np.ndarray, log_price: np.ndarray, cost: np.ndarray, is_open: np.ndarray,
              tastes: Tastes, current: np.ndarray, product_lab: np.ndarray, cfg: DeveloperConfig,
              mk, selfhost_fixed_usd: float) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic utility of every product for each developer (rows) before Gumbel noise.

    ``current`` holds each developer's product index, or -1 for one who builds on nothing yet.
    Also returns whether each developer would self-host each product.
    """
    u, selfhost = channel_utilities(common, log_price, cost, is_open, tastes, mk,
                                    selfhost_fixed_usd)
    u -= switching_table(product_lab, cfg.switching_cost, cfg.within_family_switch)[current]
    return u, selfhost


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

    Drawn as an exponential race, which picks exactly as ``argmax(u + Gumbel)`` does (``-ln E``
    is standard Gumbel for ``E`` standard exponential, so the pick is ``argmin(E / exp(u))``)
    and costs a fifth of the Gumbel draws. Utilities are shifted by each row's maximum first, so
    no weight overflows; products not allowed have weight 0 and are never picked. Rows with no
    allowed product keep index -1 (the developer builds on nothing this month).
    """
    z = np.where(allowed, u, -np.inf)
    top = z.max(axis=1, keepdims=True)
    top[~np.isfinite(top)] = 0.0
    z -= top
    weight = np.exp(z, out=z)
    race = rng.standard_exponential(size=u.shape)
    with np.errstate(divide="ignore"):
        race /= weight
    pick = race.argmin(axis=1)
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


def consumer_surplus(v: np.ndarray, allowed: np.ndarray, price_sensitivity: np.ndarray | float,
                     region_sizes: np.ndarray, segment_weights: np.ndarray | None = None
                     ) -> np.ndarray:
    """Logsum welfare of each region's developers, and the developer-weighted mean.

    ``CS_rs = ln(sum_j exp(v_rsj)) / alpha_s`` over the products segment ``s`` of region ``r``
    may use (Small and Rosen 1981): the expected best utility of a logit chooser, in units of
    log price; a region's value is the mean over its segments weighted by their shares. A row
    with no accessible product gets 0.

    Args:
        v: (regions, segments, products) utility of each segment's typical developer, or
            (regions, products) for a single segment.
        allowed: the same shape: which products each row may use.
        price_sensitivity: each segment's mean price sensitivity ``alpha_s`` (or one value).
        region_sizes: developers per region, the weights of the mean.
        segment_weights: segments' shares of developers (one segment if None).

    Returns:
        One value per region, then the weighted mean (0 when there are no developers).
    """
    if v.ndim == 2:
        v, allowed = v[:, None, :], allowed[:, None, :]
    z = np.where(allowed, v, -np.inf)
    top = z.max(axis=-1)
    safe = np.where(np.isfinite(top), top, 0.0)
    logsum = np.where(np.isfinite(top), safe + np.log(np.exp(z - safe[..., None]).sum(axis=-1)),
                      0.0)
    alpha = np.maximum(np.broadcast_to(np.asarray(price_sensitivity, float),
                                       (logsum.shape[1],)), 1e-9)
    w = np.ones(logsum.shape[1]) if segment_weights is None else np.asarray(segment_weights)
    per_region = (logsum / alpha) @ (w / w.sum())
    total = float(np.average(per_region, weights=region_sizes)) \
        if region_sizes.sum() > 0 else 0.0
    return np.append(per_region, total)


def region_choices(pop: DeveloperPopulation, idx: np.ndarray, market: np.ndarray,
                   public: np.ndarray, common: np.ndarray, log_price: np.ndarray,
                   cost: np.ndarray, is_open: np.ndarray, product_lab: np.ndarray,
                   cfg: DeveloperConfig, mk, volume_growth: float, selfhost_fixed_usd: float,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which of one region's developers reconsider this month, what each picks and how.

    A developer reconsiders with probability ``reconsider_per_month``, and always when its
    current product is no longer open to it; a mover picks by :func:`choose` over the products
    its segment may use. Draws: one uniform per developer of the region, then one exponential per
    mover and product the region may use (none when nobody moves).

    Args:
        pop: the population (read only).
        idx: indices of the region's developers in ``pop``.
        market: bool per product, what the region's private developers may use.
        public: bool per product, what its public-sector developers may use.
        common: the region's common utility of each product.
        log_price: log price of each product.
        cost: serving cost of each product (USD per Mtok).
        is_open: open-weight flag of each product.
        product_lab: owning lab of each product (for switching costs).
        cfg: developer parameters.
        mk: market parameters (the channels).
        volume_growth: growth of usage since 2025-01 (x), as world token demand grows.
        selfhost_fixed_usd: fixed monthly cost of self-hosting now (USD).
        rng: the developers' random stream.

    Returns:
        Indices (into ``pop``) of the movers, their new product (-1: none accessible) and
        whether they self-host it.
    """
    current = pop.choice[idx]
    allowed_now = np.where(pop.public[idx], public[np.maximum(current, 0)],
                           market[np.maximum(current, 0)]) & (current >= 0)
    movers = idx[(rng.random(idx.size) < cfg.reconsider_per_month) | ~allowed_now]
    if movers.size == 0:
        return movers, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    # only the products someone in the region may use, and the movers' current ones (for their
    # switching costs), are scored: the others are never chosen
    current = pop.choice[movers]
    held = np.zeros(common.size, dtype=bool)
    held[current[current >= 0]] = True
    cols = np.flatnonzero(market | public | held)
    position = np.zeros(common.size, dtype=np.int64)
    position[cols] = np.arange(cols.size)
    u, selfhost = utilities(common[cols], log_price[cols], cost[cols], is_open[cols],
                            pop.tastes(movers, volume_growth),
                            np.where(current >= 0, position[current], -1), product_lab[cols],
                            cfg, mk, selfhost_fixed_usd)
    allowed = np.where(pop.public[movers][:, None], public[None, cols], market[None, cols])
    picks = choose(u, allowed, rng)
    own = selfhost[np.arange(movers.size), np.maximum(picks, 0)] & (picks >= 0)
    return movers, np.where(picks >= 0, cols[np.maximum(picks, 0)], -1), own


class DeveloperPopulation:
    """All developers as arrays; built once from the config and the model's generator."""

    def __init__(self, n: int, cfg: DeveloperConfig, region_names: list[str],
                 rng: np.random.Generator):
        shares = np.array([cfg.region_shares[r] for r in region_names])
        counts = np.floor(shares * n).astype(int)
        counts[np.argmax(shares)] += n - counts.sum()  # keep the total exactly n
        self.region = np.repeat(np.arange(len(region_names)), counts)
        segs = segment_list(cfg)
        heads, _ = segment_weights(cfg)
        self.segment = rng.choice(len(segs), size=n, p=heads) if n else np.zeros(0, np.int64)
        self.public = np.array([s.public for s in segs], dtype=bool)[self.segment]
        sigma = cfg.price_sensitivity_sd
        rel = np.array([s.price_sensitivity_rel for s in segs])[self.segment]
        # lognormal with the segment's mean: E[alpha] = price_sensitivity * rel
        self.alpha = cfg.price_sensitivity * rel * rng.lognormal(-sigma**2 / 2, sigma, n)
        self.theta = rng.normal(0.0, cfg.open_taste_sd, n)
        median = np.array([s.tokens_mtok_per_month for s in segs])[self.segment]
        spread = np.array([s.tokens_sigma for s in segs])[self.segment]
        self.volume = median * np.exp(spread * rng.standard_normal(n))  # Mtok/month, 2025-01
        self.support, self.customisation, self.data_control = segment_tastes(segs, self.segment)
        self.choice = np.full(n, -1, dtype=np.int64)
        self.selfhost = np.zeros(n, dtype=bool)
        self.region_slices = [np.flatnonzero(self.region == r) for r in range(len(region_names))]

    @property
    def n(self) -> int:
        """Number of developers."""
        return self.region.size

    def tastes(self, idx: np.ndarray, volume_growth: float) -> Tastes:
        """The tastes of developers ``idx``, their usage grown by ``volume_growth``."""
        return Tastes(alpha=self.alpha[idx], theta=self.theta[idx],
                      volume_mtok=self.volume[idx] * volume_growth, support=self.support[idx],
                      customisation=self.customisation[idx], data_control=self.data_control[idx])


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
        movers, picks, own = region_choices(
            pop, idx, m.access[0][r], m.access[1][r], m.common_utility[r], m.log_price,
            m.menu.cost, m.menu.is_open, m.menu.lab, m.cfg.developers, m.cfg.market,
            m.volume_growth, m.selfhost_fixed_usd, m.streams["developers"])
        if movers.size:
            pop.choice[movers] = picks
            pop.selfhost[movers] = own
            m.choices_changed()
