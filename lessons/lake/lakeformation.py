"""AWS Lake Formation permissions: grants on databases, tables and columns, and data filters.

A :class:`Policy` holds what the operations ``GrantPermissions``, ``RevokePermissions`` and
``CreateDataCellsFilter`` would have stored; :func:`table_access` answers the question every
integrated engine asks before it reads a table for a principal: which columns, which rows —
or ``AccessDeniedException``. The sandbox (lessons.lake.sandbox) applies that answer before a
query ever sees the data. :func:`record_policy` sends the same grants through the real
``lakeformation`` boto3 API (the local endpoint by default) so a learner sees the calls.

Fidelity: resources and permissions have the shapes of the Lake Formation API (``Database``,
``Table`` with ``TableWildcard``, ``TableWithColumns`` with ``ColumnNames`` or
``ColumnWildcard.ExcludedColumnNames``, ``DataCellsFilter`` with ``RowFilter`` and column include
or exclude lists). Row filter expressions are checked against the documented PartiQL subset:
column-versus-constant comparisons (=, <>, !=, <, >, <=, >=, BETWEEN, IN, LIKE, IS [NOT] NULL,
not on partition columns) joined with AND / OR / NOT, no functions, shorter than the documented
length; limits come from the facts table. Several SELECT grants on one table combine as a union:
a row is returned if any grant admits it, a column if any grant includes it, and a cell the
admitting grants do not cover comes back NULL (cell-level security, our reading of the docs).
Simplified: one account and catalog, no grant option chains, no LF-Tags, no hybrid access mode,
no nested (struct) columns, no data-location permissions; data lake administrators get nothing
implicitly here — they are granted like anyone else. Checked against moto 5.2 (server mode):
``grant_permissions`` / ``revoke_permissions`` / ``list_permissions`` store and return any
resource verbatim and merge permissions per (principal, resource); ``list_permissions`` cannot
filter by a ``TableWithColumns`` or ``DataCellsFilter`` resource (it answers
InvalidInputException; list everything instead), and with a principal it needs a resource;
revoking a permission nobody holds succeeds silently (AWS refuses); nothing checks that the
database or table exists; ``create_data_cells_filter`` and ``get_data_cells_filter`` are not
implemented (HTTP 404) and ``list_data_cells_filter`` always returns an empty list; and moto's
Athena never consults these grants — enforcement is this module's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import pandas as pd
import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from lessons import facts
from lessons.errors import LabError
from lessons.lake.catalog import TableInfo

ACCOUNT_ID = "123456789012"  # moto's default account; principals below live in it
ALL_TABLES = "*"
DATABASE_PERMISSIONS = frozenset({"DESCRIBE", "CREATE_TABLE", "ALTER", "DROP"})
TABLE_PERMISSIONS = frozenset({"SELECT", "DESCRIBE", "ALTER", "DROP", "INSERT", "DELETE"})
COLUMN_PERMISSIONS = frozenset({"SELECT"})  # only SELECT can be limited to columns
FILTER_PERMISSIONS = frozenset({"SELECT", "DESCRIBE", "DROP"})
_NUMERIC_TYPES = ("tinyint", "smallint", "int", "integer", "bigint", "float", "double", "decimal")


class LakeFormationError(LabError):
    """A Lake Formation request that AWS would refuse; `code` is AWS's error code."""

    code = "InvalidInputException"


class InvalidInput(LakeFormationError):
    """A malformed grant, filter or row filter expression."""


class AlreadyExists(LakeFormationError):
    code = "AlreadyExistsException"


class EntityNotFound(LakeFormationError):
    code = "EntityNotFoundException"


class AccessDenied(LakeFormationError):
    """The principal holds no permission that lets it read the table."""

    code = "AccessDeniedException"


def role(name: str) -> str:
    """The IAM role ARN Lake Formation uses as a principal identifier."""
    return f"arn:aws:iam::{ACCOUNT_ID}:role/{name}"


