"""Checking the statement: :func:`check_query` parses untrusted SQL and refuses anything but one
read-only query over catalog tables of one database, with functions from an allow-list only,
WITH names resolved the way DuckDB scopes them; :func:`render` writes back the checked tree,
which is exactly the text that runs.
"""

from __future__ import annotations

import logging
import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from lessons.lake.sandbox.errors import QueryRefused

MAX_SQL_CHARS = 20_000


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


logging.getLogger("sqlglot").setLevel(logging.ERROR)  # refusals are ours to report, not its


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
