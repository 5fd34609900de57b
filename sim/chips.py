"""Compute supply: the world's accelerators, export controls, domestic substitutes, fleets.

Accelerators are bought, not granted. Each month the world produces ``W(t)`` H100e
(:func:`world_output_h100e`, an input from the ``compute.world_stock.*`` rows), of which the
modelled labs may buy a share. A lab orders what its budget pays for, up to the growth it
wants (:func:`orders_h100e`). A bloc under export controls obtains only the ``access`` share of
its orders (controls net of leakage); if the labs' orders exceed their share of world output,
every order is cut in the same proportion (allocation, as in the 2023-2025 shortages). A
controlled bloc fills the rest of its orders, as far as money and output allow, with domestic
accelerators (:func:`allocate_purchases`). Fleets depreciate (:func:`depreciate`).
Closed products are served on the lab's own fleet up to ``max_serving_share`` of it, the rest
rented (:func:`serving_split`); open weights are served by third-party hosts on theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.config import ChipsConfig, GovernmentConfig
from sim.enums import BLOCS, Bloc
from sim.trends import slowing_growth


def chip_access(controls: float, leakage: float) -> float:
    """Share of its orders of frontier accelerators a controlled bloc still obtains (0-1)."""
    return 1.0 - controls * (1.0 - leakage)


def bloc_chip_access(governments: Mapping[str, GovernmentConfig]) -> np.ndarray:
    """Share of its orders of frontier chips each bloc obtains, combining all controls.

    Controls compound: a bloc targeted by two governments obtains the product of the two
    access shares.
    """
    access = np.ones(len(BLOCS))
    for gov in governments.values():
        for target in gov.controls_target:
            access[BLOCS.index(Bloc(target))] *= chip_access(gov.export_controls,
                                                             gov.control_leakage)
    return access


def world_output_h100e(month: int, cfg: ChipsConfig) -> float:
    """World output of AI accelerators in ``month`` (H100e).

    Output grows at ``G = world_output_growth_per_year`` at first, and the log growth rate
    halves every ``world_output_growth_halflife_months`` (``h``):
    ``W(t) = W0 * exp(ln(G) / 12 * h / ln 2 * (1 - 2 ** (-t / h)))``.
    """
    return cfg.world_output_h100e_per_month * slowing_growth(
        month, cfg.world_output_growth_per_year, cfg.world_output_growth_halflife_months)


def monthly_depreciation(cfg: ChipsConfig) -> float:
    """Share of a fleet retired each month."""
    return 1.0 - (1.0 - cfg.depreciation_per_year) ** (1.0 / 12.0)


def price_factor(month: int, cfg: ChipsConfig) -> float:
    """Price of an H100e in ``month`` relative to 2025-01 (falls ``price_decline_per_year``)."""
    return cfg.price_decline_per_year ** (-month / 12.0)


def domestic_supply_h100e(month: int, cfg: ChipsConfig) -> float:
    """Domestic accelerators the controlled bloc's modelled labs may buy this month (H100e)."""
    return (cfg.domestic_chips_per_year / 12.0 * cfg.domestic_supply_growth_per_year
            ** (month / 12.0) * cfg.domestic_perf_rel_h100 * cfg.domestic_share_to_labs)


def orders_h100e(fleet: np.ndarray, budget_usd_bn: np.ndarray, usd_per_h100e: float,
                 growth_per_year: float, depreciation: float) -> np.ndarray:
    """H100e each lab orders: what its budget buys, at most the fleet growth it wants.

    ``min(budget / price, fleet * (growth ** (1/12) - 1 + depreciation))``.
    """
    wanted = fleet * (growth_per_year ** (1.0 / 12.0) - 1.0 + depreciation)
    return np.minimum(budget_usd_bn * 1e9 / usd_per_h100e, wanted)


@dataclass(frozen=True)
class Purchases:
    """One month's purchases of every lab, in H100e and USD bn."""

    frontier: np.ndarray  # H100e of frontier accelerators delivered
    domestic: np.ndarray  # H100e of domestic accelerators delivered
    capex: np.ndarray  # USD bn paid
    fill: np.ndarray  # delivered / ordered (1 when nothing was ordered)

    @property
    def delivered(self) -> np.ndarray:
        """H100e delivered to each lab."""
        return self.frontier + self.domestic


