"""Run-time checks of one month's state: what the world could supply, nothing infinite.

The recorder calls :func:`check_supply` every month and :func:`check_finite` on every value it
records; a violation stops the run with :class:`RunCheckError` naming the month, the quantity
and the bound, so a run never writes a table the world could not have produced.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.chips import bloc_totals
from sim.enums import BLOCS

#: Relative slack of the supply bound (floating-point sums of many small deliveries).
TOLERANCE = 1e-9


class RunCheckError(RuntimeError):
    """A run produced a value the model's budgets or the world's supply rule out."""

    def __init__(self, month: int, what: str, detail: str):
        self.month, self.what = month, what
        super().__init__(f"run check failed in month {month}: {what}: {detail}")


def check_finite(month: int, metric: str, values: np.ndarray) -> None:
    """Raise if a recorded value is infinite or NaN."""
    bad = ~np.isfinite(values)
    if bad.any():
        raise RunCheckError(month, metric, f"{int(bad.sum())} value(s) not finite "
                                           f"(first: {values[bad][0]!r})")


def check_supply(month: int, lab_names: Sequence[str], lab_bloc: np.ndarray, fleet: np.ndarray,
                 bloc_bound: np.ndarray, cash: np.ndarray) -> None:
    """Raise if a bloc's labs hold more than they could have obtained, or a stock is negative.

    Args:
        month: the month checked.
        lab_names: labs in array order.
        lab_bloc: bloc index of each lab.
        fleet: each lab's accelerators (H100e).
        bloc_bound: per bloc, the initial fleets plus every month's obtainable frontier and
            domestic accelerators since the start (H100e; depreciation ignored, so the bound
            is generous).
        cash: each lab's cash (USD bn).
    """
    for name, values in (("lab fleet (H100e)", fleet), ("lab cash (USD bn)", cash)):
        if (values < -TOLERANCE * max(float(np.abs(values).max()), 1.0)).any():
            i = int(values.argmin())
            raise RunCheckError(month, name, f"{lab_names[i]} has {values[i]:.6g} < 0")
    held = bloc_totals(fleet, lab_bloc)
    over = held > bloc_bound * (1.0 + TOLERANCE) + 1e-6
    if over.any():
        b = int(np.flatnonzero(over)[0])
        raise RunCheckError(month, "bloc fleet (H100e)",
                            f"{BLOCS[b].value} labs hold {held[b]:.6g} H100e, more than the "
                            f"{bloc_bound[b]:.6g} they could have obtained since the start")
