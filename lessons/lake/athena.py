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
name. ORC, Avro, bucketing, views, INSERT INTO and Iceberg tables are refused with a message.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import sqlglot
from fsspec.implementations.local import LocalFileSystem
from sqlglot import exp
from sqlglot.errors import ParseError

from lessons import facts
from lessons.errors import LabError
from lessons.lake import catalog, ctas
from lessons.lake.catalog import Partition, TableInfo
from lessons.lake.layout import DATABASE, Lake
from lessons.lake.visibility import (
    PartitionFiles,
    discover_partitions,
    visible_files,
    visible_partitions,
)

__all__ = [
    "OFFLINE_CONFIG",
    "AthenaError",
    "Engine",
    "QueryResult",
    "billed_bytes",
    "duckdb_type",
    "query_cost_usd",
    "visible_files",
]

OFFLINE_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    # Athena reads from S3 on every query; a warm cache would hide the bytes a query needs.
    "enable_external_file_cache": False,
}
BYTES_PER_TB = facts.BYTES_PER_UNIT["MB"] * 10**6  # Athena prices decimal terabytes
LAKE_PROTOCOL = "lakefs"
_HIVE_TYPES = {
    "string": "VARCHAR",
    "varchar": "VARCHAR",
    "char": "VARCHAR",
    "bigint": "BIGINT",
    "int": "INTEGER",
    "integer": "INTEGER",
    "smallint": "SMALLINT",
    "tinyint": "TINYINT",
    "double": "DOUBLE",
    "float": "FLOAT",
    "real": "FLOAT",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "binary": "BLOB",
}
_NAME = r"[`\"]?(\w+)[`\"]?(?:\.[`\"]?(\w+)[`\"]?)?"
_MSCK = re.compile(rf"^MSCK\s+REPAIR\s+TABLE\s+{_NAME}$", re.I | re.S)
_SHOW = re.compile(rf"^SHOW\s+PARTITIONS\s+{_NAME}$", re.I | re.S)
_ALTER = re.compile(
    rf"^ALTER\s+TABLE\s+{_NAME}\s+(ADD|DROP)\s+(IF\s+(?:NOT\s+)?EXISTS\s+)?(PARTITION\b.*)$",
    re.I | re.S,
)
_SPEC = re.compile(r"PARTITION\s*\(([^)]*)\)\s*(?:LOCATION\s*'([^']*)')?\s*,?\s*", re.I)
_PAIR = re.compile(r"^\s*[`\"]?(\w+)[`\"]?\s*=\s*(?:'((?:[^']|'')*)'|([\w.+-]+))\s*$")


class AthenaError(LabError):
    """SQL the engine cannot run: bad syntax, an unknown table, an unsupported statement."""


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


def billed_bytes(scanned: int, minimum_fact: str = "athena.min_scan_mb") -> int:
    """Bytes billed: rounded up to the next megabyte, never under the per-query minimum.

    Redshift Spectrum bills the same way with its own minimum (``minimum_fact``).
    """
    mb = facts.BYTES_PER_UNIT["MB"]
    return max(math.ceil(scanned / mb) * mb, facts.as_bytes(minimum_fact))


def query_cost_usd(scanned: int) -> float:
    """What Athena charges for a query that scanned `scanned` bytes."""
    return billed_bytes(scanned) / BYTES_PER_TB * facts.number("athena.price_per_tb_usd")


def duckdb_type(hive_type: str) -> str:
    """The DuckDB type for a Glue/Hive column type (``string`` → ``VARCHAR``, ``decimal(p,s)``)."""
    text = hive_type.strip().lower()
    if text.startswith("decimal"):
        return text.upper()
    base = text.split("(")[0]
    if base not in _HIVE_TYPES:
        raise AthenaError(f"Column type {hive_type!r} is not supported by this lab's engine.")
    return _HIVE_TYPES[base]


