"""CREATE TABLE AS SELECT for the Athena engine: write the result into the lake, register it.

``CREATE TABLE t WITH (format='PARQUET', write_compression='SNAPPY', partitioned_by=ARRAY['dt'],
external_location='s3://...') AS SELECT ...`` runs the SELECT on the engine, writes one file per
partition in Hive-style ``dt=.../`` folders and creates the table and its partitions in the Glue
Data Catalog, so the next query can read it.

Fidelity: as in Athena, format defaults to Parquet and compression to GZIP (both from the facts
table), partition columns must come last in the SELECT list and in the same order, a CTAS writes
at most ``athena.ctas_max_partitions`` partitions (else HIVE_TOO_MANY_OPEN_PARTITIONS), the
target location must be empty and the table must not exist. Simplified: TEXTFILE is written
comma-delimited without quoting (Athena's default delimiter is ``\\001``), one file per
partition, and the default location is a fixed folder per table rather than a query id folder.
Bucketing, ORC, Avro and Iceberg (``table_type='ICEBERG'``) are refused with a message.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from sqlglot import exp

from lessons import facts
from lessons.lake import catalog
from lessons.lake.catalog import Column, Partition, TableInfo
from lessons.lake.layout import BUCKET, Lake, join

if TYPE_CHECKING:
    from lessons.lake.athena import Engine, QueryResult

FORMATS = {
    "PARQUET": ("parquet", ".parquet"),
    "JSON": ("json", ".json"),
    "TEXTFILE": ("csv", ".csv"),
}
PARQUET_CODECS = {
    "SNAPPY": "snappy",
    "GZIP": "gzip",
    "ZSTD": "zstd",
    "LZ4": "lz4",
    "NONE": "none",
    "UNCOMPRESSED": "none",
}
TEXT_CODECS = {"GZIP": "gzip", "NONE": None, "UNCOMPRESSED": None}
PROPERTIES = (
    "format",
    "write_compression",
    "parquet_compression",
    "partitioned_by",
    "external_location",
    "table_type",
)
HIVE_DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__"


@dataclass(frozen=True)
class CtasOptions:
    """The WITH (...) properties of a CTAS, with Athena's defaults filled in."""

    format: str
    compression: str
    partitioned_by: tuple[str, ...] = ()
    location: str | None = None


def _error(message: str) -> Exception:
    from lessons.lake.athena import AthenaError  # the engine imports this module

    return AthenaError(message)


def _value(node: exp.Expression) -> str | list[str]:
    if isinstance(node, exp.Array | exp.Tuple | exp.Schema):
        return [e.name for e in node.expressions]
    return node.name


def options(tree: exp.Create) -> CtasOptions:
    """Read and check the WITH (...) properties."""
    given: dict[str, str | list[str]] = {}
    for prop in (tree.args.get("properties") or exp.Properties(expressions=[])).expressions:
        if isinstance(prop, exp.FileFormatProperty):
            given["format"] = _value(prop.this)
        elif isinstance(prop, exp.PartitionedByProperty):
            given["partitioned_by"] = _value(prop.this)
        elif isinstance(prop, exp.Property):
            given[prop.name.lower()] = _value(prop.args["value"])
        else:
            given[prop.key] = ""
    unknown = sorted(set(given) - set(PROPERTIES))
    if unknown:
        raise _error(
            f"CTAS property {unknown[0]!r} is not supported here; use {', '.join(PROPERTIES)}."
        )
    if str(given.get("table_type", "HIVE")).upper() != "HIVE":
        raise _error("Only Hive tables are created here (table_type='HIVE'); Iceberg is lesson 08.")
    fmt = str(given.get("format", facts.value("athena.ctas_default_format"))).upper()
    if fmt not in FORMATS:
        raise _error(f"CTAS format {fmt!r} is not supported here; use {', '.join(FORMATS)}.")
    codec = given.get("write_compression", given.get("parquet_compression"))
    codec = str(codec or facts.value("athena.ctas_default_compression")).upper()
    codecs = PARQUET_CODECS if fmt == "PARQUET" else TEXT_CODECS
    if codec not in codecs:
        raise _error(f"Compression {codec!r} is not available for {fmt}; use {', '.join(codecs)}.")
    partitioned = given.get("partitioned_by", [])
    partitioned = tuple(
        p.lower() for p in ([partitioned] if isinstance(partitioned, str) else partitioned)
    )
    location = given.get("external_location")
    if location is not None and not str(location).startswith("s3://"):
        raise _error(f"external_location {location!r} must be an s3:// address.")
    return CtasOptions(fmt, codec, partitioned, str(location) if location else None)


