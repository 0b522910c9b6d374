"""Where the Iceberg table lives: a SQLite catalog and warehouse folder, creating the table
(partitioned by ``day(device_ts)`` if asked) and loading it, and the ``file://`` addresses its
metadata records for local paths.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.exceptions import NoSuchTableError, TableAlreadyExistsError
from pyiceberg.table import Table
from pyiceberg.transforms import DayTransform

from lessons.errors import LabError

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
