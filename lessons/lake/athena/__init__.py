"""An Athena-like SQL engine on DuckDB, driven by the Glue Data Catalog (trusted SQL only).

`Engine(glue, lake).query(sql)` runs Athena SQL on catalog tables and reports what Athena bills:
data scanned, the cost of it, the files read, the run time, and separately the engine's own
overhead (catalog lookups, partition pruning, planning). It also runs the statements that make
partitions visible — ``MSCK REPAIR TABLE``, ``ALTER TABLE ... ADD|DROP PARTITION``,
``SHOW PARTITIONS`` — and ``CREATE TABLE ... WITH (...) AS SELECT`` (CTAS), which writes into the
lake and registers the new table and its partitions in the catalog.

How a query runs: sqlglot parses the Athena (Trino) SQL and finds the catalog tables it names
(``db.table``, or the default database ``music``). For each one the engine asks the catalog which
partitions exist (or computes them by partition projection), prunes them with the ``WHERE``
conjuncts that use only partition keys, and substitutes a DuckDB relation over exactly the files
left, with partition values as constant columns. The rewritten SQL runs on DuckDB.

Data scanned is DuckDB's own profiling metric ``total_bytes_read``. Checked on DuckDB 1.5.5: for
CSV and JSON it equals the bytes of the files read; for Parquet read from local paths it counts
only footer reads (about 5 KB of a 12 MB file), because column chunks bypass the counted file
handle. Reading Parquet through a registered pass-through filesystem (``lakefs://``, fsspec) makes
the same metric count every byte range the reader fetches — the column chunks of the columns a
query needs, in the row groups its filters keep — so the engine reads Parquet that way (it costs
a little speed, which makes the Parquet timings conservative). For gzip text the metric counts
decompressed bytes, several times over (126 MB for a 34 MB CSV stored as 11 MB of gzip), while
Athena bills the compressed bytes: such files go through the same filesystem, which counts the
compressed bytes itself, and in those queries plain text files count as their whole size.
DuckDB's external file cache is off so each query reads from storage, as Athena does.

Fidelity: partition visibility, projection, pruning on partition keys, column projection and
row-group skipping in Parquet, whole-file scans of text formats, the 10 MB billing minimum and
rounding up to the megabyte, and CTAS defaults (Parquet, GZIP) follow Athena's documentation.
Simplified: one machine instead of Athena's distributed workers, so run times are a laptop's and
only their ratios carry over; CSV tables are parsed by DuckDB with the catalog's column types
(LazySimpleSerDe-style, no quoting) and ``skip.header.line.count``; JSON keys are matched by
name. ORC, Avro, bucketing, views, INSERT INTO and Iceberg tables are refused with a message, and
so are DuckDB's own file and environment functions (``read_csv``, ``getenv``, ...), which Athena
does not have and which would read around the catalog. ``LIMIT`` is DuckDB's: a Parquet scan may
stop early (fewer bytes), text files count as read whole; AWS does not document how far Athena
reads before a ``LIMIT`` is met, so no lesson asserts a LIMIT saving.
"""

from __future__ import annotations

from lessons.lake.athena.billing import BYTES_PER_TB, QueryResult, billed_bytes, query_cost_usd
from lessons.lake.athena.common import AthenaError, duckdb_type
from lessons.lake.athena.engine import OFFLINE_CONFIG, Engine
from lessons.lake.athena.partitions import parse_partition_specs, prune, table_location_check
from lessons.lake.athena.relations import (
    LAKE_PROTOCOL,
    LakeFileSystem,
    is_compressed_text,
    relation_sql,
)
from lessons.lake.visibility import visible_files

__all__ = [
    "BYTES_PER_TB",
    "LAKE_PROTOCOL",
    "OFFLINE_CONFIG",
    "AthenaError",
    "Engine",
    "LakeFileSystem",
    "QueryResult",
    "billed_bytes",
    "duckdb_type",
    "is_compressed_text",
    "parse_partition_specs",
    "prune",
    "query_cost_usd",
    "relation_sql",
    "table_location_check",
    "visible_files",
]