@dataclass(frozen=True)
class QueryResult:
    """What one statement returned and what Athena would report (and bill) for it."""

    sql: str
    statement: str
    table: pa.Table
    bytes_scanned: int = 0
    files_read: int = 0
    partitions_read: int = 0
    run_s: float = 0.0
    overhead_s: float = 0.0
    catalog_s: float = 0.0  # part of overhead_s: Glue API calls and listing the objects
    tables: tuple[str, ...] = ()
    message: str = ""

    @property
    def billed_bytes(self) -> int:
        return billed_bytes(self.bytes_scanned) if self.billable else 0

    @property
    def cost_usd(self) -> float:
        return query_cost_usd(self.bytes_scanned) if self.billable else 0.0

    @property
    def billable(self) -> bool:
        """DDL (MSCK, ALTER, SHOW) is free on Athena; SELECT and CTAS pay for data scanned."""
        return self.statement in ("SELECT", "CREATE TABLE AS SELECT")

    def df(self) -> pd.DataFrame:
        return self.table.to_pandas()

    def stats(self) -> dict[str, object]:
        return {
            "statement": self.statement,
            "rows": self.table.num_rows,
            "data scanned (bytes)": self.bytes_scanned,
            "files read": self.files_read,
            "run time (s)": round(self.run_s, 4),
            "engine overhead (s)": round(self.overhead_s, 4),
            "cost (USD)": self.cost_usd,
        }


@dataclass
class _Plan:
    sql: str
    files: int = 0
    partitions: int = 0
    tables: list[str] = field(default_factory=list)
    plain_text_bytes: int = 0  # uncompressed CSV/JSON files the query may read
    catalog_s: float = 0.0
    compressed_text: bool = False


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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


