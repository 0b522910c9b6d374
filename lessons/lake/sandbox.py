"""Run untrusted SQL (the playground, team sessions) as a Lake Formation principal, safely.

The pattern, in order:

1. **Parse** the text with sqlglot and refuse anything but one read-only query: no second
   statement, no PRAGMA / SET / COPY / ATTACH / INSTALL / LOAD / CREATE / INSERT / EXPORT / CALL,
   no recursive WITH, no table functions (``read_csv``, ``glob``, ``query``, ``duckdb_*`` ...),
   no file paths as tables, and only functions from an allow-list (so nothing that reveals files
   or settings, such as ``getenv`` or ``current_setting``, and nothing that builds a value of a
   size the query chooses, such as ``repeat`` or ``generate_series``: those allocate outside
   DuckDB's memory limit). Every table must be a catalog table the principal may read.
2. **Resolve** each referenced table from the Glue Data Catalog (only registered partitions are
   read) and cut it down to what Lake Formation lets the principal see — on a separate, trusted
   connection. The untrusted connection never holds a raw table: hidden columns and rows simply
   do not exist there.
3. **Lock**: a fresh in-memory DuckDB gets the filtered tables, then ``threads``,
   ``memory_limit``, no temporary directory (so nothing spills to disk), no extension
   auto-install or auto-load, no Python variable scans, ``enable_external_access=false`` and
   finally ``lock_configuration=true``. ``allowed_directories`` is not used: it is not a sandbox
   (a query could read any lake file directly, bypassing the filters, or COPY into the lake).
4. **Run** the SQL that sqlglot wrote back (what was checked is what runs; comments dropped)
   with a timer that calls ``con.interrupt()``, at most two queries at a time per process.
   The first ``max_rows + 1`` rows are stored in a table of the locked in-memory connection
   before Python sees them: stored rows are real copies under the memory limit, whereas the
   Arrow export copies a value DuckDB shares between rows (one long string on every row of a
   join) once per row, outside any limit. Then at most ``max_result_mb`` is fetched.

WITH names are resolved the way DuckDB scopes them (enclosing queries, earlier CTEs of the same
list): a name used where its WITH is not visible is checked as a table, because DuckDB would
look it up in the catalog (``sqlite_master``, ``duckdb_databases`` ...).

Every refusal is a :class:`~lessons.errors.LabError` with a message a learner can act on.

Fidelity: this is the playground's guard, modelled on how Athena behaves under Lake Formation
(a query sees only granted columns and rows; ``SELECT *`` expands to the granted columns; a
query naming a hidden column fails). The SQL dialect is DuckDB's, not Athena's Trino, and the
statement and function allow-lists are ours, stricter than Athena's. Elapsed time is measured
with the process clock for display only.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq
import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from lessons.errors import LabError
from lessons.lake import catalog
from lessons.lake.catalog import TableInfo
from lessons.lake.lakeformation import (
    AccessDenied,
    Policy,
    TableAccess,
    principal_name,
    table_access,
)
from lessons.lake.layout import Lake

MAX_SQL_CHARS = 20_000
# Untrusted queries running at once in this process; each may take a whole Limits' worth of
# memory and a thread, so several sessions together stay bounded too.
MAX_CONCURRENT_QUERIES = 2
_RUNNING = threading.BoundedSemaphore(MAX_CONCURRENT_QUERIES)
# The result is first stored in a table of the locked connection (see run_sql); its name cannot
# clash with a catalog table because quoted names like this one are refused in queries.
_RESULT_TABLE = "__playground_result"
# Names a query may put in front of a table: Athena's catalog and the database.
CATALOG_NAME = "awsdatacatalog"

# sqlglot expression classes for functions a query may call: aggregates, windows, arithmetic,
# text and dates. Everything not listed is refused, which keeps out whatever DuckDB adds later.
_FUNCTION_CLASSES = """
    Count Sum Avg Min Max Stddev StddevPop StddevSamp Variance VariancePop ApproxDistinct CountIf
    AnyValue ArgMax ArgMin Median Mode PercentileCont PercentileDisc Quantile ApproxQuantile
    LogicalAnd LogicalOr GroupConcat ArrayAgg Corr CovarPop CovarSamp First Last
    RowNumber Rank DenseRank Lag Lead Ntile PercentRank CumeDist FirstValue LastValue NthValue
    Abs Round Floor Ceil Sqrt Ln Log Exp Pow Sign Greatest Least Coalesce Nullif If Case
    Lower Upper Length Substring Trim Replace Concat ConcatWs StartsWith EndsWith Contains
    StrPosition Left Right SplitPart RegexpLike RegexpExtract RegexpReplace MD5
    Cast TryCast Columns Array Struct ArraySize
    TimestampTrunc DateTrunc Extract Year Month Day Hour Minute Second Week Quarter DayOfWeek
    DayOfMonth DayOfYear Dayname Monthname TimeToStr StrToTime TimeToUnix UnixToTime DateDiff
    DateAdd DateSub DateFromParts CurrentDate Date
