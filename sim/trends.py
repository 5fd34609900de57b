"""Exogenous trends whose growth slows: the world's accelerator output and token demand.

A quantity that grows ``G``-fold a year at first, with its log growth rate halving every ``h``
months, is ``X(t) = X0 * exp(ln(G) / 12 * h / ln 2 * (1 - 2 ** (-t / h)))``: it approaches
``X0 * G ** (h / (12 ln 2))`` instead of growing without bound. ``h`` very large gives plain
exponential growth ``X0 * G ** (t / 12)``.
"""

from __future__ import annotations

import math


def slowing_growth(month: float, growth_per_year: float, halflife_months: float) -> float:
    """Growth factor ``X(t) / X0`` after ``month`` months (see the module docstring)."""
    rate = math.log(growth_per_year) / 12.0
    return math.exp(rate * halflife_months / math.log(2.0)
                    * (1.0 - 2.0 ** (-month / halflife_months)))
