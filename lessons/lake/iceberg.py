"""The processed plays as an Apache Iceberg table: snapshots, time travel, schema evolution,
hidden partitioning and compaction, measured against a Hive-style Parquet table.

The table lives in a local warehouse folder with a SQLite catalog (pyiceberg's ``SqlCatalog``);
DuckDB's iceberg extension (loaded offline through lessons.duckext) reads it with
``iceberg_scan`` and ``iceberg_snapshots``, so two independent implementations agree on what the
table contains. Every function returns plain values or tidy pandas tables.

Fidelity: the metadata is real Iceberg (format version 2: metadata JSON, manifest lists,
manifests, snapshots, a ``day(device_ts)`` partition spec), written by the Apache pyiceberg
library and read by DuckDB as Athena or Spark would read it. Data files are written here with
pyarrow, one or more Parquet files per day, carrying Iceberg field ids, and committed with
pyiceberg's ``add_files`` (which reads each file's statistics to find its partition and refuses a
file that spans two days): pyiceberg 0.12 needs the separate ``pyiceberg-core`` package to apply a
day transform itself, so we do what a Spark task does before it commits. Compaction is a rewrite
committed as one ``overwrite`` snapshot that swaps small files for larger ones (pyiceberg 0.12
has no rewrite-data-files action; Spark's ``rewrite_data_files`` and Athena's ``OPTIMIZE ...
REWRITE DATA USING BIN_PACK`` commit the same swap as a ``replace`` snapshot). Snapshot ids and
commit timestamps come from pyiceberg (random ids, the commit's wall-clock time); nothing in the
lesson depends on their values. Not modelled: Athena's Iceberg DML (UPDATE, DELETE, MERGE INTO
write delete files), ``VACUUM`` (expires snapshots older than the table's
``vacuum_max_snapshot_age_seconds`` and deletes orphan files) and Amazon S3 Tables, which run
compaction and snapshot expiry for you as managed maintenance.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.exceptions import NoSuchTableError, TableAlreadyExistsError
from pyiceberg.expressions import And, GreaterThanOrEqual, LessThan
from pyiceberg.io.pyarrow import parquet_file_to_data_file, schema_to_pyarrow
from pyiceberg.table import Table
from pyiceberg.transforms import DayTransform
from pyiceberg.types import IcebergType

from lessons import duckext
from lessons.errors import LabError
from lessons.lake.formats import column_chunk_bytes

NAMESPACE = "music"
TABLE = "processed_data"
PARTITION_SOURCE = "device_ts"
PARTITION_FIELD = "device_ts_day"


class IcebergError(LabError):
    """A table that is missing or already there, or a change Iceberg refuses."""


def open_catalog(root: Path, name: str = "lab") -> SqlCatalog:
    """A catalog in `root`: SQLite file catalog.db plus the warehouse folder for table files."""
    root.mkdir(parents=True, exist_ok=True)
    return SqlCatalog(
        name,
        uri=f"sqlite:///{(root / 'catalog.db').as_posix()}",
        warehouse=file_uri(root / "warehouse"),
    )


def _microseconds(schema: pa.Schema) -> pa.Schema:
    # Iceberg timestamps are microseconds; the generator's are milliseconds.
    return pa.schema(
        pa.field(f.name, pa.timestamp("us")) if pa.types.is_timestamp(f.type) else f for f in schema
    )


def create_table(
    catalog: SqlCatalog, schema: pa.Schema, name: str = TABLE, partition_by_day: bool = True
) -> Table:
    """An empty Iceberg table for rows of `schema`, partitioned by day(device_ts) if asked."""
    catalog.create_namespace_if_not_exists(NAMESPACE)
    try:
        table = catalog.create_table(f"{NAMESPACE}.{name}", schema=_microseconds(schema))
    except TableAlreadyExistsError as exc:
        raise IcebergError(f"Table {NAMESPACE}.{name} already exists; use a new folder.") from exc
    if partition_by_day:
        with table.update_spec() as spec:
            spec.add_field(PARTITION_SOURCE, DayTransform(), PARTITION_FIELD)
    return table


def load_table(catalog: SqlCatalog, name: str = TABLE) -> Table:
    """The table as the catalog has it now."""
    try:
        return catalog.load_table(f"{NAMESPACE}.{name}")
    except NoSuchTableError as exc:
        raise IcebergError(f"No table {NAMESPACE}.{name} in this catalog yet.") from exc


def file_uri(path: Path) -> str:
    """A local path as the file:// address Iceberg metadata records (no percent-encoding)."""
    return "file://" + Path(path).resolve().as_posix()


def local_path(uri: str) -> Path:
    """A file:// address from the metadata as a local path."""
    return Path(uri.removeprefix("file://"))


def _conform(table: Table, rows: pa.Table) -> pa.Table:
    """Rows in the table's current schema, with Iceberg field ids; new columns filled with null."""
    target = schema_to_pyarrow(table.schema())
    columns = [
        rows.column(f.name).cast(f.type)
        if f.name in rows.column_names
        else pa.nulls(rows.num_rows, f.type)
        for f in target
    ]
    return pa.Table.from_arrays(columns, schema=target)