def principal_name(principal: str) -> str:
    """The short name at the end of a principal ARN (for tables and messages)."""
    return principal.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class DataCellsFilter:
    """A data filter on one table: a row filter and a column include or exclude list.

    ``row_filter=None`` is ``AllRowsWildcard``; ``columns=None`` is ``ColumnWildcard`` (all
    columns except ``excluded_columns``).
    """

    name: str
    database: str
    table: str
    row_filter: str | None = None
    columns: tuple[str, ...] | None = None
    excluded_columns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput("A data filter needs a name.")
        if self.columns is not None and self.excluded_columns:
            raise InvalidInput(
                f"Data filter {self.name!r}: give either the columns to include or the columns "
                "to exclude, not both."
            )

    def table_data(self) -> dict:
        """The ``TableData`` body of CreateDataCellsFilter for this filter."""
        body: dict = {
            "TableCatalogId": ACCOUNT_ID,
            "DatabaseName": self.database,
            "TableName": self.table,
            "Name": self.name,
            "RowFilter": {"FilterExpression": self.row_filter}
            if self.row_filter
            else {"AllRowsWildcard": {}},
        }
        if self.columns is not None:
            body["ColumnNames"] = list(self.columns)
        else:
            body["ColumnWildcard"] = {"ExcludedColumnNames": list(self.excluded_columns)}
        return body


@dataclass(frozen=True)
class Grant:
    """Permissions for one principal on one resource.

    ``table=None``: the database itself. ``table=ALL_TABLES``: every table (``TableWildcard``).
    ``columns`` / ``excluded_columns``: ``TableWithColumns``. ``data_filter``: a filter's name.
    """

    principal: str
    database: str
    table: str | None = None
    permissions: tuple[str, ...] = ("SELECT",)
    columns: tuple[str, ...] | None = None
    excluded_columns: tuple[str, ...] = ()
    data_filter: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "permissions", tuple(sorted(set(self.permissions))))
        problem = _grant_problem(self)
        if problem:
            raise InvalidInput(problem)

    @property
    def kind(self) -> str:
        """The API resource type: Database, Table, TableWithColumns or DataCellsFilter."""
        if self.table is None:
            return "Database"
        if self.data_filter is not None:
            return "DataCellsFilter"
        if self.columns is not None or self.excluded_columns:
            return "TableWithColumns"
        return "Table"

    def resource(self) -> dict:
        """The ``Resource`` argument of GrantPermissions / RevokePermissions."""
        if self.kind == "Database":
            return {"Database": {"Name": self.database}}
        if self.kind == "DataCellsFilter":
            return {
                "DataCellsFilter": {
                    "TableCatalogId": ACCOUNT_ID,
                    "DatabaseName": self.database,
                    "TableName": self.table,
                    "Name": self.data_filter,
                }
            }
        if self.kind == "TableWithColumns":
            body: dict = {"DatabaseName": self.database, "Name": self.table}
            if self.columns is not None:
                body["ColumnNames"] = list(self.columns)
            else:
                body["ColumnWildcard"] = {"ExcludedColumnNames": list(self.excluded_columns)}
            return {"TableWithColumns": body}
        if self.table == ALL_TABLES:
            return {"Table": {"DatabaseName": self.database, "TableWildcard": {}}}
        return {"Table": {"DatabaseName": self.database, "Name": self.table}}

    def same_resource(self, other: Grant) -> bool:
        return self.principal == other.principal and self.resource() == other.resource()


def _grant_problem(grant: Grant) -> str | None:
    if not grant.principal.strip():
        return "A grant needs a principal (an IAM user or role ARN)."
    if not grant.permissions:
        return "A grant needs at least one permission."
    if grant.columns is not None and grant.excluded_columns:
        return "Give either the columns to include or the columns to exclude, not both."
    allowed = {
        "Database": DATABASE_PERMISSIONS,
        "Table": TABLE_PERMISSIONS,
        "TableWithColumns": COLUMN_PERMISSIONS,
        "DataCellsFilter": FILTER_PERMISSIONS,
    }[grant.kind]
    wrong = sorted(set(grant.permissions) - allowed)
    if wrong:
        return (
            f"{', '.join(wrong)} cannot be granted on a {grant.kind} resource "
            f"(allowed: {', '.join(sorted(allowed))})."
        )
    if grant.kind in ("TableWithColumns", "DataCellsFilter") and grant.table == ALL_TABLES:
        return "Column lists and data filters name one table, not the all-tables wildcard."
    return None


