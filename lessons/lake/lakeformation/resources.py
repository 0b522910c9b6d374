"""Lake Formation's principals, resources and policy: who holds which permissions on what.

The error classes carry AWS's error codes; :class:`Grant` and :class:`DataCellsFilter` have the
shapes of the API's ``Resource`` and ``TableData`` arguments and refuse a malformed request when
built; :class:`Policy` is everything granted in one account, with the lookups the other modules
of this package need.
"""

from __future__ import annotations

from dataclasses import dataclass

from lessons.errors import LabError

ACCOUNT_ID = "123456789012"  # moto's default account; principals below live in it
ALL_TABLES = "*"
# Valid permissions per resource type, as listed in
# https://docs.aws.amazon.com/lake-formation/latest/dg/lf-permissions-reference.html
# ("ALL" is the console's "Super": every permission on that resource).
DATABASE_PERMISSIONS = frozenset({"ALL", "DESCRIBE", "CREATE_TABLE", "ALTER", "DROP"})
TABLE_PERMISSIONS = frozenset({"ALL", "SELECT", "DESCRIBE", "ALTER", "DROP", "INSERT", "DELETE"})
COLUMN_PERMISSIONS = frozenset({"SELECT"})  # only SELECT can be limited to columns
FILTER_PERMISSIONS = frozenset({"SELECT", "DESCRIBE", "DROP"})


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
        if self.columns is not None and not self.columns:
            raise InvalidInput(f"Data filter {self.name!r}: the include list names no column.")

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
    if grant.columns is not None and not grant.columns:
        return "The include list names no column: name at least one, or grant the whole table."
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
