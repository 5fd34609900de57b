"""The one library entry point: run a configured simulation and return its tidy table.

``run()`` is what the command line (``experiments/run.py``), the sweeps, the notebooks, the
sensitivity analysis and external tools all call, so the model can be used as a plain function
of keyword arguments::

    from sim import run
    df = run(seed=3, model__horizon_months=24)          # keyword overrides, "__" for "."
    df = run(load_config("alibaba_closes", ["seed=3"]))  # a composed Hydra scenario
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from enum import Enum
from typing import TYPE_CHECKING, Any

from sim.config import SimConfig
from sim.paths import set_path

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pyarrow as pa

    from sim.model import MarketModel

RUN_COLUMNS = ["run_id", "scenario", "seed", "month", "date", "metric", "region", "bloc", "lab",
               "value"]


def _plain(obj: Any) -> Any:
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj


def config_dict(cfg: SimConfig) -> dict:
    """The config as plain JSON-able data (enums as their values)."""
    return _plain(asdict(cfg))


def config_hash(cfg: SimConfig) -> str:
    """Short stable hash of everything in the config except the seed."""
    data = config_dict(cfg)
    data.pop("seed", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:12]


def with_overrides(cfg: SimConfig, overrides: dict[str, Any]) -> SimConfig:
    """Copy of ``cfg`` with dotted-path overrides (``{"model.horizon_months": 24}``) applied.

    Each value is coerced to the type the schema declares at its path (:func:`sim.paths.set_path`),
    so ``{"governments.US.bans.CN": "market"}`` stores a :class:`~sim.enums.BanScope`, as events
    and composed configs do.
    """
    for path, value in overrides.items():
        cfg = set_path(cfg, path.replace("__", "."), value)
    return cfg


def simulate(cfg: SimConfig) -> MarketModel:
    """Build and run the model for ``cfg``; return it for inspection (tests, notebooks)."""
    # imported here: ``import sim`` stays light (no Mesa) for a sweep's parent process, which
    # only checks configs and collects results
    from sim.model import MarketModel

    model = MarketModel(cfg)
    model.run()
    return model


def run(cfg: SimConfig | None = None, **overrides: Any) -> pd.DataFrame:
    """Run one simulation and return the tidy results table.

    Args:
        cfg: a full config (default: the calibrated baseline ``SimConfig()``).
        **overrides: dotted-path overrides with ``__`` for ``.``, e.g. ``seed=3`` or
            ``governments__US__export_controls=0.9``.

    Returns:
        One row per month x metric x dimension, with columns :data:`RUN_COLUMNS`.
    """
    cfg = with_overrides(cfg if cfg is not None else SimConfig(), overrides)
    model = simulate(cfg)
    return results_table(model)


def results_table(model: MarketModel) -> pd.DataFrame:
    """The model's collected outcomes with run id, scenario, seed and calendar month."""
    return results_arrow(model).to_pandas()


def results_arrow(model: MarketModel, digest: str | None = None,
                  encoded: bool = False) -> pa.Table:
    """:func:`results_table` as an Arrow table, which is what a sweep writes to disk.

    Built column by column in Arrow: a sweep writes one per run, and going through pandas cost
    more than a tenth of a baseline run (benchmarks/results_sweep.md). ``digest`` is
    ``config_hash`` of the run's config when the caller has it already. With ``encoded``, the
    string columns are dictionary-encoded, as Parquet stores them: a sweep writes such a table
    in half the time, and readers of the file still get plain strings.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    cfg = model.cfg_initial
    rows = model.recorder.arrow(encoded)
    n = rows.num_rows
    start = cfg.model.start_year * 12
    dates = pa.array([f"{(start + m) // 12}-{(start + m) % 12 + 1:02d}"
                      for m in range(cfg.model.horizon_months)])
    month = rows.column("month").combine_chunks()
    run_id = f"{cfg.scenario}|seed={cfg.seed}|{digest or config_hash(cfg)}"
    columns = {"run_id": constant_column(run_id, n, encoded=encoded),
               "scenario": constant_column(cfg.scenario, n, encoded=encoded),
               "seed": constant_column(cfg.seed, n, pa.int64()),
               "date": (pa.DictionaryArray.from_arrays(month, dates) if encoded
                        else pc.take(dates, month))}
    return pa.table({name: columns[name] if name in columns else rows.column(name)
                     for name in RUN_COLUMNS})


def constant_column(value: Any, n: int, type_: pa.DataType | None = None,
                    encoded: bool = False) -> pa.Array:
    """An Arrow column of ``n`` copies of ``value`` (a string column unless ``type_`` says).

    With ``encoded``, the column is dictionary-encoded: one copy of the value, ``n`` indices.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    one, zeros = pa.array([value], type_ or pa.string()), pa.array(np.zeros(n, np.int32))
    return pa.DictionaryArray.from_arrays(zeros, one) if encoded else pc.take(one, zeros)
