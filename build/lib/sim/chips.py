"""Compute supply: how each lab's training compute grows under export controls.

Every lab wants its compute to grow ``compute_growth_per_year``-fold (compute.growth.rest, 5x).
A lab in a controlled bloc obtains only the ``access`` share of its wanted frontier accelerators
and fills the shortfall with domestic accelerators, whose supply is limited and shared among
the bloc's labs in proportion to their shortfall. Open-source subsidies buy extra compute for a
government's open and hybrid home labs.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.config import ChipsConfig, GovernmentConfig
from sim.enums import BLOCS, Bloc


def chip_access(controls: float, leakage: float) -> float:
    """Share of wanted frontier accelerators a controlled bloc still obtains (0-1)."""
    return 1.0 - controls * (1.0 - leakage)


def domestic_supply_h100e(month: int, chips_per_year: float, growth_per_year: float,
                          perf_rel_h100: float, share_to_labs: float) -> float:
    """Domestic accelerators available to the modelled labs this month, in H100e."""
    return chips_per_year / 12.0 * growth_per_year ** (month / 12.0) * perf_rel_h100 * share_to_labs


def grow_compute(compute: np.ndarray, monthly_growth: float, access: np.ndarray,
                 domestic_h100e: np.ndarray, bloc: np.ndarray) -> np.ndarray:
    """Next month's compute of every lab (H100e).

    Args:
        compute: current compute per lab.
        monthly_growth: wanted growth rate per month (e.g. 5**(1/12) - 1).
        access: chip access per bloc (1 for an uncontrolled bloc).
        domestic_h100e: domestic supply per bloc this month (H100e).
        bloc: bloc index of each lab.
    """
    wanted = compute * monthly_growth
    obtained = wanted * access[bloc]
    shortfall = wanted - obtained
    short_by_bloc = np.bincount(bloc, weights=shortfall, minlength=access.size)
    fill = np.divide(np.minimum(domestic_h100e, short_by_bloc), short_by_bloc,
                     out=np.zeros_like(short_by_bloc), where=short_by_bloc > 0)
    return compute + obtained + shortfall * fill[bloc]


def subsidy_h100e(subsidy_usd_bn_per_year: float, usd_per_h100e: float) -> float:
    """Compute that a yearly open-source subsidy buys in one month (H100e)."""
    return subsidy_usd_bn_per_year * 1e9 / 12.0 / usd_per_h100e


def bloc_chip_access(governments: Mapping[str, GovernmentConfig]) -> np.ndarray:
    """Share of wanted frontier chips each bloc obtains, combining all governments' controls.

    Controls compound: a bloc targeted by two governments obtains the product of the two
    access shares.
    """
    access = np.ones(len(BLOCS))
    for gov in governments.values():
        for target in gov.controls_target:
            access[BLOCS.index(Bloc(target))] *= chip_access(gov.export_controls,
                                                             gov.control_leakage)
    return access


def monthly_compute(compute: np.ndarray, month: int, access: np.ndarray, bloc: np.ndarray,
                    cfg: ChipsConfig) -> np.ndarray:
    """Every lab's compute after one month of growth under export controls (H100e).

    Args:
        compute: compute per lab now (H100e).
        month: the month being simulated (domestic supply grows with it).
        access: chip access per bloc (:func:`bloc_chip_access`).
        bloc: bloc index of each lab.
        cfg: chip supply parameters.
    """
    supply = domestic_supply_h100e(month, cfg.domestic_chips_per_year,
                                   cfg.domestic_supply_growth_per_year,
                                   cfg.domestic_perf_rel_h100, cfg.domestic_share_to_labs)
    monthly = cfg.compute_growth_per_year ** (1 / 12) - 1
    return grow_compute(compute, monthly, access, np.full(len(BLOCS), supply), bloc)


def subsidised_compute(governments: Mapping[str, GovernmentConfig], openness: np.ndarray,
                       compute: np.ndarray, bloc: np.ndarray, usd_per_h100e: float) -> np.ndarray:
    """Extra compute (H100e) each lab receives this month from open-source subsidies.

    Each government's grant goes to its home bloc's labs in proportion to openness times
    compute, so closed labs get nothing and a bloc with no open or hybrid lab leaves it unspent.

    Args:
        governments: levers by region name; a region that is not a bloc has no home labs.
        openness: openness of each lab's posture (0-1).
        compute: compute per lab (H100e), the allocation weight.
        bloc: bloc index of each lab.
        usd_per_h100e: price of one H100e of compute (USD).
    """
    extra = np.zeros(compute.size)
    for name, gov in governments.items():
        if gov.open_subsidy_usd_bn_per_year <= 0 or name not in Bloc.__members__:
            continue
        weight = openness * compute * (bloc == BLOCS.index(Bloc(name)))
        if weight.sum() > 0:
            grant = subsidy_h100e(gov.open_subsidy_usd_bn_per_year, usd_per_h100e)
            extra += grant * weight / weight.sum()
    return extra
