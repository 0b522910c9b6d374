"""Filtering and running: each table is cut down to what Lake Formation lets the principal see
on a trusted connection, then the checked SQL runs on a fresh, locked in-memory DuckDB under
:class:`Limits` (threads, memory, a timer that interrupts, a cap on concurrent queries), and
at most ``max_rows`` rows and ``max_result_mb`` come back.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa
from sqlglot import exp

from lessons.lake.lakeformation import Policy, TableAccess, table_access
from lessons.lake.sandbox.errors import QueryStopped
from lessons.lake.sandbox.snapshot import LakeSnapshot


@dataclass(frozen=True)
class Limits:
    """How much one playground query may take."""

    max_rows: int = 1_000
    timeout_s: float = 5.0
    memory_limit_mb: int = 256
    threads: int = 1
    max_result_mb: int = 32


# Untrusted queries running at once in this process; each may take a whole Limits' worth of
# memory and a thread, so several sessions together stay bounded too.
MAX_CONCURRENT_QUERIES = 2
_RUNNING = threading.BoundedSemaphore(MAX_CONCURRENT_QUERIES)
# The result is first stored in a table of the locked connection (see run_sql); its name cannot
# clash with a catalog table because quoted names like this one are refused in queries.
_RESULT_TABLE = "__playground_result"


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
