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

from lessons.lake.sandbox.check import (
    ALLOWED_ANONYMOUS,
    ALLOWED_FUNCTIONS,
    ALLOWED_ROOTS,
    CATALOG_NAME,
    FORBIDDEN_NODES,
    MAX_SQL_CHARS,
    check_query,
    render,
)
from lessons.lake.sandbox.errors import QueryFailed, QueryRefused, QueryStopped, SandboxError
from lessons.lake.sandbox.running import MAX_CONCURRENT_QUERIES, Limits, filtered_tables, run_sql
from lessons.lake.sandbox.snapshot import LakeSnapshot, LoadedTable, load_snapshot, read_table
from lessons.lake.sandbox.untrusted import SandboxResult, query_lake, run_untrusted

__all__ = [
    "ALLOWED_ANONYMOUS",
    "ALLOWED_FUNCTIONS",
    "ALLOWED_ROOTS",
    "CATALOG_NAME",
    "FORBIDDEN_NODES",
    "MAX_CONCURRENT_QUERIES",
    "MAX_SQL_CHARS",
    "LakeSnapshot",
    "Limits",
    "LoadedTable",
    "QueryFailed",
    "QueryRefused",
    "QueryStopped",
    "SandboxError",
    "SandboxResult",
    "check_query",
    "filtered_tables",
    "load_snapshot",
    "query_lake",
    "read_table",
    "render",
    "run_sql",
    "run_untrusted",
]
