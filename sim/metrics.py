"""Monthly outcomes, collected into one tidy long table.

Each row is one value: ``month, metric, region, bloc, lab, value``; a dimension that does not
apply to a metric is the empty string, and ``region == "global"`` is the aggregate over regions.
:data:`METRICS` (declared in :mod:`sim.metric_definitions`, re-exported here) documents every
metric with its unit; tests check the table against it.

The model hands the recorder a :class:`MonthState` each month (plain arrays and configs,
declared in :mod:`sim.month_state` and re-exported here), so this module never reads the model
itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.agents.developer import consumer_surplus
from sim.agents.lab import TERMS
from sim.capability import bloc_gap_months
from sim.checks import check_finite, check_supply
from sim.chips import bloc_totals
from sim.enums import BLOCS, OPENNESS, Bloc, Posture
from sim.market import Menu
from sim.metric_definitions import METRICS
from sim.month_state import MonthState
from sim.releases import SLOTS

__all__ = ["COLUMNS", "METRICS", "SURVEYED", "MonthState", "Recorder"]

COLUMNS = ["month", "metric", "region", "bloc", "lab", "value"]
#: segments whose usage the enterprise surveys and the router data measure
SURVEYED = {"enterprise_open_token_share": ("enterprise",),
            "router_open_token_share": ("startup", "independent")}


class Recorder:
    """Appends one month of outcomes at a time; :meth:`frame` returns the tidy table.

    Each recorded metric keeps its values as one array and its labels as codes into one
    vocabulary per text column, with the code arrays shared between months whose labels repeat:
    building a run's 13,000-row table then costs 0.56 ms instead of 1.8 ms
    (benchmarks/results_sweep.md). Codes follow the labels' first appearance, as Arrow's own
    dictionary encoding would number them.

    Args:
        clock: optional object whose ``month`` dates the rows added one by one with ``_add``
            (for callers that record values themselves); rows added by :meth:`collect` are
            dated by their :class:`MonthState`.
    """

    TEXT = ("metric", "region", "bloc", "lab")

    def __init__(self, clock: Any = None):
        self._clock = clock
        self._month = 0
        self._vocab: dict[str, dict[str, int]] = {c: {} for c in self.TEXT}
        self._codes: dict[tuple, np.ndarray] = {}  # (column, labels, n) -> codes
        # one entry per recorded metric and month
        self._months: list[int] = []
        self._sizes: list[int] = []
        self._labels: dict[str, list[np.ndarray]] = {c: [] for c in self.TEXT}
        self._values: list[np.ndarray] = []

    def _code(self, column: str, labels, n: int) -> np.ndarray:
        key = (column, labels if isinstance(labels, str) else tuple(labels), n)
        codes = self._codes.get(key)
        if codes is None:
            vocab = self._vocab[column]
            names = [labels] * n if isinstance(labels, str) else labels
            codes = self._codes[key] = np.array(
                [vocab.setdefault(name, len(vocab)) for name in names], np.int32)
        return codes

    def _add(self, metric: str, values, region="", bloc="", lab="") -> None:
        values = np.atleast_1d(np.asarray(values, dtype=float))
        n = values.size
        self._months.append(self._month if self._clock is None else self._clock.month)
        self._sizes.append(n)
        labels = self._labels
        labels["metric"].append(self._code("metric", metric, n))
        labels["region"].append(self._code("region", region, n))
        labels["bloc"].append(self._code("bloc", bloc, n))
        labels["lab"].append(self._code("lab", lab, n))
        self._values.append(values)

    def collect(self, state: MonthState) -> None:
        """Record the outcomes of the month ``state`` describes."""
        self._month = state.month
        check_supply(state.month, state.lab_names, state.lab_bloc, state.fleet, state.bloc_bound,
                     state.cash)
        first = len(self._values)
        self._market_shares(state)
        self._capability(state)
        self._labs(state)
        self._money(state)
        self._check_finite(first)

    def _market_shares(self, s: MonthState) -> None:
        menu = s.menu
        regions = [*s.region_names, "global"]
        cells = _Cells(s)
        counts = _with_global(cells.heads.sum(axis=(0, 3)))
        sizes = np.append(s.region_sizes, s.developer_region.size).astype(float)
        share = counts / np.maximum(sizes, 1.0)[:, None]
        self._add("developers", sizes, region=regions)
        self._add("unserved_share", np.where(sizes > 0, 1.0 - counts.sum(axis=1) / np.maximum(
            sizes, 1.0), 0.0), region=regions)
        self._add("open_share", share[:, menu.is_open].sum(axis=1), region=regions)
        self._bloc_shares(share, menu, regions)
        self._token_shares(s, regions, cells)
        p = s.projection
        self._add("consumer_surplus", consumer_surplus(p.utility, p.allowed, s.segment_alpha,
                                                       sizes[:-1], s.segment_heads),
                  region=regions)
        closed = menu.exists & ~menu.is_open
        if closed.any():
            ratio = menu.price[closed] / menu.cost[closed]
            users = counts[-1][closed]
            w = users if users.sum() > 0 else np.ones_like(users)
            self._add("closed_price_premium", float(np.average(ratio, weights=w)))

    def _bloc_shares(self, share: np.ndarray, menu: Menu, regions: list[str],
                     prefix: str = "") -> None:
        blocs = [b.value for b in BLOCS]
        by_bloc = np.stack([share[:, menu.bloc == b].sum(axis=1) for b in range(len(BLOCS))], 1)
        open_by_bloc = np.stack([share[:, (menu.bloc == b) & menu.is_open].sum(axis=1)
                                 for b in range(len(BLOCS))], 1)
        rr = [r for r in regions for _ in blocs]
        bb = blocs * len(regions)
        name = "bloc_token_share" if prefix else "bloc_share"
        self._add(name, by_bloc.ravel(), region=rr, bloc=bb)
        self._add("open_" + name, open_by_bloc.ravel(), region=rr, bloc=bb)

    def _token_shares(self, s: MonthState, regions: list[str], cells: _Cells) -> None:
        """Token-weighted shares: each developer weighs by its usage."""
        menu = s.menu
        tokens = _with_global(cells.tokens.sum(axis=(0, 3)))
        own = _with_global(cells.tokens[..., 1].sum(axis=0))
        region_total = cells.all_tokens.sum(axis=0)
        total = np.append(region_total, region_total.sum())
        share = tokens / np.maximum(total, 1e-300)[:, None]
        self._add("open_token_share", share[:, menu.is_open].sum(axis=1), region=regions)
        self._bloc_shares(share, menu, regions, prefix="token")
        open_tokens = tokens[:, menu.is_open].sum(axis=1)
        self._add("selfhost_share", np.divide(own[:, menu.is_open].sum(axis=1), open_tokens,
                                              out=np.zeros_like(open_tokens),
                                              where=open_tokens > 0), region=regions)
        self._survey_shares(s, cells)
        lab_tokens = tokens[-1].reshape(-1, SLOTS).sum(axis=1)
        self._add("lab_token_share", lab_tokens / max(total[-1], 1e-300),
                  lab=list(s.lab_names))

    def _survey_shares(self, s: MonthState, cells: _Cells) -> None:
        """Token shares of the segments the enterprise surveys and the router data measure."""
        menu = s.menu
        cn_open = menu.is_open & (menu.bloc == BLOCS.index(Bloc.CN))
        for metric, names in SURVEYED.items():
            members = [s.segment_names.index(x) for x in names if x in s.segment_names]
            if not cells.present[members].any():
                continue
            by_product = cells.tokens[members].sum(axis=(0, 1, 3))
            total_tokens = max(cells.all_tokens[members].sum(), 1e-300)
            self._add(metric, by_product[menu.is_open].sum() / total_tokens)
            if metric == "router_open_token_share":
                self._add("router_cn_open_token_share", by_product[cn_open].sum() / total_tokens)

    def _capability(self, s: MonthState) -> None:
        blocs = [b.value for b in BLOCS]
        front = s.frontier
        shown = np.isfinite(front)
        self._add("frontier_capability", front[shown],
                  bloc=[b for b, x in zip(blocs, shown, strict=True) if x])
        self._add("us_china_gap_months", bloc_gap_months(front, "US", "CN", s.oom_per_month))
        menu = s.menu
        opened = menu.exists & menu.is_open
        closed = menu.exists & ~menu.is_open
        if opened.any() and closed.any():
            gap = (menu.capability[closed].max() - menu.capability[opened].max()) \
                / s.oom_per_month
        else:
            gap = 0.0
        self._add("open_closed_gap_months", gap)
        self._add("n_open_labs", sum(p is Posture.open for p in s.postures))
        self._add("chip_access", s.chip_access, bloc=blocs)
        controllers = [n for n, g in s.governments.items() if g.controls_target]
        if controllers:
            self._add("export_controls", [s.governments[n].export_controls
                                          for n in controllers], region=controllers)

    def _labs(self, s: MonthState) -> None:
        names = list(s.lab_names)
        self._add("lab_openness", [OPENNESS[p] for p in s.postures], lab=names)
        self._add("lab_expected_openness", list(s.expected_openness), lab=names)
        self._add("lab_capability", s.capability, lab=names)
        self._add("lab_compute_h100e", s.fleet, lab=names)
        self._add("lab_training_compute_h100e", s.training, lab=names)
        self._add("lab_revenue_usd_bn", s.revenue, lab=names)
        self._add("lab_cash_usd_bn", s.cash, lab=names)
        self._add("lab_developer_share", s.family_share, lab=names)
        menu = s.menu
        n = len(names)
        self._add("lab_open_share", s.open_users, lab=names)
        # flagship: the first product on offer of (api, open, small)
        exists = menu.exists.reshape(n, SLOTS)
        first = np.argmax(exists, axis=1)
        self._add("lab_price_usd_per_mtok", menu.price.reshape(n, SLOTS)[np.arange(n), first],
                  lab=names)
        self._add("community_addition_months", s.addition_months, lab=names)
        for term in TERMS:
            self._add(f"lab_payoff_{term}", [g[term] for g in s.term_gaps], lab=names)
        self._add("derivatives", s.derivatives, lab=names)

    def _check_finite(self, first: int) -> None:
        """Stop the run if a value recorded since entry ``first`` is infinite or NaN."""
        if np.isfinite(np.concatenate(self._values[first:])).all():
            return
        metrics = list(self._vocab["metric"])
        for k in range(first, len(self._values)):
            check_finite(self._months[k], metrics[self._labels["metric"][k][0]],
                         self._values[k])

    def _money(self, s: MonthState) -> None:
        names = list(s.lab_names)
        self._add("lab_capex_usd_bn", s.capex, lab=names)
        self._add("lab_funding_usd_bn", s.funding, lab=names)
        self._add("lab_serving_cost_usd_bn", s.serving_cost, lab=names)
        blocs = [b.value for b in BLOCS]
        for metric, values in (("bloc_compute_h100e", s.fleet), ("bloc_capex_usd_bn", s.capex),
                               ("bloc_revenue_usd_bn", s.revenue)):
            self._add(metric, bloc_totals(values, s.lab_bloc), bloc=blocs)
        self._add("world_accelerator_output_h100e", s.world_output)
        self._add("world_accelerator_stock_h100e", s.world_stock)

    def frame(self) -> pd.DataFrame:
        """The collected rows as a DataFrame with columns :data:`COLUMNS`."""
        return self.arrow().to_pandas()

    def arrow(self, encoded: bool = False) -> pa.Table:
        """The collected rows as an Arrow table with columns :data:`COLUMNS`.

        With ``encoded``, the string columns are dictionary-encoded (see
        :func:`sim.run.results_arrow`).
        """
        def joined(arrays: list[np.ndarray], dtype) -> np.ndarray:
            return np.concatenate(arrays) if arrays else np.zeros(0, dtype)

        columns = {"month": pa.array(np.repeat(np.array(self._months, np.int32), self._sizes))}
        for name in self.TEXT:
            column = pa.DictionaryArray.from_arrays(
                pa.array(joined(self._labels[name], np.int32)),
                pa.array(list(self._vocab[name]), pa.string()))
            columns[name] = column if encoded else column.dictionary_decode()
        columns["value"] = pa.array(joined(self._values, float))
        return pa.table(columns)

    def latest(self) -> dict[tuple[str, str, str, str], float]:
        """The last recorded month's values, keyed by (metric, region, bloc, lab).

        Reads only that month's entries, so it costs the same in month 70 as in month 1.
        """
        names = [list(self._vocab[c]) for c in self.TEXT]
        months, start = self._months, len(self._months)
        while start > 0 and months[start - 1] == months[-1]:
            start -= 1
        out: dict[tuple[str, str, str, str], float] = {}
        for k in range(start, len(months)):
            labels = [[names[i][code] for code in self._labels[c][k].tolist()]
                      for i, c in enumerate(self.TEXT)]
            out.update(zip(zip(*labels, strict=True), self._values[k].tolist(), strict=True))
        return out


def _with_global(by_region: np.ndarray) -> np.ndarray:
    """(regions, ...) with the sum over regions appended as a last row ("global")."""
    return np.concatenate([by_region, by_region.sum(axis=0, keepdims=True)])


class _Cells:
    """This month's developers counted once into (segment, region, product, self-hosts) cells.

    Every share the recorder writes is a sum over these few cells (segments x regions x
    products x 2), so the developer arrays are read by three ``bincount`` calls a month instead
    of one or more per metric.

    Attributes:
        heads: developers per cell; tokens: their usage per cell.
        all_tokens: (segments, regions) usage of every developer, served or not.
        present: per segment, whether it has any developer.
    """

    def __init__(self, s: MonthState):
        n_s, n_r, n_p = len(s.segment_names), len(s.region_sizes), s.menu.lab.size
        on = s.choice >= 0
        key = ((s.developer_segment[on] * n_r + s.developer_region[on]) * n_p
               + s.choice[on]) * 2 + s.selfhost[on]
        shape, size = (n_s, n_r, n_p, 2), n_s * n_r * n_p * 2
        self.heads = np.bincount(key, minlength=size).reshape(shape).astype(float)
        # float even with no developers (bincount of nothing is an integer array)
        self.tokens = np.bincount(key, weights=s.volume[on], minlength=size
                                  ).reshape(shape).astype(float)
        rows = s.developer_segment * n_r + s.developer_region
        self.all_tokens = np.bincount(rows, weights=s.volume, minlength=n_s * n_r
                                      ).reshape(n_s, n_r).astype(float)
        self.present = np.bincount(s.developer_segment, minlength=n_s) > 0