class Engine:
    """Athena SQL over the lake, with only catalog-visible partitions readable."""

    def __init__(
        self,
        glue,
        lake: Lake,
        database: str = DATABASE,
        now: datetime | None = None,
        threads: int | None = None,
    ) -> None:
        self.glue = glue
        self.lake = lake
        self.database = database
        self.now = now
        config = dict(OFFLINE_CONFIG)
        if threads:
            config["threads"] = threads
        self.con = duckdb.connect(config=config)
        self._fs = LakeFileSystem(skip_instance_cache=True)
        self.con.register_filesystem(self._fs)
        self.con.execute("PRAGMA enable_profiling='no_output'")
        self._planner = duckdb.connect(config=dict(OFFLINE_CONFIG))

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()
        self._planner.close()

    # --- statements -----------------------------------------------------------------------

    def query(self, sql: str) -> QueryResult:
        """Run one Athena statement; LabError (AthenaError, CatalogError) says what is wrong."""
        started = time.perf_counter()
        text = sql.strip().rstrip(";").strip()
        if not text:
            raise AthenaError("The query is empty.")
        for pattern, handler in ((_MSCK, self._msck), (_SHOW, self._show), (_ALTER, self._alter)):
            match = pattern.match(text)
            if match:
                return handler(text, match, started)
        tree = self._parse(text)
        if isinstance(tree, exp.Create):
            return ctas.run(self, tree, text, started)
        if not isinstance(tree, exp.Query):
            raise AthenaError(
                f"{tree.key.upper()} statements are not supported here. This engine runs SELECT, "
                "CREATE TABLE AS SELECT, MSCK REPAIR TABLE, ALTER TABLE ADD/DROP PARTITION and "
                "SHOW PARTITIONS."
            )
        return self.select(tree, text, started)

    execute = query

    def table_info(self, database: str | None, name: str) -> TableInfo:
        """The catalog entry for ``database.name`` (default database when None)."""
        return catalog.get_table(self.glue, (database or self.database).lower(), name.lower())

    def select(self, tree: exp.Query, text: str, started: float) -> QueryResult:
        plan = self._plan(tree)
        overhead = time.perf_counter() - started
        ran = time.perf_counter()
        self._fs.bytes_read = 0
        try:
            table = self.con.execute(plan.sql).to_arrow_table()
        except duckdb.Error as exc:
            raise AthenaError(f"The query failed: {_first_line(exc)}") from exc
        run_s = time.perf_counter() - ran
        profile = json.loads(self.con.get_profiling_information(format="json"))
        scanned = int(profile.get("total_bytes_read", 0))
        if plan.compressed_text:
            # DuckDB's metric counts gzip text decompressed (several times over); Athena bills
            # the compressed bytes, which our filesystem counted; plain text counts whole files.
            scanned = self._fs.bytes_read + plan.plain_text_bytes
        return QueryResult(
            sql=text,
            statement="SELECT",
            table=table,
            bytes_scanned=scanned,
            files_read=plan.files,
            partitions_read=plan.partitions,
            run_s=run_s,
            overhead_s=overhead,
            catalog_s=plan.catalog_s,
            tables=tuple(plan.tables),
        )

    def _parse(self, text: str) -> exp.Expression:
        try:
            trees = [t for t in sqlglot.parse(text, read="athena") if t is not None]
        except ParseError as exc:
            raise AthenaError(f"The SQL could not be parsed: {_first_line(exc)}") from exc
        if len(trees) != 1:
            raise AthenaError("Run one statement at a time.")
        if isinstance(trees[0], exp.Command):
            raise AthenaError(f"Statement {text.split()[0].upper()!r} is not supported here.")
        return trees[0]

    def _plan(self, tree: exp.Query) -> _Plan:
        tree = tree.copy()
        ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
        relations: dict[str, str] = {}
        plan = _Plan(sql="")
        for i, ref in enumerate(list(tree.find_all(exp.Table))):
            if not isinstance(ref.this, exp.Identifier):
                continue
            if not ref.db and ref.name.lower() in ctes:
                continue
            asked = time.perf_counter()
            info = self.table_info(ref.db or None, ref.name)
            visible = visible_partitions(self.glue, self.lake, info, self.now)
            plan.catalog_s += time.perf_counter() - asked
            parts = prune(self._planner, info, ref, visible)
            placeholder = f"__athena_ref_{i}__"
            relations[placeholder] = relation_sql(info, parts)
            plan.files += sum(len(p.files) for p in parts)
            for path in (f for p in parts for f in p.files):
                if is_compressed_text(path):
                    plan.compressed_text = True
                elif info.classification != "parquet":
                    plan.plain_text_bytes += path.stat().st_size
            plan.partitions += len(parts) if info.partition_keys else 0
            plan.tables.append(f"{info.database}.{info.name}")
            alias = ref.alias or ref.name
            ref.replace(
                exp.Table(
                    this=exp.to_identifier(placeholder),
                    alias=exp.TableAlias(this=exp.to_identifier(alias)),
                )
            )
        if not plan.tables:
            raise AthenaError("The query reads no catalog table (FROM <table> is missing).")
        sql = tree.sql(dialect="duckdb")
        for placeholder, relation in relations.items():
            sql = sql.replace(placeholder, relation)
        plan.sql = sql
        return plan

    def _ddl_result(self, text: str, statement: str, rows: dict, started: float) -> QueryResult:
        return QueryResult(
            sql=text,
            statement=statement,
            table=pa.table(rows),
            overhead_s=time.perf_counter() - started,
        )

    def _msck(self, text: str, match: re.Match, started: float) -> QueryResult:
        info = self._named(match)
        if not info.partition_keys:
            raise AthenaError(
                f"{info.name} is not partitioned: MSCK REPAIR TABLE has nothing to do."
            )
        found = discover_partitions(self.lake, info)
        known = {p.values for p in catalog.get_partitions(self.glue, info)}
        new = [p for p in found if p.values not in known]
        catalog.add_partitions(self.glue, info, new)
        added = [_spec_text(info, p.values) for p in new]
        return self._ddl_result(
            text, "MSCK REPAIR TABLE", {"added partition": pa.array(added, pa.string())}, started
        )

    def _show(self, text: str, match: re.Match, started: float) -> QueryResult:
        info = self._named(match)
        if not info.partition_keys:
            raise AthenaError(f"Table {info.name} is not partitioned.")
        shown = [_spec_text(info, p.values) for p in catalog.get_partitions(self.glue, info)]
        return self._ddl_result(
            text, "SHOW PARTITIONS", {"partition": pa.array(shown, pa.string())}, started
        )

    def _alter(self, text: str, match: re.Match, started: float) -> QueryResult:
        info = self._named(match)
        action, if_clause, rest = match.group(3).upper(), match.group(4), match.group(5)
        specs = parse_partition_specs(info, rest)
        known = {p.values for p in catalog.get_partitions(self.glue, info)}
        if action == "ADD":
            clash = [v for v, _ in specs if v in known]
            if clash and not if_clause:
                raise AthenaError(f"Partition already exists: {_spec_text(info, clash[0])}.")
            partitions = [Partition(v, loc or info.partition_location(v)) for v, loc in specs]
            catalog.add_partitions(self.glue, info, partitions)
        else:
            missing = [v for v, _ in specs if v not in known]
            if missing and not if_clause:
                raise AthenaError(f"Partition not found: {_spec_text(info, missing[0])}.")
            for values in (v for v, _ in specs if v in known):
                self.glue.delete_partition(
                    DatabaseName=info.database, TableName=info.name, PartitionValues=list(values)
                )
        done = [_spec_text(info, v) for v, _ in specs]
        return self._ddl_result(
            text,
            f"ALTER TABLE {action} PARTITION",
            {"partition": pa.array(done, pa.string())},
            started,
        )

    def _named(self, match: re.Match) -> TableInfo:
        first, second = match.group(1), match.group(2)
        return self.table_info(first if second else None, second or first)


