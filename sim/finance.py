"""Labs' money: funding, running costs, the budget for accelerators, and what money is worth.

Every quantity is a monthly flow or a stock in USD bn, as arrays over labs. The month's accounts
(:func:`close_month`) are

    cash' = cash + revenue + funding - capex - running costs,

where running costs are the fleet's power and operations, rented serving capacity, staff and the
home government's content-rules cost. Funding follows the lab's financier (:func:`funding`):
investors and parents put in more when revenue grows. A lab commits part of the cash it can
spare beyond a reserve to accelerators (:func:`purchase_budget`); a lab whose cash cannot cover
its running costs idles part of its fleet (:func:`close_month` returns the active share), so
cash never goes negative. The posture decision values money by the months of capability it buys
(:func:`money_months`), a ratio of money to the price of compute, so doubling every money
quantity changes no decision.
"""

from __future__ import annotations

import numpy as np

LN10 = np.log(10.0)
#: Largest multiple of its starting traction a lab's funding responds to (a guard: a starting
#: traction of almost nothing must not send funding to infinity).
MAX_FUNDING_RATIO = 1e9


def funding(base_usd_bn_per_year: np.ndarray, revenue: np.ndarray, revenue_start: np.ndarray,
            elasticity: np.ndarray) -> np.ndarray:
    """Monthly funding of each lab (USD bn): its financier's response to its traction.

    ``funding = base / 12 * ((R + f) / (R0 + f)) ** elasticity`` with ``R`` the lab's traction
    now (:func:`traction`: smoothed monthly revenue plus the value of its developers), ``R0`` its
    traction at the start and a floor ``f = base / 120`` (a tenth of the base monthly funding)
    so that a lab with no traction yet is still funded. With elasticity 1 (investors valuing a
    lab at a stable multiple of its traction and raising a stable share of its value a year)
    funding grows in proportion to traction; 0 is a funder that ignores it.

    Args:
        base_usd_bn_per_year: funding at the starting traction (``funding_usd_bn_per_year``).
        revenue: traction now (USD bn a month).
        revenue_start: traction in the first month (USD bn a month).
        elasticity: ``funding_revenue_elasticity`` of each lab.
    """
    base = np.asarray(base_usd_bn_per_year, dtype=float) / 12.0
    floor = base / 10.0
    reference = np.maximum(revenue_start, 0.0) + floor
    # a base so small that its floor underflows to zero is funded at the base (ratio 1); a
    # reference of almost nothing cannot multiply funding beyond MAX_FUNDING_RATIO
    with np.errstate(over="ignore"):
        ratio = np.divide(np.maximum(revenue, 0.0) + floor, reference, out=np.ones_like(base),
                          where=reference > 0)
    return base * np.minimum(ratio, MAX_FUNDING_RATIO) ** np.asarray(elasticity, dtype=float)


def traction(revenue: np.ndarray, share: np.ndarray, market_revenue: float | np.ndarray,
             reach_weight: float) -> np.ndarray:
    """What financiers fund: revenue plus the value of the developers a lab holds (USD bn/month).

    ``revenue + reach_weight * share * market_revenue``: a developer is valued at the market's
    revenue per developer (``market_revenue`` is every modelled lab's revenue, ``share`` the
    lab's share of developers), so a lab with many users and little revenue (an open lab) is
    still funded for its reach, as investors fund user growth. ``reach_weight = 0`` funds
    revenue alone. A sum of money, so it scales with every money quantity.
    """
    return np.maximum(revenue, 0.0) + reach_weight * np.maximum(share, 0.0) * market_revenue


def smooth(previous: np.ndarray, value: np.ndarray, months: float) -> np.ndarray:
    """Exponential smoothing over ``months`` (a run-rate as investors read it)."""
    return previous + (value - previous) / months


def staff_cost(staff_usd_bn_per_year: np.ndarray, month: int, growth_per_year: float
               ) -> np.ndarray:
    """Monthly staff cost of each lab (USD bn), growing ``growth_per_year``-fold a year."""
    return np.asarray(staff_usd_bn_per_year, dtype=float) / 12.0 * growth_per_year ** (month / 12)


def purchase_budget(cash: np.ndarray, funding_now: np.ndarray, running: np.ndarray, *,
                    reserve_months: float, spend_share: float) -> np.ndarray:
    """USD bn each lab may spend on accelerators this month.

    ``spend_share * max(cash + funding - running * (1 + reserve_months), 0)``: the lab pays
    this month's running costs (``running``, last month's as its estimate), keeps a reserve of
    ``reserve_months`` of them and commits a share of the rest. This month's revenue is not yet
    earned and is not spent.
    """
    spare = cash + funding_now - running * (1.0 + reserve_months)
    return spend_share * np.maximum(spare, 0.0)


def close_month(cash: np.ndarray, revenue: np.ndarray, funding_now: np.ndarray,
                capex: np.ndarray, running: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each lab's cash after the month and the share of its running costs it could pay.

    Running costs the lab cannot pay are not incurred: it idles that share of its fleet and
    staff (the share is returned; 1 = everything ran), so cash never falls below zero.
    """
    before = cash + revenue + funding_now - capex
    active = np.divide(np.maximum(before, 0.0), running, out=np.ones_like(running),
                       where=running > before)
    return before - running * np.minimum(active, 1.0), np.minimum(active, 1.0)


def money_months(money: np.ndarray, *, fill: float, usd_per_h100e: float,
                 training_h100e: float, planning_months: float, oom_per_month: float
                 ) -> np.ndarray:
    """Months of capability that ``planning_months`` of a monthly sum of money would buy.

    ``log10(1 + fill * H * money / (price * T)) / oom_per_month``: the money buys compute at
    ``usd_per_h100e`` (the lab's price per H100e), of which only the share ``fill`` of its
    orders that chip supply lets through arrives, and capability rises with log10 of training
    compute ``T``. A ratio of money to the price of compute, so it is unchanged when every
    money quantity is multiplied by the same factor.

    Args:
        money: monthly money under each option (USD bn), non-negative.
        fill: share of the lab's recent orders that were delivered (0-1).
        usd_per_h100e: the lab's average price per H100e (USD).
        training_h100e: the lab's training compute now (H100e).
        planning_months: months of the money the lab weighs.
        oom_per_month: OOM of capability per month of frontier progress.
    """
    compute_bought = fill * planning_months * np.maximum(money, 0.0) * 1e9 / usd_per_h100e
    return np.log10(1.0 + compute_bought / np.maximum(training_h100e, 1.0)) / oom_per_month
