"""Results on disk: the one atomic writer, and reading collected sweep tables and run configs.

A collected sweep folder holds ``sweep_results.parquet`` (every run's rows), ``sweep_configs.jsonl``
(one line per distinct config, by hash) and ``scenario_summary.csv``; the sweep machinery
(``experiments.sweep.collection``) writes them and this module reads them. Reading keeps memory
bounded by the rows kept, not by the table: string columns are read dictionary-encoded, numbers
narrowed, and one row group is filtered at a time.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

COLLECTED = "sweep_results.parquet"
CONFIGS = "sweep_configs.jsonl"  # config_hash -> full config, for experiments.rerun
SUMMARY = "scenario_summary.csv"


def write_atomic(path: Path, write: Callable[[str], object]) -> None:
    """Write a file through a temporary name in the same folder, then rename it into place.

    A reader (the collector, a resumed sweep) therefore sees either no file or a whole one, even
    if the process is killed mid-write. ``write`` receives the temporary path as a string and
    writes the whole file there, in one call or streamed (a ``pq.ParquetWriter`` opened on it).
    The temporary name, ``.<name>.<pid>.tmp``, carries the process id, so two processes never
    share one (cheaper than ``tempfile``'s random names: a sweep writes two files a run), and a
    file left by a killed writer can be found by the pattern ``.<name>.*.tmp``. The file's
    permissions follow the writer's umask, as every other output's do.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(str(tmp))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def compact(table: pa.Table) -> pa.Table:
    """Smaller in memory: 16-bit dictionary indices and months, 32-bit seeds."""
    types = {"month": pa.int16(), "seed": pa.uint32()}
    fields = []
    for f in table.schema:
        if pa.types.is_dictionary(f.type):
            fields.append(pa.field(f.name, pa.dictionary(pa.int16(), f.type.value_type)))
        else:
            fields.append(pa.field(f.name, types.get(f.name, f.type)))
    return table.cast(pa.schema(fields))


def summary_columns(params) -> list[str]:
    """The columns :func:`study.compare.scenario_summary` reads."""
    return [*params, "scenario", "seed", "month", "metric", "region", "bloc", "lab", "value"]


def _read_filtered(table: Path, keep, columns: list[str] | None = None) -> "pd.DataFrame":
    """Rows for which ``keep(row_group) -> boolean mask`` holds, one row group at a time.

    Memory stays bounded by the rows kept, not the table: string columns are read
    dictionary-encoded (categoricals in pandas), numbers narrowed, only ``columns`` read, and
    Arrow buffers freed while converting to pandas.
    """
    schema = pq.read_schema(table)
    strings = [n for n in (columns or schema.names)
               if pa.types.is_string(schema.field(n).type)
               or pa.types.is_large_string(schema.field(n).type)]
    parquet = pq.ParquetFile(table, read_dictionary=strings)
    parts = []
    for i in range(parquet.num_row_groups):
        group = parquet.read_row_group(i, columns=columns)
        parts.append(compact(group.filter(keep(group)).unify_dictionaries()))
    if not parts:
        return parquet.schema_arrow.empty_table().to_pandas()
    data = pa.concat_tables(parts).unify_dictionaries()
    del parts
    pa.default_memory_pool().release_unused()
    return data.to_pandas(self_destruct=True, split_blocks=True)


def _plain_strings(df: "pd.DataFrame") -> "pd.DataFrame":
    cats = df.select_dtypes("category").columns
    return df.astype({c: str for c in cats})


def last_month(table: Path) -> int:
    """Largest month in the table, from the Parquet statistics (no column is read)."""
    meta = pq.ParquetFile(table).metadata
    col = meta.schema.to_arrow_schema().get_field_index("month")
    return max(meta.row_group(i).column(col).statistics.max for i in range(meta.num_row_groups))


def read_for_summary(table: Path, months: list[int] | None = None,
                     params: list[str] = ()) -> "pd.DataFrame":
    """Rows of the collected table at checkpoint months (all metrics)."""
    from study.compare import checkpoint_months

    if months is None:
        months = checkpoint_months(last_month(table) + 1)
    wanted = pa.array(months, pa.int32())
    return _read_filtered(table, lambda g: pc.is_in(g.column("month"), value_set=wanted),
                          summary_columns(params))


def read_key_series(table: Path) -> "pd.DataFrame":
    """Every month of the key outcomes and of the bloc budgets (for time-series figures)."""
    return _plain_strings(_read_filtered(table, key_series_mask, KEY_SERIES_COLUMNS))


#: The columns :func:`read_key_series` reads.
KEY_SERIES_COLUMNS = ["scenario", "seed", "month", "date", "metric", "region", "bloc", "value"]


def key_series_mask(group: pa.Table) -> pa.ChunkedArray:
    """Which rows of ``group`` are key outcomes or bloc budgets (:func:`read_key_series`)."""
    from study.compare import KEY_OUTCOMES
    from study.figures.budgets import METRICS as BUDGETS

    mask = pc.is_in(group.column("metric"), value_set=pa.array(BUDGETS, pa.string()))
    for metric, region, bloc, *_ in KEY_OUTCOMES:
        one = pc.and_(pc.and_(pc.equal(group.column("metric"), metric),
                              pc.equal(group.column("region"), region)),
                      pc.equal(group.column("bloc"), bloc))
        mask = pc.or_(mask, one)
    return mask


def find_config(path: Path, chash: str) -> dict | None:
    """The plain config with hash ``chash``, from the results file's metadata or files beside it.

    Looked up in the Parquet file's metadata (a single run's ``results.parquet``), then in
    ``sweep_configs.jsonl`` beside a collected table, then in the ``run_config.json`` files of
    the folder.
    """
    meta = pq.read_schema(path).metadata or {}
    if b"openmarket_run" in meta:
        run = json.loads(meta[b"openmarket_run"])
        if run.get("config_hash") == chash:
            return run["config"]
    index = path.parent / CONFIGS
    if index.exists():
        for line in index.read_text().splitlines():
            entry = json.loads(line)
            if entry["config_hash"] == chash:
                return entry["config"]
    for run_file in path.parent.glob("**/run_config.json"):
        run = json.loads(run_file.read_text())
        if run.get("config_hash") == chash:
            return run["config"]
    return None
