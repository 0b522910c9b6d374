"""Commits that change the table: appending rows as Parquet data files (one or more per day)
registered with ``add_files``, micro-batch appends, adding a column (metadata only), and
compaction, which rewrites each partition's files into one and commits the swap as one
snapshot.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pyiceberg.io.pyarrow import parquet_file_to_data_file, schema_to_pyarrow
from pyiceberg.table import Table
from pyiceberg.types import IcebergType

from lessons.lake.iceberg.store import (
    PARTITION_FIELD,
    PARTITION_SOURCE,
    IcebergError,
    file_uri,
    local_path,
)


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


def add_column(table: Table, name: str, kind: IcebergType) -> Table:
    """Schema evolution: add an optional column (a metadata-only change)."""
    if name in table.schema().column_names:
        raise IcebergError(f"Column {name!r} already exists.")
    with table.update_schema() as update:
        update.add_column(name, kind)
    return table


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
