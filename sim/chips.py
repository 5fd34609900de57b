"""Compute supply: how each lab's training compute grows under export controls.

Every lab wants its compute to grow ``compute_growth_per_year``-fold (compute.growth.rest, 5x).
A lab in a controlled bloc obtains only the ``access`` share of its wanted frontier accelerators
and fills the shortfall with domestic accelerators, whose supply is limited and shared among
the bloc's labs in proportion to their shortfall. Open-source subsidies buy extra compute for a
government's open and hybrid home labs.
"""

from __future__ import annotations

import numpy as np


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
