"""Reading the table with DuckDB's iceberg extension, loaded offline: the ``iceberg_scan``
source (optionally as of a snapshot), DuckDB's own snapshot list, and the files and time a
query took, read from DuckDB's profiler.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from pyiceberg.table import Table

from lessons import duckext
from lessons.lake.iceberg.store import IcebergError, local_path


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
