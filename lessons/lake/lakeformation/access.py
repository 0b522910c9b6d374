"""What a principal may read: :func:`table_access` combines every SELECT grant on a table as a
union (columns any grant includes, rows any grant admits, cells the admitting grants do not
cover masked to NULL) into a :class:`TableAccess` that an engine applies before a query sees
the data; :func:`visibility` and :func:`grants_table` show a policy as tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlglot import exp

from lessons.lake.catalog import TableInfo
from lessons.lake.lakeformation.resources import AccessDenied, Grant, Policy, principal_name
from lessons.lake.lakeformation.rowfilter import check_row_filter


@dataclass(frozen=True)
class TableAccess:
    """What one principal may read of one table; built by :func:`table_access`.

    ``row_filter`` is DuckDB SQL over the table's columns (None: every row). ``masked`` lists
    (column, condition) pairs: the cell is shown only where the condition holds, else NULL.
    """

    principal: str
    database: str
    table: str
    columns: tuple[str, ...]
    hidden: tuple[str, ...]
    row_filter: str | None = None
    masked: tuple[tuple[str, str], ...] = ()

    def select_sql(self, source: str) -> str:
        """The SELECT that turns the full table `source` into what the principal may see."""
        conditions = dict(self.masked)
        items = []
        for name in self.columns:
            quoted = exp.to_identifier(name, quoted=True).sql(dialect="duckdb")
            if name in conditions:
                items.append(f"CASE WHEN {conditions[name]} THEN {quoted} END AS {quoted}")
            else:
                items.append(quoted)
        where = f" WHERE {self.row_filter}" if self.row_filter else ""
        return f"SELECT {', '.join(items)} FROM {source}{where}"


def _read_paths(policy: Policy, grants: Sequence[Grant], table: TableInfo) -> list[tuple]:
    """Each SELECT grant as (columns it admits, row condition or None for every row)."""
    everything = tuple(table.column_names)
    paths = []
    for grant in grants:
        if not {"SELECT", "ALL"} & set(grant.permissions) or grant.kind == "Database":
            continue
        if grant.kind == "DataCellsFilter":
            data_filter = policy.data_filter(table.database, table.name, grant.data_filter or "")
            columns = _chosen(everything, data_filter.columns, data_filter.excluded_columns)
            condition = (
                check_row_filter(data_filter.row_filter, table) if data_filter.row_filter else None
            )
            paths.append((columns, None if condition == "TRUE" else condition))
        else:
            paths.append((_chosen(everything, grant.columns, grant.excluded_columns), None))
    return paths


def _chosen(
    everything: tuple[str, ...], include: tuple[str, ...] | None, exclude: tuple[str, ...]
) -> frozenset[str]:
    if include is not None:
        wanted = {c.lower() for c in include}
        return frozenset(c for c in everything if c.lower() in wanted)
    dropped = {c.lower() for c in exclude}
    return frozenset(c for c in everything if c.lower() not in dropped)


def _either(conditions: Iterable[str]) -> str:
    unique = sorted(set(conditions))
    return unique[0] if len(unique) == 1 else " OR ".join(f"({c})" for c in unique)


def table_access(policy: Policy, principal: str, table: TableInfo) -> TableAccess:
    """The columns and rows `principal` may read from `table`, or AccessDenied."""
    paths = [p for p in _read_paths(policy, policy.grants_for(principal, table.database,
             table.name), table) if p[0]]  # fmt: skip
    if not paths:
        raise AccessDenied(
            f"{principal_name(principal)} has no SELECT permission on "
            f"{table.database}.{table.name} (ask a data lake administrator for a grant)."
        )
    every_row = any(cond is None for _, cond in paths)
    all_conditions = {cond for _, cond in paths}
    visible = [c for c in table.column_names if any(c in cols for cols, _ in paths)]
    masked = []
    for name in visible:
        conditions = {cond for cols, cond in paths if name in cols}
        if None not in conditions and conditions != all_conditions:
            masked.append((name, _either(conditions)))
    return TableAccess(
        principal=principal,
        database=table.database,
        table=table.name,
        columns=tuple(visible),
        hidden=tuple(c for c in table.column_names if c not in visible),
        row_filter=None if every_row else _either(c for c in all_conditions if c is not None),
        masked=tuple(masked),
    )


def can_describe(policy: Policy, principal: str, table: TableInfo) -> bool:
    """True if the principal may see the table's definition: DESCRIBE or ALL on the table, or
    SELECT through any grant. DESCRIBE on a data filter shows the filter, not the table."""
    for g in policy.grants_for(principal, table.database, table.name):
        held = set(g.permissions)
        if "SELECT" in held or (g.kind == "Table" and {"DESCRIBE", "ALL"} & held):
            return True
    return False


def visibility(policy: Policy, principal: str, tables: Sequence[TableInfo]) -> pd.DataFrame:
    """One row per table the principal can see: permissions, columns shown and hidden, rows."""
    rows = []
    for table in tables:
        if not can_describe(policy, principal, table):
            continue
        held = sorted(
            {p for g in policy.grants_for(principal, table.database, table.name)
             for p in g.permissions}
        )  # fmt: skip
        try:
            access = table_access(policy, principal, table)
            columns, hidden = ", ".join(access.columns), ", ".join(access.hidden)
            rows_text = access.row_filter or "all rows"
        except AccessDenied:
            columns, hidden, rows_text = "", ", ".join(table.column_names), "none (no SELECT)"
        rows.append({"table": f"{table.database}.{table.name}", "permissions": ", ".join(held),
                     "columns": columns, "hidden columns": hidden, "rows": rows_text})  # fmt: skip
    return pd.DataFrame(rows, columns=["table", "permissions", "columns", "hidden columns", "rows"])


def grants_table(policy: Policy) -> pd.DataFrame:
    """Every grant as one row, with the data filter spelled out where there is one."""
    rows = []
    for g in policy.grants:
        detail = ""
        if g.kind == "TableWithColumns":
            detail = (f"columns: {', '.join(g.columns)}" if g.columns is not None
                      else f"all columns except {', '.join(g.excluded_columns)}")  # fmt: skip
        elif g.kind == "DataCellsFilter":
            f = policy.data_filter(g.database, g.table or "", g.data_filter or "")
            detail = f"filter {f.name}: rows {f.row_filter or 'all'}" + (
                f"; columns {', '.join(f.columns)}" if f.columns is not None
                else f"; all columns except {', '.join(f.excluded_columns)}"
                if f.excluded_columns else ""
            )  # fmt: skip
        rows.append({"principal": principal_name(g.principal), "resource": g.kind,
                     "on": g.database + ("" if g.table is None else f".{g.table}"),
                     "permissions": ", ".join(g.permissions), "detail": detail})  # fmt: skip
    return pd.DataFrame(rows, columns=["principal", "resource", "on", "permissions", "detail"])