def allocate_purchases(orders: np.ndarray, budget_usd_bn: np.ndarray, bloc: np.ndarray,
                       access: np.ndarray, labs_supply_h100e: float,
                       domestic_h100e: np.ndarray, usd_per_h100e: float,
                       domestic_usd_per_h100e: float) -> Purchases:
    """Deliveries and spending of every lab this month.

    1. Frontier: each lab obtains ``access[bloc] * order``; if the total exceeds the labs'
       share of world output, every lab's frontier delivery is cut in the same proportion.
    2. Domestic: the rest of each order, as far as the lab's remaining budget pays at the
       domestic price, is shared out of its bloc's domestic output in proportion to demand.

    Args:
        orders: H100e each lab orders (:func:`orders_h100e`).
        budget_usd_bn: what each lab may spend (USD bn).
        bloc: bloc index of each lab.
        access: share of orders each bloc obtains (:func:`bloc_chip_access`).
        labs_supply_h100e: world output the modelled labs may buy this month.
        domestic_h100e: domestic output each bloc's labs may buy this month (by bloc).
        usd_per_h100e: price of frontier accelerators (USD per H100e).
        domestic_usd_per_h100e: price of domestic accelerators (USD per H100e).
    """
    frontier = orders * access[bloc]
    total = frontier.sum()
    if total > labs_supply_h100e:
        frontier = frontier * (labs_supply_h100e / total)
    left_usd = np.maximum(budget_usd_bn * 1e9 - frontier * usd_per_h100e, 0.0)
    demand = np.minimum(orders - frontier, left_usd / domestic_usd_per_h100e)
    demand = np.maximum(demand, 0.0)
    by_bloc = bloc_totals(demand, bloc)
    fill = np.divide(np.minimum(domestic_h100e, by_bloc), by_bloc, out=np.zeros_like(by_bloc),
                     where=by_bloc > 0)
    domestic = demand * fill[bloc]
    capex = (frontier * usd_per_h100e + domestic * domestic_usd_per_h100e) / 1e9
    delivered = frontier + domestic
    ratio = np.divide(delivered, orders, out=np.ones_like(orders), where=orders > 0)
    return Purchases(frontier=frontier, domestic=domestic, capex=capex, fill=ratio)


def depreciate(fleet: np.ndarray, monthly_rate: float) -> np.ndarray:
    """Fleets after a month's retirements (H100e)."""
    return fleet * (1.0 - monthly_rate)


def serving_split(need_h100e: np.ndarray, fleet: np.ndarray, active: np.ndarray,
                  max_share: float) -> tuple[np.ndarray, np.ndarray]:
    """(served on the lab's own fleet, rented) H100e of each lab's closed-product serving."""
    own = np.minimum(need_h100e, max_share * active * fleet)
    return own, need_h100e - own


def bloc_totals(values: np.ndarray, bloc: np.ndarray) -> np.ndarray:
    """Sum of a per-lab array by bloc."""
    return np.bincount(bloc, weights=values, minlength=len(BLOCS))


def bloc_supply_bound(access: np.ndarray, labs_supply_h100e: float, domestic_h100e: np.ndarray
                      ) -> np.ndarray:
    """H100e each bloc's labs could at most obtain this month (the run-time check's bound)."""
    return access * labs_supply_h100e + domestic_h100e


def domestic_by_bloc(month: int, cfg: ChipsConfig) -> np.ndarray:
    """Domestic output by bloc: only ``cfg.domestic_bloc`` makes substitutes."""
    out = np.zeros(len(BLOCS))
    out[BLOCS.index(Bloc(cfg.domestic_bloc))] = domestic_supply_h100e(month, cfg)
    return out


def open_subsidies(governments: Mapping[str, GovernmentConfig], openness: np.ndarray,
                   weight: np.ndarray, bloc: np.ndarray) -> np.ndarray:
    """Monthly open-source grant each lab receives (USD bn).

    Each government's yearly grant goes to its home bloc's labs in proportion to openness times
    ``weight`` (their fleets), so closed labs get nothing and a bloc with no open or hybrid lab
    leaves it unspent. The grant is money: it buys accelerators through the lab's budget.
    """
    grant = np.zeros(weight.size)
    for name, gov in governments.items():
        if gov.open_subsidy_usd_bn_per_year <= 0 or name not in Bloc.__members__:
            continue
        w = openness * weight * (bloc == BLOCS.index(Bloc(name)))
        if w.sum() > 0:
            grant += gov.open_subsidy_usd_bn_per_year / 12.0 * w / w.sum()
    return grant