def hive_type(arrow_type: pa.DataType) -> str:
    """The Glue/Hive column type for an Arrow type of a query result."""
    checks = [
        (pa.types.is_boolean, "boolean"),
        (pa.types.is_int8, "tinyint"),
        (pa.types.is_int16, "smallint"),
        (pa.types.is_int32, "int"),
        (pa.types.is_int64, "bigint"),
        (pa.types.is_float32, "float"),
        (pa.types.is_float64, "double"),
        (pa.types.is_timestamp, "timestamp"),
        (pa.types.is_date, "date"),
        (pa.types.is_string, "string"),
        (pa.types.is_large_string, "string"),
    ]
    for check, name in checks:
        if check(arrow_type):
            return name
    if pa.types.is_decimal(arrow_type):
        return f"decimal({arrow_type.precision},{arrow_type.scale})"
    if pa.types.is_unsigned_integer(arrow_type):
        return "bigint"
    raise _error(f"A CTAS cannot store a column of type {arrow_type} in this lab.")


def _partition_text(value: object) -> str:
    if value is None:
        return HIVE_DEFAULT_PARTITION
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _groups(table: pa.Table, keys: Sequence[str]) -> list[tuple[tuple[str, ...], pa.Table]]:
    if not keys:
        return [((), table)]
    combos = table.select(list(keys)).group_by(list(keys)).aggregate([]).to_pylist()
    groups = []
    for combo in sorted(combos, key=lambda c: tuple(_partition_text(c[k]) for k in keys)):
        mask = None
        for key in keys:
            column = table.column(key)
            test = pc.is_null(column) if combo[key] is None else pc.equal(column, combo[key])
            mask = test if mask is None else pc.and_(mask, test)
        part = table.filter(mask).drop_columns(list(keys))
        groups.append((tuple(_partition_text(combo[k]) for k in keys), part))
    return groups


