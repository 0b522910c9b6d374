"""The playground's entry points: :func:`run_untrusted` checks, filters and runs one query as a
principal over a :class:`LakeSnapshot` and returns a :class:`SandboxResult`, explaining a
hidden column as Lake Formation's refusal; :func:`query_lake` first loads the tables the
query names from the Glue catalog.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import pandas as pd
import pyarrow as pa

from lessons.lake.lakeformation import AccessDenied, Policy, TableAccess, principal_name
from lessons.lake.layout import Lake
from lessons.lake.sandbox.check import check_query, render
from lessons.lake.sandbox.errors import QueryFailed, SandboxError
from lessons.lake.sandbox.running import Limits, filtered_tables, run_sql
from lessons.lake.sandbox.snapshot import LakeSnapshot, load_snapshot


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


_HIDDEN_COLUMN = re.compile(r'Referenced column "([^"]+)" not found')


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
