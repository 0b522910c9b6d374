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

from lessons.lake.iceberg.partitioning import TimeRange, hive_source, pruning_comparison, write_hive
from lessons.lake.iceberg.reading import (
    QueryProfile,
    duckdb_connection,
    iceberg_snapshots,
    iceberg_source,
    profile,
    scan_cost,
)
from lessons.lake.iceberg.snapshots import (
    data_files,
    expire_snapshots,
    read_snapshot,
    snapshot_history,
)
from lessons.lake.iceberg.store import (
    NAMESPACE,
    PARTITION_FIELD,
    PARTITION_SOURCE,
    TABLE,
    IcebergError,
    create_table,
    file_uri,
    load_table,
    local_path,
    open_catalog,
)
from lessons.lake.iceberg.writes import Compaction, add_column, append, append_in_batches, compact

__all__ = [
    "NAMESPACE",
    "PARTITION_FIELD",
    "PARTITION_SOURCE",
    "TABLE",
    "Compaction",
    "IcebergError",
    "QueryProfile",
    "TimeRange",
    "add_column",
    "append",
    "append_in_batches",
    "compact",
    "create_table",
    "data_files",
    "duckdb_connection",
    "expire_snapshots",
    "file_uri",
    "hive_source",
    "iceberg_snapshots",
    "iceberg_source",
    "load_table",
    "local_path",
    "open_catalog",
    "profile",
    "pruning_comparison",
    "read_snapshot",
    "scan_cost",
    "snapshot_history",
    "write_hive",
]