@dataclass(frozen=True)
class Policy:
    """Everything granted in one account's Lake Formation, plus its data filters."""

    grants: tuple[Grant, ...] = ()
    filters: tuple[DataCellsFilter, ...] = ()

    def data_filter(self, database: str, table: str, name: str) -> DataCellsFilter:
        for candidate in self.filters:
            if (candidate.database, candidate.table, candidate.name) == (database, table, name):
                return candidate
        raise EntityNotFound(f"No data filter {name!r} on {database}.{table}.")

    def grants_for(self, principal: str, database: str, table: str) -> list[Grant]:
        """The principal's grants that apply to one table (named or through the wildcard)."""
        return [
            g
            for g in self.grants
            if g.principal == principal
            and g.database == database
            and g.table in (table, ALL_TABLES)
        ]


# --- row filter expressions ------------------------------------------------------------------

_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Like)


def _literal_kind(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Neg):
        node = node.this
        return "number" if isinstance(node, exp.Literal) and not node.is_string else None
    if isinstance(node, exp.Boolean):
        return "boolean"
    if isinstance(node, exp.Literal):
        return "string" if node.is_string else "number"
    return None


def _column_kind(glue_type: str) -> str:
    lowered = glue_type.lower()
    if lowered.startswith(_NUMERIC_TYPES):
        return "number"
    if lowered == "boolean":
        return "boolean"
    return "string"


class _RowFilterChecker:
    """Walks a parsed row filter and refuses anything outside the documented PartiQL subset."""

    def __init__(self, table: TableInfo) -> None:
        self.types = {c.name.lower(): c for c in (*table.columns, *table.partition_keys)}
        self.partition_keys = {c.name.lower() for c in table.partition_keys}
        self.where = f"{table.database}.{table.name}"

    def predicate(self, node: exp.Expression) -> None:
        if isinstance(node, exp.Paren):
            return self.predicate(node.this)
        if isinstance(node, (exp.And, exp.Or)):
            self.predicate(node.left)
            return self.predicate(node.right)
        if isinstance(node, exp.Not):
            return self.predicate(node.this)
        if isinstance(node, _COMPARISONS):
            return self.comparison(node.left, node.right, node.key.upper())
        if isinstance(node, exp.Between):
            column = self.column(node.this)
            for bound in (node.args["low"], node.args["high"]):
                self.constant(bound, column, "BETWEEN")
            return None
        if isinstance(node, exp.In):
            if node.args.get("query") or node.args.get("field") or not node.expressions:
                raise InvalidInput("IN takes a list of constants, not a subquery.")
            column = self.column(node.this)
            for value in node.expressions:
                self.constant(value, column, "IN")
            return None
        if isinstance(node, exp.Is):
            column = self.column(node.this)
            if not isinstance(node.expression, exp.Null):
                raise InvalidInput("IS is only allowed as IS NULL or IS NOT NULL.")
            if column.name.lower() in self.partition_keys:
                raise InvalidInput(
                    f"IS [NOT] NULL cannot be used on the partition column {column.name!r}."
                )
            return None
        raise InvalidInput(
            f"{node.sql(dialect='duckdb')!r} is not allowed in a row filter: use comparisons "
            "(=, <>, <, >, <=, >=, BETWEEN, IN, LIKE, IS NULL) of a column with constants, joined "
            "with AND, OR and NOT. Functions are not allowed."
        )

    def column(self, node: exp.Expression):
        if isinstance(node, exp.Func):
            raise InvalidInput(
                f"{node.sql(dialect='duckdb')!r}: Functions are not allowed in a row filter."
            )
        if not isinstance(node, exp.Column) or node.table:
            raise InvalidInput(
                f"{node.sql(dialect='duckdb')!r}: each comparison needs a plain column name of "
                f"{self.where} on one side."
            )
        found = self.types.get(node.name.lower())
        if found is None:
            raise InvalidInput(f"{self.where} has no column {node.name!r}.")
        node.replace(exp.column(found.name, quoted=True))
        return found

    def constant(self, node: exp.Expression, column, operator: str) -> None:
        kind = _literal_kind(node)
        if kind is None:
            raise InvalidInput(
                f"{operator} compares a column with constants; {node.sql(dialect='duckdb')!r} is "
                "not a constant (columns cannot be compared with other columns)."
            )
        if kind != _column_kind(column.type):
            raise InvalidInput(
                f"{column.name} is {column.type}; the constant {node.sql(dialect='duckdb')} is "
                f"a {kind}."
            )

    def comparison(self, left: exp.Expression, right: exp.Expression, operator: str) -> None:
        if isinstance(right, exp.Column):
            left, right = right, left
        column = self.column(left)
        self.constant(right, column, operator)


