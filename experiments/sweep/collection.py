"""Collecting a sweep folder: every run's table into one, the config index and the summary.

Runs are streamed one at a time, so a sweep larger than memory collects fine, and only complete
results files are read: runs write them atomically (:func:`study.results_io.write_atomic`), so
a killed job leaves either a whole file or none. The files written are read back with
:mod:`study.results_io`.
"""

from __future__ import annotations

import importlib
import json
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml
from hydra.core.override_parser.overrides_parser import OverridesParser

from experiments.sweep.resume import RESULTS, RUN_CONFIG
from sim.run import constant_column
from study.results_io import (COLLECTED, CONFIGS, SUMMARY, compact, read_key_series,
                              summary_columns, write_atomic)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Overrides that identify a job but are not model parameters.
NOT_PARAMS = ("scenario", "seed", "output.", "hydra.", "sweep")  # also covers seeds_per_job


@dataclass
class CollectReport:
    """What :func:`collect` found and wrote."""

    sweep_dir: Path
    n_runs: int = 0
    n_rows: int = 0
    params: list[str] = field(default_factory=list)
    table: Path | None = None
    summary: Path | None = None
    figures: list[Path] = field(default_factory=list)

    def describe(self) -> str:
        """A few lines for the terminal."""
        lines = [f"collected {self.n_runs} runs ({self.n_rows:,} rows) from {self.sweep_dir}"]
        if self.table:
            lines.append(f"  table:   {self.table}")
        if self.summary:
            lines.append(f"  summary: {self.summary}")
        lines += [f"  figure:  {p}" for p in self.figures]
        return "\n".join(lines)


def find_runs(sweep_dir: Path) -> list[Path]:
    """Run folders of a sweep that hold a complete results table, in name order.

    A job's results are in its folder, or in ``seed=<k>`` subfolders when it ran several seeds.
    """
    sweep_dir = Path(sweep_dir)
    found = [*sweep_dir.glob(f"*/{RESULTS}"), *sweep_dir.glob(f"*/seed=*/{RESULTS}")]
    return sorted(p.parent for p in found)


def job_params(run_dir: Path, _read: dict | None = None) -> dict[str, object]:
    """The swept parameters of a job, read from Hydra's record of its overrides.

    Values are typed as Hydra parses them (``0.5`` a float, ``2`` an int, ``true`` a bool, other
    text a string). ``_read`` caches files already parsed (the seeds of one job share one file).
    """
    path = run_dir / ".hydra" / "overrides.yaml"
    if not path.exists():
        path = run_dir.parent / ".hydra" / "overrides.yaml"  # one seed of a multi-seed job
    if not path.exists():
        return {}
    if _read is not None and path in _read:
        return _read[path]
    items = [str(item) for item in yaml.safe_load(path.read_text()) or []]
    params = {}
    for override in _parser().parse_overrides(items):
        key = override.key_or_group
        if not key.startswith(NOT_PARAMS):
            value = override.value()
            params[key] = value if isinstance(value, (bool, int, float, str)) else \
                str(value if value is not None else "")  # ``~key`` deletes: no value
    if _read is not None:
        _read[path] = params
    return params


@lru_cache(maxsize=1)
def _parser() -> OverridesParser:
    return OverridesParser.create()


def param_types(param_sets) -> dict[str, pa.DataType]:
    """The Arrow type of each swept parameter over all jobs: numbers stay numbers.

    Whole numbers give ``int64``, numbers with any float ``float64``, booleans ``bool``; a
    parameter with any text (or a mix of kinds) is a string column. A job without the
    parameter gets a null.
    """
    kinds: dict[str, set] = {}
    for params in param_sets:
        for key, value in params.items():
            kinds.setdefault(key, set()).add(type(value))
    types = {}
    for key, seen in sorted(kinds.items()):
        if seen == {bool}:
            types[key] = pa.bool_()
        elif seen == {int}:
            types[key] = pa.int64()
        elif seen <= {int, float}:
            types[key] = pa.float64()
        else:
            types[key] = pa.string()
    return types


def _with_params(table: pa.Table, params: dict[str, object],
                 types: dict[str, pa.DataType]) -> pa.Table:
    for key, type_ in types.items():
        value = params.get(key)
        if value is not None and pa.types.is_string(type_):
            value = str(value)
        elif value is not None and pa.types.is_floating(type_):
            value = float(value)
        table = table.append_column(key, constant_column(value, table.num_rows, type_,
                                                         encoded=pa.types.is_string(type_)))
    return table


