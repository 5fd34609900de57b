"""A dataclass field that carries its unit, allowed range and source.

Every default number the model uses is declared with :func:`param`, so the allowed range drives
validation (``sim.validate``), the source is printed in ``docs/PARAMETERS.md``, and a test can
check that no default lacks a source or the word ``assumption``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any


def param(default: Any, *, lo: float | None = None, hi: float | None = None, unit: str = "",
          source: str, factory: bool = False, keys: Iterable[Any] | None = None) -> Any:
    """Declare a config field with its allowed range ``[lo, hi]``, unit and source.

    Args:
        default: default value (a callable returning it when ``factory`` is true).
        lo: smallest allowed value (inclusive); None for unbounded.
        hi: largest allowed value (inclusive); None for unbounded.
        unit: unit of the value, e.g. ``"USD per Mtok"``.
        source: where the default comes from; starts with ``assumption`` when it is one.
        factory: treat ``default`` as a default factory (for lists and dicts).
        keys: for a dict field, the names its keys may take (e.g. the blocs); validation
            checks the dict and every event that sets one of its entries against them.
    """
    meta = {"lo": lo, "hi": hi, "unit": unit, "source": source}
    if keys is not None:
        meta["keys"] = tuple(keys)
    if factory:
        return dataclasses.field(default_factory=default, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)