def check_row_filter(expression: str, table: TableInfo) -> str:
    """The row filter as DuckDB SQL with quoted column names, or InvalidInput saying why not."""
    limit = facts.number("lakeformation.row_filter_max_chars")
    if len(expression) >= limit:
        raise InvalidInput(f"A row filter must be shorter than {limit:,.0f} characters.")
    try:
        statements = [s for s in sqlglot.parse(expression, read="duckdb") if s is not None]
    except SqlglotError as exc:
        raise InvalidInput(f"The row filter {expression!r} is not valid SQL.") from exc
    if len(statements) != 1:
        raise InvalidInput("A row filter is one expression, like a WHERE clause without WHERE.")
    tree = statements[0]
    if isinstance(tree, exp.Boolean) and tree.this:
        return "TRUE"
    _RowFilterChecker(table).predicate(tree)
    return tree.sql(dialect="duckdb", comments=False)


def _check_columns(names: Iterable[str], table: TableInfo, what: str) -> None:
    known = {n.lower() for n in table.column_names}
    missing = [n for n in names if n.lower() not in known]
    if missing:
        raise InvalidInput(
            f"{what}: {table.database}.{table.name} has no column(s) {', '.join(missing)}."
        )


# --- the operations ---------------------------------------------------------------------------


def create_data_cells_filter(
    policy: Policy, data_filter: DataCellsFilter, table: TableInfo
) -> Policy:
    """CreateDataCellsFilter: checked against the table's columns, then stored."""
    if (data_filter.database, data_filter.table) != (table.database, table.name):
        raise InvalidInput(f"Filter {data_filter.name!r} names another table than {table.name}.")
    if any(
        (f.database, f.table, f.name) == (table.database, table.name, data_filter.name)
        for f in policy.filters
    ):
        raise AlreadyExists(f"A data filter {data_filter.name!r} already exists on {table.name}.")
    _check_columns(data_filter.columns or (), table, f"filter {data_filter.name!r}")
    _check_columns(data_filter.excluded_columns, table, f"filter {data_filter.name!r}")
    if data_filter.row_filter is not None:
        check_row_filter(data_filter.row_filter, table)
    return replace(policy, filters=(*policy.filters, data_filter))


def grant_permissions(policy: Policy, grant: Grant, table: TableInfo | None = None) -> Policy:
    """GrantPermissions: a second grant on the same resource adds to the first, as on AWS."""
    if grant.kind == "DataCellsFilter":
        policy.data_filter(grant.database, grant.table or "", grant.data_filter or "")
        held = [
            g
            for g in policy.grants
            if g.kind == "DataCellsFilter"
            and g.principal == grant.principal
            and (g.database, g.table) == (grant.database, grant.table)
        ]
        limit = facts.number("lakeformation.filter_select_grants_per_principal_table_max")
        if len(held) >= limit and not any(g.same_resource(grant) for g in held):
            raise InvalidInput(
                f"{principal_name(grant.principal)} already holds {limit:.0f} data filter grants "
                f"on {grant.table}, the most Lake Formation allows."
            )
    if grant.kind == "TableWithColumns" and table is not None:
        _check_columns((*(grant.columns or ()), *grant.excluded_columns), table, "grant")
    merged: list[Grant] = []
    added = False
    for existing in policy.grants:
        if existing.same_resource(grant):
            existing = replace(existing, permissions=(*existing.permissions, *grant.permissions))
            added = True
        merged.append(existing)
    if not added:
        merged.append(grant)
    return replace(policy, grants=tuple(merged))


