"""DuckDB relations over exactly the lake files a query may read: the ``lakefs://`` filesystem
that counts raw bytes read, the reader call for each table format (Parquet, CSV, JSON lines)
with the catalog's column types, and :func:`relation_sql`, which unions the partitions left
after pruning with their partition values as constant columns.
"""

from __future__ import annotations

import threading
from pathlib import Path

from fsspec.implementations.local import LocalFileSystem

from lessons.lake.athena.common import AthenaError, _quote, _sql_text, duckdb_type
from lessons.lake.catalog import TableInfo
from lessons.lake.visibility import PartitionFiles

LAKE_PROTOCOL = "lakefs"


class LakeFileSystem(LocalFileSystem):
    """Local files under ``lakefs://``, counting the raw bytes read from storage.

    Through it DuckDB's ``total_bytes_read`` counts every Parquet byte range; `bytes_read` is
    our own count of the same reads, used for gzip text, where DuckDB counts decompressed bytes.
    """

    protocol = LAKE_PROTOCOL

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.bytes_read = 0
        self._lock = threading.Lock()

    @classmethod
    def _strip_protocol(cls, path):  # type: ignore[override]
        if isinstance(path, str) and path.startswith(f"{LAKE_PROTOCOL}://"):
            path = path[len(LAKE_PROTOCOL) + 3 :]
        return LocalFileSystem._strip_protocol(path)

    def _open(self, path, mode="rb", *args, **kwargs):  # type: ignore[override]
        handle = super()._open(path, mode, *args, **kwargs)
        plain_read = handle.read

        def counted_read(size: int = -1) -> bytes:
            data = plain_read(size)
            with self._lock:
                self.bytes_read += len(data)
            return data

        handle.read = counted_read
        return handle


def is_compressed_text(path: Path) -> bool:
    """Gzip text: DuckDB's byte metric counts it decompressed, so the engine counts it itself."""
    return path.suffix.lower() == ".gz"


def _file_list(part: PartitionFiles, classification: str) -> str:
    def address(path: Path) -> str:
        counted = classification == "parquet" or is_compressed_text(path)
        return (f"{LAKE_PROTOCOL}://" if counted else "") + path.resolve().as_posix()

    return "[" + ", ".join(_sql_text(address(p)) for p in part.files) + "]"


def _reader(table: TableInfo, part: PartitionFiles) -> str:
    files = _file_list(part, table.classification)
    kind = table.classification
    if kind == "parquet":
        return f"read_parquet({files}, hive_partitioning=false, union_by_name=true)"
    columns = (
        "{"
        + ", ".join(f"{_sql_text(c.name)}: {_sql_text(duckdb_type(c.type))}" for c in table.columns)
        + "}"
    )
    if kind == "json":
        return (
            f"read_json({files}, format='newline_delimited', columns={columns}, "
            "hive_partitioning=false)"
        )
    if kind == "csv":
        header = table.parameters.get("skip.header.line.count", "0").strip() not in ("", "0")
        return (
            f"read_csv({files}, columns={columns}, header={str(header).lower()}, "
            "delim=',', quote='', escape='', auto_detect=false, hive_partitioning=false)"
        )
    raise AthenaError(
        f"Table {table.database}.{table.name} is {kind!r}: this lab's engine reads parquet, "
        "csv and json (DuckDB has no offline ORC reader)."
    )


def relation_sql(table: TableInfo, parts: list[PartitionFiles]) -> str:
    """A DuckDB subquery over exactly `parts`, with the catalog's columns and partition keys."""
    keys = table.partition_keys
    typed = [
        f"CAST(NULL AS {duckdb_type(c.type)}) AS {_quote(c.name)}" for c in (*table.columns, *keys)
    ]
    branches = [f"SELECT {', '.join(typed)} WHERE false"]  # every column exists, even if no file
    for part in parts:
        values = part.spec
        constants = [
            f"CAST({_sql_text(values[k.name])} AS {duckdb_type(k.type)}) AS {_quote(k.name)}"
            for k in keys
        ]
        branches.append(f"SELECT {', '.join(['*', *constants])} FROM {_reader(table, part)}")
    names = ", ".join(_quote(c.name) for c in (*table.columns, *keys))
    return f"(SELECT {names} FROM ({' UNION ALL BY NAME '.join(branches)}))"
