"""Reading the lake through the catalog, on the trusted side: every row of a table's registered
partitions (or its location, if unpartitioned) with exactly the catalog's columns and types,
held in memory as a :class:`LakeSnapshot` that untrusted queries run against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from lessons.lake import catalog
from lessons.lake.catalog import TableInfo
from lessons.lake.layout import Lake
from lessons.lake.sandbox.errors import QueryRefused, SandboxError


@dataclass(frozen=True)
class LoadedTable:
    """A catalog table with the rows of its registered partitions, in memory."""

    info: TableInfo
    data: pa.Table


@dataclass(frozen=True)
class LakeSnapshot:
    """The tables of one Glue database as the catalog describes them, read once."""

    database: str
    tables: tuple[LoadedTable, ...]

    def table(self, name: str) -> LoadedTable:
        for loaded in self.tables:
            if loaded.info.name.lower() == name.lower():
                return loaded
        raise QueryRefused(
            f"There is no table {name!r} in the {self.database} database; "
            f"tables: {', '.join(t.info.name for t in self.tables) or 'none'}."
        )

    @property
    def infos(self) -> list[TableInfo]:
        return [t.info for t in self.tables]


_ARROW_TYPES = {
    "string": pa.string(), "varchar": pa.string(), "bigint": pa.int64(), "int": pa.int32(),
    "integer": pa.int32(), "smallint": pa.int16(), "tinyint": pa.int8(), "double": pa.float64(),
    "float": pa.float32(), "boolean": pa.bool_(), "timestamp": pa.timestamp("ms"),
    "date": pa.date32(),
}  # fmt: skip


def _read_file(path, classification: str) -> pa.Table:
    readers = {"parquet": pq.read_table, "json": pajson.read_json, "csv": pacsv.read_csv}
    if classification not in readers:
        raise SandboxError(f"The playground cannot read {classification} tables.")
    try:
        return readers[classification](path)
    except (OSError, pa.ArrowException) as exc:
        raise SandboxError(f"Cannot read lake file {path.name}: {exc}") from exc


def _conform(data: pa.Table, info: TableInfo, values: Sequence[str]) -> pa.Table:
    """The file's rows with exactly the catalog's columns and types, plus partition values."""
    arrays, fields = [], []
    for column in info.columns:
        wanted = _ARROW_TYPES.get(column.type.lower())
        if column.name in data.column_names:
            array = data.column(column.name)
            if wanted is not None and array.type != wanted:
                try:
                    array = pc.cast(array, wanted)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    wanted = array.type  # keep what the file holds rather than fail
        else:
            array = pa.nulls(data.num_rows, wanted or pa.string())
        arrays.append(array)
        fields.append(pa.field(column.name, array.type))
    for key, value in zip(info.partition_keys, values, strict=True):
        arrays.append(pa.array([value] * data.num_rows, pa.string()))
        fields.append(pa.field(key.name, pa.string()))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def read_table(glue, lake: Lake, info: TableInfo) -> pa.Table:
    """Every row of a catalog table's registered partitions (or its location, if unpartitioned)."""
    if info.partition_keys:
        places = [(p.location, p.values) for p in catalog.get_partitions(glue, info)]
    else:
        places = [(info.location, ())]
    parts = [
        _conform(_read_file(path, info.classification), info, values)
        for location, values in places
        for path in catalog.data_files(lake, location)
    ]
    if not parts:
        return _empty(info)
    return pa.concat_tables(parts, promote_options="permissive")


def _empty(info: TableInfo) -> pa.Table:
    fields = [pa.field(c.name, _ARROW_TYPES.get(c.type.lower(), pa.string())) for c in info.columns]
    fields += [pa.field(k.name, pa.string()) for k in info.partition_keys]
    return pa.schema(fields).empty_table()


def load_snapshot(
    glue, lake: Lake, database: str, names: Sequence[str] | None = None
) -> LakeSnapshot:
    """Read the named catalog tables (default: all of the database) into memory."""
    wanted = names if names is not None else catalog.list_tables(glue, database)
    tables = []
    for name in wanted:
        info = catalog.get_table(glue, database, name)
        tables.append(LoadedTable(info, read_table(glue, lake, info)))
    return LakeSnapshot(database, tuple(tables))
