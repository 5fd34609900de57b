"""Hydra's basic sweeper without its second composition of every job.

Hydra's basic sweeper composes every job's config in the main process before launching ("validate
batch"), and the launcher composes it again in the worker. ``experiments.run`` has already composed
and validated every distinct job config in its preflight, so the repeat only costs time (about a
tenth of a second a job, in series, before any job starts). This sweeper skips it when the preflight
ran; otherwise it validates as Hydra does.
"""

from __future__ import annotations

import os
from typing import Sequence

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

PREFLIGHT_ENV = "OPENMARKET_PREFLIGHT_DONE"


class CheckedSweeper(BasicSweeper):
    """Basic sweeper that trusts ``experiments.sweep.preflight`` for config validation."""

    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        """Skip re-composition when the preflight validated every job."""
        if os.environ.get(PREFLIGHT_ENV) != "1":
            super().validate_batch_is_legal(batch)
