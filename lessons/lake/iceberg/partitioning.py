"""Hidden partitioning against a Hive-style table: the same rows written as ``dt=`` folders, and
the same time-range query on Iceberg (filtered on ``device_ts`` only) and on the Hive table
(without and with the ``dt`` predicate), comparing files opened and bytes of the needed
columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pyiceberg.expressions import And, GreaterThanOrEqual, LessThan
from pyiceberg.table import Table

from lessons.lake.formats import column_chunk_bytes
from lessons.lake.iceberg.reading import duckdb_connection, iceberg_source, profile
from lessons.lake.iceberg.store import PARTITION_SOURCE, _microseconds, local_path


def write_hive(rows: pa.Table, folder: Path) -> list[Path]:
    """The same rows as a Hive-style Parquet table: one dt=YYYY-MM-DD folder per day."""
    data = rows.cast(_microseconds(rows.schema))
    days = pc.cast(data.column(PARTITION_SOURCE), pa.date32())
    paths = []
    for day in pc.unique(days).sort().to_pylist():
        path = folder / f"dt={day}" / "part-0000.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(data.filter(pc.equal(days, pa.scalar(day, pa.date32()))), path)
        paths.append(path)
    return paths


def hive_source(paths: Sequence[Path]) -> str:
    """The FROM clause for the Hive-style table (dt becomes a column, as Athena shows it)."""
    listed = ", ".join(f"'{p.as_posix()}'" for p in paths)
    return f"read_parquet([{listed}], hive_partitioning = true)"


def _columns_bytes(paths: Sequence[Path], columns: Sequence[str]) -> int:
    return sum(column_chunk_bytes(path, column) for path in paths for column in columns)


@dataclass(frozen=True)
class TimeRange:
    """A query's filter on event time: [start, end)."""

    label: str
    start: datetime
    end: datetime


def _ts(value: datetime) -> str:
    return f"TIMESTAMP '{value.isoformat(sep=' ')}'"


def pruning_comparison(
    table: Table, hive_paths: Sequence[Path], ranges: Sequence[TimeRange], column: str = "track_id"
) -> pd.DataFrame:
    """Files opened and bytes of the needed columns for the same query on three layouts.

    Iceberg is filtered on device_ts only; the Hive table once on device_ts only (what people
    write) and once with the matching dt predicate too (what Hive-style partitioning needs).
    """
    con = duckdb_connection()
    needed = [PARTITION_SOURCE, column]
    rows = []
    for r in ranges:
        where = f"{PARTITION_SOURCE} >= {_ts(r.start)} AND {PARTITION_SOURCE} < {_ts(r.end)}"
        last_day = (r.end - timedelta(microseconds=1)).date()
        dt_where = f"dt >= DATE '{r.start.date()}' AND dt <= DATE '{last_day}'"
        planned = table.scan(
            row_filter=And(
                GreaterThanOrEqual(PARTITION_SOURCE, r.start.isoformat()),
                LessThan(PARTITION_SOURCE, r.end.isoformat()),
            )
        ).plan_files()
        iceberg_files = [local_path(t.file.file_path) for t in planned]
        in_range = [p for p in hive_paths if r.start.date() <= _dt(p) <= last_day]
        cases = (
            ("Iceberg, WHERE device_ts", iceberg_source(table), where, iceberg_files),
            ("Hive, WHERE device_ts", hive_source(hive_paths), where, list(hive_paths)),
            ("Hive, WHERE device_ts AND dt", hive_source(hive_paths), f"{where} AND {dt_where}",
             in_range),
        )  # fmt: skip
        for name, source, condition, opened in cases:
            sql = f"SELECT count(*), sum({column}) FROM {source} WHERE {condition}"
            measured = profile(con, sql)
            rows.append({
                "query": r.label, "table": name, "rows": measured.result[0][0],
                "sum": measured.result[0][1], "files_read": measured.files_read,
                "files_expected": len(opened),
                "column_bytes_in_files": _columns_bytes(opened, needed),
            })  # fmt: skip
    con.close()
    return pd.DataFrame(rows)


def _dt(path: Path) -> date:
    return datetime.strptime(path.parent.name.removeprefix("dt="), "%Y-%m-%d").date()