def _read_run(path: Path, strings: list[str]) -> pa.Table:
    """A run's table with its string columns dictionary-encoded (read three times faster).

    ``strings`` names the string columns of the runs read before (the runs of a sweep share
    one schema), so a file is opened once; a run with other columns is opened again to find
    its own, and ``strings`` becomes those. ``pq.read_table`` is not used: it imports
    ``pyarrow.dataset`` (0.2 s) and costs three times as much per small file.
    """
    try:
        with pq.ParquetFile(path, read_dictionary=strings) as parquet:
            if not any(pa.types.is_string(f.type) for f in parquet.schema_arrow):
                return parquet.read().replace_schema_metadata(None)
    except KeyError:  # a column of ``strings`` is not in this run
        pass
    with pq.ParquetFile(path) as parquet:
        strings[:] = [f.name for f in parquet.schema_arrow if pa.types.is_string(f.type)]
    with pq.ParquetFile(path, read_dictionary=strings) as parquet:
        return parquet.read().replace_schema_metadata(None)


def _prefetched(runs: list[Path], prepare, ahead: int = 4):
    """Yield ``(run, prepare(run))`` in order while a thread prepares the next few runs.

    Arrow releases the GIL, so preparing (reading) overlaps writing; at most ``ahead`` tables
    wait in memory. One thread calls ``prepare`` for one run after the other, in order.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        queue = deque()
        for run in runs:
            queue.append((run, pool.submit(prepare, run)))
            if len(queue) > ahead:
                done, future = queue.popleft()
                yield done, future.result()
        while queue:
            done, future = queue.popleft()
            yield done, future.result()


#: Columns whose Parquet statistics let a reader skip runs (row groups) when filtering; the
#: other columns span their whole range in every run, and their statistics cost a third of
#: the writing time.
_STATISTICS = ("run_id", "scenario", "seed", "month", "config_hash")


def write_collected(runs: list[Path], target: Path, each=None) -> tuple[int, list[str]]:
    """Stream every run's table into one Parquet file (atomically); return rows and params.

    Strings stay dictionary-encoded from each run's file to the collected one; the Arrow schema
    is not stored, so readers get plain string columns as from any Parquet file. ``each``, if
    given, is called with every run's table (with its parameter columns) and the parameter
    names, in the order of ``runs``, by the thread that reads them while this one writes.
    """
    read: dict = {}
    param_sets = {run: job_params(run, read) for run in runs}
    types = param_types(param_sets.values())
    keys = list(types)
    strings: list[str] = []  # only the reading thread uses it
    rows = 0

    def prepare(run: Path) -> pa.Table:
        table = _with_params(_read_run(run / RESULTS, strings), param_sets[run], types)
        if each is not None:
            each(table, keys)
        return table

    def stream(tmp: str) -> None:
        nonlocal rows
        writer = None
        for _, table in _prefetched(runs, prepare):
            if writer is None:
                text = [f.name for f in table.schema if pa.types.is_dictionary(f.type)]
                # numbers are not dictionary-encoded: their dictionaries are as large as the
                # data, and trying costs a third of the writing time
                writer = pq.ParquetWriter(tmp, table.schema, store_schema=False,
                                          use_dictionary=text,
                                          write_statistics=[*_STATISTICS, *keys])
            table = table.cast(writer.schema)
            writer.write_table(table)
            rows += table.num_rows
        writer.close()

    for stale in target.parent.glob(f".{target.name}.*.tmp"):
        stale.unlink(missing_ok=True)  # left by a collection that was killed mid-write
    if runs:
        write_atomic(target, stream)  # permissions from the umask, as every output
    return rows, keys


class _CheckpointRows:
    """Keeps, while the table is written, the rows the summary needs (saves reading it back).

    Per run it keeps year-end months and the run's final month: a superset of the checkpoint
    months (:func:`study.compare.checkpoint_months`) of the longest horizon in the sweep, which
    is only known at the end. Kept rows are narrowed at once (16-bit codes and months), so a
    10,000-run sweep keeps them in a few hundred MB.
    """

    def __init__(self) -> None:
        self.parts: list[pa.Table] = []
        self.last = -1

    def __call__(self, table: pa.Table, params: list[str]) -> None:
        month = table.column("month")
        final = pc.max(month).as_py()
        self.last = max(self.last, final)
        keep = pc.or_(pc.equal(pc.modulo(month, 12), 11), pc.equal(month, final))
        self.parts.append(compact(table.select(summary_columns(params)).filter(keep)))

    def frame(self) -> "pd.DataFrame":
        """The kept rows at the checkpoint months, as :func:`~study.results_io.read_for_summary`."""
        from study.compare import checkpoint_months

        wanted = pa.array(checkpoint_months(self.last + 1), pa.int16())
        data = pa.concat_tables(self.parts)
        self.parts = []
        data = data.filter(pc.is_in(data.column("month"), value_set=wanted)).unify_dictionaries()
        return data.to_pandas(self_destruct=True, split_blocks=True)


def write_config_index(runs: list[Path], target: Path) -> None:
    """One line per distinct config (hash, config) beside the table, so any row can be re-run."""
    seen, lines = set(), []
    for run in runs:
        meta = json.loads((run / RUN_CONFIG).read_text())
        if meta["config_hash"] not in seen:
            seen.add(meta["config_hash"])
            lines.append(json.dumps({"config_hash": meta["config_hash"],
                                     "config": meta["config"]}, sort_keys=True))
    write_atomic(target, lambda tmp: Path(tmp).write_text("\n".join(lines) + "\n"))


def collect(sweep_dir: Path, figures: bool = True) -> CollectReport:
    """Collect ``sweep_dir``: the one table, the scenario summary and (optionally) figures."""
    sweep_dir = Path(sweep_dir)
    report = CollectReport(sweep_dir)
    runs = find_runs(sweep_dir)
    report.n_runs = len(runs)
    if not runs:
        return report
    report.table = sweep_dir / COLLECTED
    checkpoints = _CheckpointRows()
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The summary's libraries (pandas, scipy.stats) are imported while the runs are
        # copied, which is mostly Arrow's work, done without holding the GIL.
        compare = pool.submit(importlib.import_module, "study.compare")
        report.n_rows, report.params = write_collected(runs, report.table, each=checkpoints)
        write_config_index(runs, sweep_dir / CONFIGS)
        scenario_summary = compare.result().scenario_summary
    summary = scenario_summary(checkpoints.frame(), params=report.params)
    report.summary = sweep_dir / SUMMARY
    write_atomic(report.summary, lambda tmp: summary.to_csv(tmp, index=False))
    if figures:
        from study.figures.scenarios import sweep_figures
        report.figures = sweep_figures(read_key_series(report.table), summary,
                                       sweep_dir / "figures")
    return report


def month_date(table: Path | None, month: int) -> str:
    """The calendar month (``2030-12``) of ``month`` in a collected table, else ``month N``."""
    if table is None or not Path(table).exists():
        return f"month {month}"
    # each run's rows are in month order, so the last row group usually holds the last month:
    # read it alone, and the whole month column only if it does not
    parquet = pq.ParquetFile(table)
    reads = [lambda: pq.read_table(table, columns=["month", "date"],
                                   filters=[("month", "==", month)])]
    if parquet.num_row_groups:
        reads.insert(0, lambda: parquet.read_row_group(parquet.num_row_groups - 1,
                                                       columns=["month", "date"]))
    for read in reads:
        part = read()
        dates = part.filter(pc.equal(part.column("month"), month)).column("date").unique()
        if len(dates):
            return str(dates[0])
    return f"month {month}"


def collect_text(sweep_dir: Path, figures: bool = True, summary: bool = True) -> str:
    """Collect ``sweep_dir`` and return what the end of a sweep prints.

    That is :meth:`CollectReport.describe` and, with ``summary``, the scenario x outcome table
    of the final month. Returning text rather than printing lets a sweep run this in one of its
    idle workers (``experiments.sweep.callbacks``), whose libraries are already imported.
    """
    report = collect(sweep_dir, figures=figures)
    text = report.describe()
    if report.summary is not None and summary:
        import pandas as pd

        from study.compare import comparison_table
        table = pd.read_csv(report.summary, keep_default_na=False,
                            na_values={"effect_mean": [""], "effect_lo": [""],
                                       "effect_hi": [""]})
        month = int(table.month.max())
        text += (f"\n\n{month_date(report.table, month)} (the last month): mean across seeds, "
                 "shares in % (in brackets: "
                 "paired effect vs baseline, of shares in percentage points, pp; * = its 90% CI "
                 "excludes 0; intervals in scenario_summary.csv)\n"
                 + comparison_table(table, month, compact=True).to_string(line_width=120))
    return text