def _write_files(table: Table, rows: pa.Table, files_per_day: int) -> list[str]:
    """Split rows by day and write each day as `files_per_day` Parquet files."""
    data = _conform(table, rows)
    sequence = table.metadata.last_sequence_number + 1
    partitioned = bool(table.spec().fields)
    days = pc.cast(data.column(PARTITION_SOURCE), pa.date32())
    groups = pc.unique(days).sort().to_pylist() if partitioned else [None]
    paths = []
    for day in groups:
        part = data.filter(pc.equal(days, pa.scalar(day, pa.date32()))) if day else data
        folder = local_path(table.location()) / "data"
        folder = folder / f"{PARTITION_FIELD}={day}" if day else folder
        folder.mkdir(parents=True, exist_ok=True)
        bounds = np.linspace(0, part.num_rows, files_per_day + 1).astype(int)
        for i, (start, stop) in enumerate(itertools.pairwise(bounds)):
            if stop > start:
                path = folder / f"commit{sequence:04d}-{i:03d}.parquet"
                pq.write_table(part.slice(start, stop - start), path)
                paths.append(file_uri(path))
    return paths


def append(table: Table, rows: pa.Table, files_per_day: int = 1) -> int:
    """Write `rows` as data files and commit them as one new snapshot; returns its id."""
    if rows.num_rows == 0:
        raise IcebergError("Nothing to append: the rows are empty.")
    # File names carry the commit number, so they cannot clash; checking would reread every
    # manifest on each commit and make many small appends quadratic.
    table.add_files(_write_files(table, rows, files_per_day), check_duplicate_files=False)
    return table.current_snapshot().snapshot_id


def append_in_batches(table: Table, rows: pa.Table, batches: int) -> list[int]:
    """Append rows in arrival order as `batches` small commits (a micro-batch writer)."""
    ordered = rows.sort_by("arrival_ts")
    bounds = np.linspace(0, ordered.num_rows, batches + 1).astype(int)
    return [append(table, ordered.slice(a, b - a)) for a, b in itertools.pairwise(bounds) if b > a]


def _count(summary: object, key: str) -> int:
    value = summary.get(key) if summary is not None else None
    return int(value) if value else 0


def snapshot_history(table: Table) -> pd.DataFrame:
    """Every snapshot in commit order with what it changed (from the snapshot summaries)."""
    rows = []
    for i, snap in enumerate(table.snapshots()):
        summary = snap.summary
        rows.append({
            "commit": i + 1,
            "snapshot_id": snap.snapshot_id,
            "parent_id": snap.parent_snapshot_id,
            "operation": summary.operation.value if summary else None,
            "added_files": _count(summary, "added-data-files"),
            "deleted_files": _count(summary, "deleted-data-files"),
            "total_files": _count(summary, "total-data-files"),
            "total_records": _count(summary, "total-records"),
        })  # fmt: skip
    if not rows:
        return pd.DataFrame(columns=["commit", "snapshot_id", "parent_id", "operation"])
    history = pd.DataFrame(rows)
    # Snapshot ids use all 64 bits: a float column would round them.
    history["parent_id"] = pd.array([r["parent_id"] for r in rows], dtype="Int64")
    return history


def read_snapshot(table: Table, snapshot_id: int | None = None) -> pa.Table:
    """The table's rows as of a snapshot (the current one by default), read by pyiceberg."""
    if snapshot_id is not None and table.snapshot_by_id(snapshot_id) is None:
        raise IcebergError(f"Snapshot {snapshot_id} is not in the table (expired or wrong id).")
    return table.scan(snapshot_id=snapshot_id).to_arrow()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _partition_label(table: Table, partition: object) -> str:
    """A day partition as a date (Iceberg stores it as days since 1970-01-01)."""
    if not len(partition) or partition[0] is None:
        return ""
    value = partition[0]
    if isinstance(table.spec().fields[0].transform, DayTransform) and isinstance(value, int):
        return (date(1970, 1, 1) + timedelta(days=value)).isoformat()
    return str(value)


def data_files(table: Table, snapshot_id: int | None = None) -> pd.DataFrame:
    """The data files a snapshot references: path, partition, rows, bytes and checksum."""
    base = local_path(table.location())
    rows = []
    for task in table.scan(snapshot_id=snapshot_id).plan_files():
        file = task.file
        path = local_path(file.file_path)
        rows.append({
            "file": path.relative_to(base).as_posix(),
            "partition": _partition_label(table, file.partition),
            "records": file.record_count,
            "bytes": file.file_size_in_bytes,
            "sha256": _sha256(path),
        })  # fmt: skip
    return pd.DataFrame(rows).sort_values("file", ignore_index=True)


def add_column(table: Table, name: str, kind: IcebergType) -> Table:
    """Schema evolution: add an optional column (a metadata-only change)."""
    if name in table.schema().column_names:
        raise IcebergError(f"Column {name!r} already exists.")
    with table.update_schema() as update:
        update.add_column(name, kind)
    return table