def revoke_permissions(policy: Policy, grant: Grant) -> Policy:
    """RevokePermissions: removes the named permissions from the same principal and resource."""
    kept: list[Grant] = []
    found = False
    for existing in policy.grants:
        if existing.same_resource(grant):
            found = True
            left = tuple(p for p in existing.permissions if p not in grant.permissions)
            if left:
                kept.append(replace(existing, permissions=left))
            continue
        kept.append(existing)
    if not found:
        raise InvalidInput(
            f"{principal_name(grant.principal)} holds no permissions on that {grant.kind} "
            "resource, so there is nothing to revoke."
        )
    return replace(policy, grants=tuple(kept))


# --- what a principal may read ---------------------------------------------------------------


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
        if "SELECT" not in grant.permissions or grant.kind == "Database":
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
    """True if the principal may see the table's definition (DESCRIBE or any SELECT)."""
    return any(
        {"DESCRIBE", "SELECT"} & set(g.permissions)
        for g in policy.grants_for(principal, table.database, table.name)
    )


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


# --- the same grants through the Lake Formation API --------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """What the lakeformation endpoint accepted when a policy was sent to it."""

    grants_sent: int
    filters_created: int
    filter_errors: tuple[str, ...]


def grant_request(grant: Grant) -> dict:
    """The keyword arguments of ``lakeformation.grant_permissions`` for `grant`."""
    return {
        "Principal": {"DataLakePrincipalIdentifier": grant.principal},
        "Resource": grant.resource(),
        "Permissions": list(grant.permissions),
    }


def record_policy(lakeformation, policy: Policy) -> Recorded:
    """Send the filters (CreateDataCellsFilter) and grants (GrantPermissions) to the endpoint."""
    created, errors = 0, []
    for data_filter in policy.filters:
        try:
            lakeformation.create_data_cells_filter(TableData=data_filter.table_data())
            created += 1
        except Exception as exc:  # moto answers 404 here: report it, do not stop
            first = str(exc).splitlines()[0]
            if "(404)" in first:
                first = "CreateDataCellsFilter is not implemented by this endpoint (HTTP 404)"
            errors.append(f"{data_filter.name}: {first}")
    for grant in policy.grants:
        lakeformation.grant_permissions(**grant_request(grant))
    return Recorded(len(policy.grants), created, tuple(errors))


def revoke_request(grant: Grant) -> dict:
    """The keyword arguments of ``lakeformation.revoke_permissions`` for `grant`."""
    return grant_request(grant)


def list_recorded(lakeformation) -> pd.DataFrame:
    """Every permission the endpoint holds (ListPermissions, no filter), one row each."""
    rows = []
    kwargs: dict = {}
    while True:
        page = lakeformation.list_permissions(**kwargs)
        for entry in page["PrincipalResourcePermissions"]:
            kind, body = next(iter(entry["Resource"].items()))
            name = body.get("Name") or ("*" if "TableWildcard" in body else "")
            where = ".".join(
                x for x in (body.get("DatabaseName"), body.get("TableName"), name) if x
            )
            who = principal_name(entry["Principal"]["DataLakePrincipalIdentifier"])
            rows.append({"principal": who, "resource": kind, "on": where,
                         "permissions": ", ".join(sorted(entry["Permissions"]))})  # fmt: skip
        token = page.get("NextToken")
        if not token:
            break
        kwargs["NextToken"] = token
    table = pd.DataFrame(rows, columns=["principal", "resource", "on", "permissions"])
    return table.sort_values(["principal", "resource", "on"], ignore_index=True)
