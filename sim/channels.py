"""Channels: how a developer reaches a model (closed API, hosted open weights, self-hosting).

Each channel has a price per Mtok and provides some of three things developers value: vendor
support and indemnity, customisation (fine-tuning the weights) and control of their data.

=============== ============================ ================ ===================== ============
channel         price per Mtok               support          customisation         data control
=============== ============================ ================ ===================== ============
closed API      the lab's price              1                ``api_customisation`` 0
hosted open     cost x (1 + ``host_margin``) ``hosted_support`` ``hosted_customisation`` 0
self-hosted     cost x ``selfhost_cost_ratio`` 0              1                     1
                + fixed cost / own usage
=============== ============================ ================ ===================== ============

A developer of segment ``s`` values them with its segment's tastes (``SegmentConfig``); for an
open release it takes the better of the two open channels. Self-hosting has a fixed monthly cost,
so it pays for heavy users and not for light ones: usage is heavy-tailed within each segment,
and it grows with world token demand. These are the named components that replace a flat
"open penalty": enterprises' preference for support and indemnity, the burden of hosting and the
value of customisation and data control.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import MarketConfig, SegmentConfig


@dataclass(frozen=True)
class Tastes:
    """Tastes of a set of developers (rows), as arrays."""

    alpha: np.ndarray  # price sensitivity, utility per log USD/Mtok
    theta: np.ndarray  # zero-mean taste for open weights (utility)
    volume_mtok: np.ndarray  # own usage now, Mtok per month
    support: np.ndarray  # utility of full vendor support
    customisation: np.ndarray  # utility of full customisation
    data_control: np.ndarray  # utility of keeping data in house


def segment_tastes(segments: list[SegmentConfig], index: np.ndarray) -> tuple[np.ndarray, ...]:
    """(support, customisation, data control) tastes of developers of segments ``index``."""
    table = np.array([[s.support_value, s.customisation_value, s.data_control_value]
                      for s in segments])
    return table[index, 0], table[index, 1], table[index, 2]


def channel_utilities(common: np.ndarray, log_price: np.ndarray, cost: np.ndarray,
                      is_open: np.ndarray, tastes: Tastes, mk: MarketConfig,
                      selfhost_fixed_usd: float) -> tuple[np.ndarray, np.ndarray]:
    """Utility of every product for each developer (rows), before switching costs and noise.

    Prices and costs may carry leading batch axes; the result is then (..., rows, products).

    Args:
        common: (rows, products) or (products,) utility shared by the developers' region.
        log_price: log of each product's price (closed: the API price; open: the hosts' price).
        cost: serving cost of each product (USD per Mtok).
        is_open: open-weight flag of each product.
        tastes: the developers' tastes.
        mk: market parameters (what each channel provides).
        selfhost_fixed_usd: fixed monthly cost of self-hosting now (USD).

    Returns:
        The utilities, and whether each developer would self-host each product (False for
        closed products).
    """
    a = tastes.alpha[:, None]
    log_price, cost = log_price[..., None, :], cost[..., None, :]  # (..., rows, products)
    base = common - a * log_price
    closed = base + (tastes.support + mk.api_customisation * tastes.customisation)[:, None]
    hosted = base + (mk.hosted_support * tastes.support
                     + mk.hosted_customisation * tastes.customisation)[:, None]
    per_mtok = cost * mk.selfhost_cost_ratio \
        + (selfhost_fixed_usd / np.maximum(tastes.volume_mtok, 1e-9))[:, None]
    own = common - a * np.log(per_mtok) + (tastes.customisation + tastes.data_control)[:, None]
    selfhost = is_open & (own > hosted)
    best = np.maximum(hosted, own, out=own)
    best += tastes.theta[:, None]
    return np.where(is_open, best, closed), selfhost
