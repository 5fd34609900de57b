"""What the recorder reads of one month: the model's state as plain arrays and configs.

The model builds a :class:`MonthState` each month (``MarketModel.month_state``) and hands it to
the recorder (:mod:`sim.metrics`, which re-exports the class), so the recorder never reads the
model itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.config import GovernmentConfig
from sim.enums import Posture
from sim.market import Menu, Projection


@dataclass(frozen=True)
class MonthState:
    """What the recorder reads of one month: the model's state as plain arrays and configs.

    Attributes:
        month: months since the start.
        region_names: developer regions, in the order of the per-region arrays.
        lab_names: labs, in the order of the per-lab arrays.
        developer_region: region index of each developer.
        developer_segment: segment index of each developer.
        segment_names: the segments, in the order of the segment indices.
        choice: product of each developer (-1: none).
        volume: each developer's usage weight (its share of tokens).
        selfhost: whether each developer serves its (open) model itself.
        region_sizes: developers per region.
        menu: the products on offer.
        projection: the typical developers' utilities and access (consumer surplus).
        segment_alpha: each segment's mean price sensitivity.
        segment_heads: each segment's share of developers.
        open_users: per lab, global share of developers on its open releases.
        addition_months: per lab, the community's addition to its open releases (months).
        term_gaps: per lab, open-minus-closed payoff terms at its last decision.
        frontier: best capability per bloc (OOM; -inf for a bloc with no lab).
        oom_per_month: frontier progress per month (OOM), to express gaps in months.
        postures: each lab's posture.
        expected_openness: openness each lab's last decision was expected to give.
        chip_access: share of wanted frontier chips each bloc obtains.
        governments: each region's levers (export controls are recorded for controllers).
        capability: per lab, log10 effective FLOP.
        fleet: per lab, accelerators (H100e).
        training: per lab, training compute (H100e).
        revenue: per lab, USD bn this month.
        cash: per lab, USD bn.
        capex: per lab, USD bn spent on accelerators this month.
        funding: per lab, USD bn received this month.
        serving_cost: per lab, USD bn of serving its closed products this month.
        lab_bloc: bloc index of each lab.
        bloc_bound: per bloc, H100e its labs could have obtained since the start.
        world_output: world accelerator output this month (H100e).
        world_stock: installed world stock (H100e).
        family_share: per lab, global share of developers on its products.
        derivatives: per lab, cumulative derivative models.
    """

    month: int
    region_names: Sequence[str]
    lab_names: Sequence[str]
    developer_region: np.ndarray
    developer_segment: np.ndarray
    segment_names: Sequence[str]
    choice: np.ndarray
    volume: np.ndarray
    selfhost: np.ndarray
    region_sizes: np.ndarray
    menu: Menu
    projection: Projection
    segment_alpha: np.ndarray
    segment_heads: np.ndarray
    open_users: np.ndarray
    addition_months: np.ndarray
    term_gaps: Sequence[Mapping[str, float]]
    frontier: np.ndarray
    oom_per_month: float
    postures: Sequence[Posture]
    expected_openness: Sequence[float]
    chip_access: np.ndarray
    governments: Mapping[str, GovernmentConfig]
    capability: np.ndarray
    fleet: np.ndarray
    training: np.ndarray
    revenue: np.ndarray
    cash: np.ndarray
    capex: np.ndarray
    funding: np.ndarray
    serving_cost: np.ndarray
    lab_bloc: np.ndarray
    bloc_bound: np.ndarray
    world_output: float
    world_stock: float
    family_share: np.ndarray
    derivatives: np.ndarray