"""
ALLOWED_FUNCTIONS = frozenset(_FUNCTION_CLASSES.split())
# Functions sqlglot does not know by class (parsed as anonymous), allowed by DuckDB name.
ALLOWED_ANONYMOUS = frozenset({"date_part", "datepart", "hash", "epoch", "epoch_ms", "iff"})
ALLOWED_ROOTS = (exp.Select, exp.Union, exp.Intersect, exp.Except)
FORBIDDEN_NODES = (
    exp.Command, exp.Create, exp.Insert, exp.Update, exp.Delete, exp.Drop, exp.Copy, exp.Set,
    exp.Pragma, exp.Attach, exp.Install, exp.Use, exp.Transaction, exp.Commit, exp.Rollback,
    exp.Alter, exp.Merge, exp.Describe, exp.Into, exp.Placeholder, exp.Parameter,
)  # fmt: skip
_HIDDEN_COLUMN = re.compile(r'Referenced column "([^"]+)" not found')

logging.getLogger("sqlglot").setLevel(logging.ERROR)  # refusals are ours to report, not its


class SandboxError(LabError):
    """A playground query that cannot run."""


class QueryRefused(SandboxError):
    """The query asks for something the playground never runs (a file, a setting, a write)."""


class QueryStopped(SandboxError):
    """The query was stopped because it used more time or memory than the playground allows."""


class QueryFailed(SandboxError):
    """DuckDB rejected the query (a typo, a hidden or missing column, a type mismatch)."""


@dataclass(frozen=True)
class Limits:
    """How much one playground query may take."""

    max_rows: int = 1_000
    timeout_s: float = 5.0
    memory_limit_mb: int = 256
    threads: int = 1
    max_result_mb: int = 32


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


@dataclass(frozen=True)
class SandboxResult:
    """What a playground query returned, and what the principal could not see."""

    rows: pd.DataFrame
    truncated: bool
    max_rows: int
    hidden_columns: tuple[tuple[str, tuple[str, ...]], ...]
    tables: tuple[str, ...]
    sql: str
    elapsed_s: float


# --- reading the lake through the catalog (trusted side) -------------------------------------

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


# --- checking the statement ------------------------------------------------------------------


def _kind(node: exp.Expression) -> str:
    if isinstance(node, exp.Command):
        return str(node.this).upper()
    return node.key.upper()


def _function_name(node: exp.Func) -> str:
    return node.name.lower() if isinstance(node, exp.Anonymous) else node.sql_name().lower()


def _check_function(node: exp.Func) -> None:
    if isinstance(node.parent, exp.Table) and node.parent.this is node:
        raise QueryRefused(
            f"Table functions such as {_function_name(node)}(...) are not allowed: query the "
            "catalog tables by name."
        )
    allowed = (
        node.name.lower() in ALLOWED_ANONYMOUS
        if isinstance(node, exp.Anonymous)
        else type(node).__name__ in ALLOWED_FUNCTIONS
    )
    if not allowed:
        raise QueryRefused(
            f"The function {_function_name(node)} is not available in the playground (it offers "
            "aggregate, window, arithmetic, text and date functions only)."
        )


def _ctes_in_scope(node: exp.Expression) -> set[str]:
    """The WITH names DuckDB would resolve at `node`: the CTEs of enclosing queries, and of a
    WITH list only those defined before the CTE `node` sits in (non-recursive WITH cannot see
    itself or later names; such a name falls through to the catalog, so it must be checked)."""
    names: set[str] = set()
    child, parent = node, node.parent
    while parent is not None:
        if isinstance(parent, exp.With):
            for cte in parent.expressions:
                if cte is child:
                    break
                names.add(cte.alias_or_name.lower())
        else:
            with_ = parent.args.get("with_") or parent.args.get("with")
            if isinstance(with_, exp.With) and with_ is not child:
                names.update(cte.alias_or_name.lower() for cte in with_.expressions)
        child, parent = parent, parent.parent
    return names


def _parse(sql: str) -> list[exp.Expression]:
    try:
        return [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except SqlglotError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "syntax error"
        raise QueryRefused(f"This SQL could not be read: {first}") from exc
    except RecursionError as exc:
        raise _too_deep() from exc


def _too_deep() -> QueryRefused:
    return QueryRefused(
        "The query is nested too deeply (brackets, CASE or function calls inside each other); "
        "flatten it, for example with a WITH clause."
    )


def render(tree: exp.Expression) -> str:
    """The checked query as DuckDB SQL, comments dropped: this text is what runs."""
    try:
        return tree.sql(dialect="duckdb", comments=False)
    except RecursionError as exc:
        raise _too_deep() from exc


def _table_name(node: exp.Table, database: str) -> str:
    name = node.this
    if not isinstance(name, exp.Identifier):
        raise QueryRefused(f"{node.sql(dialect='duckdb')} is not a table name.")
    if name.quoted and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name.name):
        raise QueryRefused(f"{name.name!r} is not a table: files and paths cannot be queried here.")
    catalog_part, db_part = (node.catalog or "").lower(), (node.db or "").lower()
    if catalog_part not in ("", CATALOG_NAME) or db_part not in ("", database.lower()):
        raise QueryRefused(
            f"{node.sql(dialect='duckdb')}: only tables of the {database} database can be queried."
        )
    return name.name.lower()


def check_query(sql: str, database: str) -> tuple[exp.Expression, tuple[str, ...]]:
    """The parsed query with table names made plain, and the catalog tables it reads.

    Raises QueryRefused for anything but one read-only query over catalog tables.
    """
    if len(sql) > MAX_SQL_CHARS:
        raise QueryRefused(f"The query is longer than {MAX_SQL_CHARS:,} characters.")
    statements = _parse(sql)
    if not statements:
        raise QueryRefused("Write a SELECT query.")
    if len(statements) > 1:
        raise QueryRefused("Run one statement at a time (found more than one).")
    tree = statements[0]
    if not isinstance(tree, ALLOWED_ROOTS):
        raise QueryRefused(
            f"Only read-only queries (SELECT, WITH ... SELECT, UNION) run here; "
            f"{_kind(tree)} is refused."
        )
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    tables: list[str] = []
    for node in tree.walk():
        if isinstance(node, FORBIDDEN_NODES):
            raise QueryRefused(f"{_kind(node)} is not allowed inside a query.")
        if isinstance(node, exp.With) and node.args.get("recursive"):
            raise QueryRefused("Recursive WITH queries are not allowed in the playground.")
        if isinstance(node, exp.Func):
            _check_function(node)
        elif isinstance(node, exp.Table):
            name = _table_name(node, database)
            if not (node.db or node.catalog) and name in _ctes_in_scope(node):
                continue
            node.set("catalog", None)
            node.set("db", None)
            node.set("this", exp.to_identifier(name))
            if name not in tables:
                tables.append(name)
    shadowing = ctes & set(tables)
    if shadowing:
        raise QueryRefused(
            "A WITH name may not reuse a table name, nor be read outside the query that "
            f"defines it: {', '.join(sorted(shadowing))}."
        )
    return tree, tuple(tables)


# --- filtering and running -------------------------------------------------------------------


def _settings(limits: Limits) -> dict[str, object]:
    return {
        "threads": limits.threads,
        "memory_limit": f"{limits.memory_limit_mb}MB",
        "temp_directory": "",  # nothing spills to disk: over the limit is an error instead
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "allow_community_extensions": False,
    }


def filtered_tables(
    snapshot: LakeSnapshot, policy: Policy, principal: str, names: Sequence[str]
) -> dict[str, tuple[TableAccess, pa.Table]]:
    """Each named table cut down to what the principal may see (trusted connection)."""
    con = duckdb.connect(":memory:", config=_settings(Limits()))
    try:
        out = {}
        for name in names:
            loaded = snapshot.table(name)
            access = table_access(policy, principal, loaded.info)
            con.register("full_table", loaded.data)
            out[name] = (access, con.execute(access.select_sql("full_table")).to_arrow_table())
            con.unregister("full_table")
        return out
    finally:
        con.close()


def _locked_connection(tables: Mapping[str, pa.Table], limits: Limits) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config=_settings(limits))
    for name, data in tables.items():
        con.register(name, data)
    # A query naming a Python variable must not find it (replacement scans), and from here on
    # nothing reaches files, extensions or settings.
    for statement in (
        "SET python_enable_replacements = false",
        "SET enable_external_access = false",
        "SET lock_configuration = true",
    ):
        con.execute(statement)
    return con


def _unique(names: Sequence[str]) -> list[str]:
    """Column names made unique (a, a_2, ...): a result table cannot hold two columns `a`."""
    taken = {n.lower() for n in names}
    seen: set[str] = set()
    out = []
    for name in names:
        unique, n = name, 1
        while unique.lower() in seen or (n > 1 and unique.lower() in taken):
            n += 1
            unique = f"{name}_{n}"
        seen.add(unique.lower())
        out.append(unique)
    return out


def _quoted(name: str) -> str:
    return exp.to_identifier(name, quoted=True).sql(dialect="duckdb")


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, limits: Limits) -> tuple[pa.Table, bool]:
    # The result is stored in a table of the locked, in-memory connection before anything is
    # handed to Python. Stored rows are real copies under DuckDB's memory limit; exported
    # directly, one long string repeated on many rows (or in one wide row) is shared inside
    # DuckDB but copied per row by the Arrow export, outside any limit.
    names = _unique(con.sql(sql).columns)
    aliases = ", ".join(_quoted(f"c{i}") for i in range(len(names)))
    con.execute(
        f"CREATE TEMP TABLE {_RESULT_TABLE} AS SELECT * FROM ({sql}) AS q({aliases}) "
        f"LIMIT {limits.max_rows + 1}"
    )
    # Small batches, so the size check below stops a wide result early.
    reader = con.execute(f"SELECT * FROM {_RESULT_TABLE}").to_arrow_reader(100)
    batches, count, size = [], 0, 0
    for batch in reader:
        batches.append(batch)
        count += batch.num_rows
        size += batch.nbytes
        if size > limits.max_result_mb * 2**20:
            raise QueryStopped(
                f"The result is larger than the playground's {limits.max_result_mb} MB: select "
                "fewer or shorter columns, or aggregate."
            )
        if count > limits.max_rows:
            break
    table = pa.Table.from_batches(batches, schema=reader.schema).rename_columns(names)
    return table.slice(0, limits.max_rows), count > limits.max_rows


def run_sql(sql: str, tables: Mapping[str, pa.Table], limits: Limits) -> tuple[pa.Table, bool]:
    """Run already-checked SQL over in-memory tables on a locked connection, with limits."""
    if not _RUNNING.acquire(timeout=limits.timeout_s):
        raise QueryStopped(
            "The playground is busy with other learners' queries; run yours again in a moment."
        )
    try:
        con = _locked_connection(tables, limits)
        timer = threading.Timer(limits.timeout_s, con.interrupt)
        timer.daemon = True
        timer.start()
        try:
            return _fetch(con, sql, limits)
        except duckdb.InterruptException as exc:
            raise QueryStopped(
                f"The query was stopped after {limits.timeout_s:g} s, the playground's time "
                "limit (a join without a join condition multiplies row counts)."
            ) from exc
        except duckdb.OutOfMemoryException as exc:
            raise QueryStopped(
                f"The query needed more than the playground's {limits.memory_limit_mb} MB of "
                "memory and was stopped."
            ) from exc
        finally:
            timer.cancel()
            con.close()
    finally:
        _RUNNING.release()


def _to_frame(data: pa.Table) -> pd.DataFrame:
    try:
        return data.to_pandas()
    except (pa.ArrowException, ValueError, OverflowError) as exc:
        raise QueryFailed(
            "The result has a value or type the playground cannot show (for example an infinite "
            f"date or a UNION value): cast that column to VARCHAR. ({exc})"
        ) from exc


def _explain_failure(exc: duckdb.Error, accesses: Mapping[str, TableAccess]) -> SandboxError:
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    match = _HIDDEN_COLUMN.search(str(exc))
    if match:
        column = match.group(1)
        for name, access in accesses.items():
            if column.lower() in (h.lower() for h in access.hidden):
                who = principal_name(access.principal)
                return AccessDenied(
                    f"{column} of {name} is hidden from {who} by Lake Formation "
                    "(no SELECT on that column)."
                )
    return QueryFailed(f"DuckDB could not run the query: {message}")


def run_untrusted(
    sql: str,
    principal: str,
    policy: Policy,
    snapshot: LakeSnapshot,
    limits: Limits | None = None,
) -> SandboxResult:
    """Check, filter and run one untrusted query as `principal`; never touches the disk."""
    limits = limits or Limits()
    began = time.perf_counter()
    tree, names = check_query(sql, snapshot.database)
    prepared = filtered_tables(snapshot, policy, principal, names)
    text = render(tree)
    try:
        data, truncated = run_sql(text, {n: t for n, (_, t) in prepared.items()}, limits)
    except duckdb.Error as exc:
        raise _explain_failure(exc, {n: a for n, (a, _) in prepared.items()}) from exc
    return SandboxResult(
        rows=_to_frame(data),
        truncated=truncated,
        max_rows=limits.max_rows,
        hidden_columns=tuple((n, a.hidden) for n, (a, _) in prepared.items()),
        tables=names,
        sql=text,
        elapsed_s=time.perf_counter() - began,
    )


def query_lake(
    sql: str, principal: str, policy: Policy, glue, lake: Lake, database: str,
    limits: Limits | None = None,
) -> SandboxResult:  # fmt: skip
    """Resolve the query's tables from the Glue catalog, then run it as :func:`run_untrusted`."""
    _, names = check_query(sql, database)
    snapshot = load_snapshot(glue, lake, database, names)
    return run_untrusted(sql, principal, policy, snapshot, limits)