def write_file(table: pa.Table, path: Path, fmt: str, compression: str) -> None:
    """One data file in an Athena storage format."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "PARQUET":
        pq.write_table(table, path, compression=PARQUET_CODECS[compression])
        return
    codec = TEXT_CODECS[compression]
    if fmt == "TEXTFILE":
        options = pacsv.WriteOptions(include_header=False, quoting_style="none")
        with pa.OSFile(str(path), "wb") as raw:
            sink = pa.CompressedOutputStream(raw, codec) if codec else raw
            pacsv.write_csv(table, sink, options)
            if codec:
                sink.close()
        return
    con = duckdb.connect(
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "threads": 1,
        }
    )
    try:
        con.register("rows_to_write", table)
        con.execute(
            f"COPY rows_to_write TO '{path.as_posix()}' "
            f"(FORMAT json, COMPRESSION {codec or 'uncompressed'})"
        )
    finally:
        con.close()


def write_partitioned(
    lake: Lake, table: pa.Table, location: str, opts: CtasOptions
) -> list[Partition]:
    """Write `table` under `location`, one file per partition; returns the partitions written."""
    _, extension = FORMATS[opts.format]
    if opts.format != "PARQUET" and TEXT_CODECS[opts.compression]:
        extension += ".gz"
    written = []
    for values, part in _groups(table, opts.partitioned_by):
        folder = (
            join(location, *(f"{k}={v}" for k, v in zip(opts.partitioned_by, values, strict=True)))
            + "/"
        )
        write_file(
            part, lake.path(folder) / f"part-00000{extension}", opts.format, opts.compression
        )
        written.append(Partition(values, folder))
    return written


def _check_columns(result: pa.Table, partitioned_by: tuple[str, ...]) -> None:
    names = [n.lower() for n in result.column_names]
    if len(set(names)) != len(names):
        raise _error("A CTAS needs distinct column names; give repeated columns an alias.")
    if partitioned_by and tuple(names[-len(partitioned_by) :]) != partitioned_by:
        raise _error(
            f"Partition columns {list(partitioned_by)} must be the last columns of the SELECT "
            f"list, in that order (the SELECT gives {names})."
        )
    if len(partitioned_by) >= len(names):
        raise _error("A CTAS needs at least one column that is not a partition column.")


def _check_partition_count(result: pa.Table, partitioned_by: tuple[str, ...]) -> None:
    limit = int(facts.number("athena.ctas_max_partitions"))
    keys = list(partitioned_by)
    count = result.select(keys).group_by(keys).aggregate([]).num_rows if keys else 1
    if count > limit:
        raise _error(
            f"HIVE_TOO_MANY_OPEN_PARTITIONS: a CTAS writes at most {limit} partitions; "
            f"this one would write {count}. Use CTAS plus INSERT INTO in batches."
        )


def run(engine: Engine, tree: exp.Create, text: str, started: float) -> QueryResult:
    """Run a CTAS statement on `engine`."""
    from lessons.lake.athena import QueryResult

    target = tree.this
    if not isinstance(target, exp.Table) or str(tree.args.get("kind", "")).upper() != "TABLE":
        raise _error("Only CREATE TABLE <name> WITH (...) AS SELECT ... is supported here.")
    select = tree.expression
    if not isinstance(select, exp.Query):
        raise _error("CREATE TABLE needs AS SELECT ... here (CREATE EXTERNAL TABLE is not run).")
    database, name = (target.db or engine.database).lower(), target.name.lower()
    if _has_db(engine, database) and name in catalog.list_tables(engine.glue, database):
        raise _error(f"Table {database}.{name} already exists.")
    opts = options(tree)
    location = opts.location or f"s3://{BUCKET}/athena-results/tables/{database}/{name}/"
    if engine.lake.objects(location):
        raise _error(f"The CTAS location {location} is not empty; Athena never overwrites data.")
    result = engine.select(select, text, started)
    _check_columns(result.table, opts.partitioned_by)
    _check_partition_count(result.table, opts.partitioned_by)
    writing = time.perf_counter()
    partitions = write_partitioned(engine.lake, result.table, location, opts)
    info = _table_info(database, name, location, result.table, opts)
    catalog.put_table(engine.glue, info)
    if opts.partitioned_by:
        catalog.add_partitions(engine.glue, info, partitions)
    return QueryResult(
        sql=text,
        statement="CREATE TABLE AS SELECT",
        table=pa.table({"rows": pa.array([result.table.num_rows], pa.int64())}),
        bytes_scanned=result.bytes_scanned,
        files_read=result.files_read,
        partitions_read=result.partitions_read,
        run_s=result.run_s + time.perf_counter() - writing,
        overhead_s=result.overhead_s,
        catalog_s=result.catalog_s,
        tables=result.tables,
        message=f"{database}.{name} at {location}",
    )


def _has_db(engine: Engine, database: str) -> bool:
    try:
        engine.glue.get_database(Name=database)
    except engine.glue.exceptions.EntityNotFoundException:
        return False
    return True


def _table_info(
    database: str, name: str, location: str, result: pa.Table, opts: CtasOptions
) -> TableInfo:
    classification, _ = FORMATS[opts.format]
    keys = set(opts.partitioned_by)
    columns = [Column(f.name.lower(), hive_type(f.type)) for f in result.schema]
    params = {"parquet.compression": opts.compression} if opts.format == "PARQUET" else {}
    if opts.format != "PARQUET" and TEXT_CODECS[opts.compression]:
        params["compressionType"] = "gzip"
    return TableInfo(
        database=database,
        name=name,
        location=location,
        classification=classification,
        columns=tuple(c for c in columns if c.name not in keys),
        partition_keys=tuple(c for c in columns if c.name in keys),
        parameters=params,
    )