def expire_snapshots(table: Table, keep_last: int = 1) -> list[int]:
    """Expire every snapshot but the newest `keep_last`; returns the ids expired.

    The metadata forgets them, so time travel to them stops working. Their data files stay on
    disk here; Athena's VACUUM also deletes files that no snapshot references any more.
    """
    if keep_last < 1:
        raise IcebergError("keep_last must be at least 1: the current snapshot always stays.")
    expired = [s.snapshot_id for s in table.snapshots()[:-keep_last]]
    if expired:
        table.maintenance.expire_snapshots().by_ids(expired).commit()
    return expired


@dataclass(frozen=True)
class Compaction:
    """Files and rows before and after a rewrite, and the snapshot that committed it."""

    files_before: int
    files_after: int
    rows_before: int
    rows_after: int
    snapshot_id: int


def compact(table: Table) -> Compaction:
    """Rewrite each partition's data files into one file, committed as one snapshot."""
    tasks = list(table.scan().plan_files())
    if not tasks:
        raise IcebergError("The table has no data files to compact.")
    by_partition: dict[tuple, list] = {}
    for task in tasks:
        by_partition.setdefault(tuple(task.file.partition), []).append(task.file)
    sequence = table.metadata.last_sequence_number + 1
    new_paths = []
    for i, files in enumerate(by_partition.values()):
        rows = pa.concat_tables(
            _conform(table, pq.read_table(local_path(f.file_path))) for f in files
        ).sort_by(PARTITION_SOURCE)
        target = local_path(files[0].file_path).parent / f"compacted{sequence:04d}-{i:03d}.parquet"
        pq.write_table(rows, target)
        new_paths.append(file_uri(target))
    with table.transaction() as tx, tx.update_snapshot().overwrite() as rewrite:
        for task in tasks:
            rewrite.delete_data_file(task.file)
        for path in new_paths:
            rewrite.append_data_file(parquet_file_to_data_file(table.io, tx.table_metadata, path))
    after = list(table.scan().plan_files())
    return Compaction(
        files_before=len(tasks),
        files_after=len(after),
        rows_before=sum(t.file.record_count for t in tasks),
        rows_after=sum(t.file.record_count for t in after),
        snapshot_id=table.current_snapshot().snapshot_id,
    )


# --- reading with DuckDB, and what a query touched -------------------------------------------


def duckdb_connection() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the iceberg extension loaded offline, profiling on."""
    con = duckext.connect("iceberg")
    con.execute("SET enable_profiling = 'no_output'")
    return con


def iceberg_source(table: Table, snapshot_id: int | None = None) -> str:
    """The FROM clause DuckDB needs to read the table, optionally as of a snapshot."""
    metadata = local_path(table.metadata_location).as_posix()
    at = f", snapshot_from_id => {snapshot_id}" if snapshot_id is not None else ""
    return f"iceberg_scan('{metadata}'{at})"


@dataclass(frozen=True)
class QueryProfile:
    """What DuckDB's profiler reports about one query's table scan."""

    result: list[tuple]
    files_read: int
    seconds: float


def _scan_node(node: dict) -> dict | None:
    if node.get("operator_type") == "TABLE_SCAN":
        return node
    for child in node.get("children", []):
        found = _scan_node(child)
        if found is not None:
            return found
    return None


def profile(con: duckdb.DuckDBPyConnection, sql: str) -> QueryProfile:
    """Run `sql` and read the files it opened and rows it scanned from DuckDB's profile."""
    try:
        result = con.execute(sql).fetchall()
    except duckdb.Error as exc:
        raise IcebergError(f"DuckDB could not run the query: {exc}") from exc
    info = json.loads(con.get_profiling_information(format="json"))
    scan = _scan_node(info) or {}
    return QueryProfile(
        result=result,
        files_read=int(scan.get("extra_info", {}).get("Total Files Read", 0)),
        seconds=float(info.get("latency", 0.0)),
    )


def iceberg_snapshots(con: duckdb.DuckDBPyConnection, table: Table) -> pd.DataFrame:
    """The snapshot list as DuckDB's iceberg_snapshots reads it from the metadata file."""
    metadata = local_path(table.metadata_location).as_posix()
    return con.execute(
        "SELECT sequence_number, snapshot_id FROM iceberg_snapshots(?) ORDER BY sequence_number",
        [metadata],
    ).df()


# --- hidden partitioning against a Hive-style table ------------------------------------------


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


def scan_cost(
    con: duckdb.DuckDBPyConnection, table: Table, snapshot_id: int | None = None, repeats: int = 3
) -> dict[str, float]:
    """A full-table aggregate on one snapshot: files opened, rows, and median seconds."""
    source = iceberg_source(table, snapshot_id)
    runs = [profile(con, f"SELECT count(*), sum(track_id) FROM {source}") for _ in range(repeats)]
    return {
        "files_read": runs[0].files_read,
        "rows": runs[0].result[0][0],
        "seconds": float(np.median([r.seconds for r in runs])),
    }
