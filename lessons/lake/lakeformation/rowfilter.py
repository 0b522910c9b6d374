"""Row filter expressions of data cells filters, checked against the documented PartiQL subset.

:func:`check_row_filter` parses an expression, refuses anything but column-versus-constant
comparisons joined with AND / OR / NOT (no functions, no partition columns in IS NULL, constants
of the column's type, shorter than the documented length) and returns it as DuckDB SQL with
quoted column names; ``_check_columns`` checks column lists against the table.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from lessons import facts
from lessons.lake.catalog import TableInfo
from lessons.lake.lakeformation.resources import InvalidInput

# The Glue types behind the documented list STRING, CHAR, VARCHAR / INT, LONG, BIGINT, FLOAT,
# DECIMAL, DOUBLE / BOOLEAN (STRUCT is documented too, but nested columns are not modelled).
_TYPE_KINDS = {
    **dict.fromkeys(("string", "char", "varchar"), "string"),
    **dict.fromkeys(("int", "integer", "long", "bigint", "float", "decimal", "double"), "number"),
    "boolean": "boolean",
}
_SUPPORTED_TYPES = "STRING, CHAR, VARCHAR, INT, LONG, BIGINT, FLOAT, DECIMAL, DOUBLE, BOOLEAN"

_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Like)
_SYMBOLS = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "like": "LIKE"}


def _literal_kind(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Neg):
        node = node.this
        return "number" if isinstance(node, exp.Literal) and not node.is_string else None
    if isinstance(node, exp.Boolean):
        return "boolean"
    if isinstance(node, exp.Literal):
        return "string" if node.is_string else "number"
    return None


def _column_kind(glue_type: str) -> str | None:
    """ "string", "number" or "boolean"; None for a type row filters do not support."""
    base = glue_type.lower().split("(", 1)[0].split("<", 1)[0].strip()
    return _TYPE_KINDS.get(base)


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
            return self.comparison(node.left, node.right, _SYMBOLS[node.key])
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
            hint = " (a string constant takes single quotes)" if node.this.quoted else ""
            raise InvalidInput(f"{self.where} has no column {node.name!r}{hint}.")
        if _column_kind(found.type) is None:
            raise InvalidInput(
                f"{found.name} is {found.type}: row filters only work on columns of the types "
                f"{_SUPPORTED_TYPES}."
            )
        node.replace(exp.column(found.name, quoted=True))
        return found

    def constant(self, node: exp.Expression, column, operator: str) -> None:
        kind = _literal_kind(node)
        if kind is None:
            if isinstance(node, exp.Column) and node.this.quoted:
                why = "a string constant takes single quotes; double quotes name a column"
            elif isinstance(node, exp.Column):
                why = "columns cannot be compared with other columns"
            else:
                why = "use a number, a 'quoted string', true or false; IS NULL tests for NULL"
            raise InvalidInput(
                f"{operator} compares a column with constants; {node.sql(dialect='duckdb')!r} is "
                f"not a constant ({why})."
            )
        if kind != _column_kind(column.type):
            raise InvalidInput(
                f"{column.name} is {column.type}; the constant {node.sql(dialect='duckdb')} is "
                f"a {kind}."
            )

    def comparison(self, left: exp.Expression, right: exp.Expression, operator: str) -> None:
        if _literal_kind(left) is not None and isinstance(right, exp.Column):
            # The documented form is <column name> <comparison operator> <value>.
            raise InvalidInput(
                f"Write the column first: {right.sql(dialect='duckdb')} {operator} "
                f"{left.sql(dialect='duckdb')}, not the constant first."
            )
        column = self.column(left)
        self.constant(right, column, operator)


def check_row_filter(expression: str, table: TableInfo) -> str:
    """The row filter as DuckDB SQL with quoted column names, or InvalidInput saying why not."""
    limit = facts.number("lakeformation.row_filter_max_chars")
    if len(expression) >= limit:
        raise InvalidInput(f"A row filter must be shorter than {limit:,.0f} characters.")
    try:
        statements = [s for s in sqlglot.parse(expression, read="duckdb") if s is not None]
        if len(statements) != 1:
            raise InvalidInput("A row filter is one expression, like a WHERE clause without WHERE.")
        tree = statements[0]
        if isinstance(tree, exp.Boolean) and tree.this:
            return "TRUE"
        _RowFilterChecker(table).predicate(tree)
        return tree.sql(dialect="duckdb", comments=False)
    except SqlglotError as exc:
        raise InvalidInput(f"The row filter {expression!r} is not valid SQL.") from exc
    except RecursionError as exc:  # hundreds of nested brackets fit under the length limit
        raise InvalidInput("The row filter is nested too deeply; use fewer brackets.") from exc


def _check_columns(names: Iterable[str], table: TableInfo, what: str) -> None:
    known = {n.lower() for n in table.column_names}
    missing = [n for n in names if n.lower() not in known]
    if missing:
        raise InvalidInput(
            f"{what}: {table.database}.{table.name} has no column(s) {', '.join(missing)}."
        )