def parse_partition_specs(table: TableInfo, text: str) -> list[tuple[tuple[str, ...], str | None]]:
    """``PARTITION (dt='x') LOCATION 's3://...' PARTITION (...)`` → [(values, location)]."""
    keys = [c.name for c in table.partition_keys]
    specs, position = [], 0
    for match in _SPEC.finditer(text):
        if match.start() != position:
            break
        position = match.end()
        pairs = {}
        for item in match.group(1).split(","):
            pair = _PAIR.match(item)
            if not pair:
                raise AthenaError(
                    f"Cannot read the partition value {item.strip()!r}; write it as key='value'."
                )
            value = pair.group(2).replace("''", "'") if pair.group(2) is not None else pair.group(3)
            pairs[pair.group(1).lower()] = value
        if sorted(pairs) != sorted(keys):
            raise AthenaError(
                f"A partition of {table.name} needs exactly the keys {keys}; got {sorted(pairs)}."
            )
        location = match.group(2)
        if location is not None:
            table_location_check(location)
        specs.append((tuple(pairs[k] for k in keys), location))
    if not specs or position != len(text):
        raise AthenaError("Write partitions as PARTITION (key='value') [LOCATION 's3://...'].")
    return specs


def table_location_check(location: str) -> None:
    """A partition LOCATION must be an S3 folder address."""
    if not location.startswith("s3://"):
        raise AthenaError(f"LOCATION {location!r} must be an s3:// address.")


def prune(
    planner: duckdb.DuckDBPyConnection,
    table: TableInfo,
    ref: exp.Table,
    parts: list[PartitionFiles],
) -> list[PartitionFiles]:
    """Drop partitions that the query's WHERE conjuncts on partition keys rule out."""
    if not table.partition_keys or not parts:
        return parts
    conjuncts = _partition_conjuncts(table, ref)
    if not conjuncts:
        return parts
    keys = table.partition_keys
    rows = ", ".join(
        "("
        + ", ".join(
            [str(i)] + [f"CAST({_sql_text(p.spec[k.name])} AS {duckdb_type(k.type)})" for k in keys]
        )
        + ")"
        for i, p in enumerate(parts)
    )
    names = ", ".join(["__i", *(_quote(k.name) for k in keys)])
    keep = set(range(len(parts)))
    for conjunct in conjuncts:
        sql = f"SELECT __i FROM (VALUES {rows}) AS p({names}) WHERE {conjunct}"
        try:
            keep &= {row[0] for row in planner.execute(sql).fetchall()}
        except duckdb.Error:
            continue  # not something partition values alone can decide: keep every partition
    return [p for i, p in enumerate(parts) if i in keep]


def _partition_conjuncts(table: TableInfo, ref: exp.Table) -> list[str]:
    """The ANDed WHERE terms of `ref`'s own SELECT that use only `ref`'s partition keys."""
    select = ref.parent.parent if isinstance(ref.parent, exp.From | exp.Join) else None
    if not isinstance(select, exp.Select) or not select.args.get("where"):
        return []
    joins = select.args.get("joins") or []
    if any(j.side or (j.kind or "").upper() not in ("", "INNER", "CROSS") for j in joins):
        return []  # a null-extended side could turn a pruned partition into a NULL row
    alone = not joins
    own = {(ref.alias or ref.name).lower(), ref.name.lower()}
    keys = {c.name.lower() for c in table.partition_keys}
    condition = select.args["where"].this
    terms = list(condition.flatten()) if isinstance(condition, exp.And) else [condition]
    found = []
    for term in terms:
        columns = list(term.find_all(exp.Column))
        if not columns or term.find(exp.Query) is not None:
            continue
        ok = all(
            c.name.lower() in keys and (c.table.lower() in own if c.table else alone)
            for c in columns
        )
        if ok:
            term = term.copy()
            for column in term.find_all(exp.Column):
                column.set("table", None)
                column.set("db", None)
            found.append(term.sql(dialect="duckdb"))
    return found


def _spec_text(table: TableInfo, values: tuple[str, ...]) -> str:
    return "/".join(f"{k.name}={v}" for k, v in zip(table.partition_keys, values, strict=True))


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
