"""Partitions in Athena SQL: reading ``PARTITION (key='value') [LOCATION 's3://...']`` specs of
``ALTER TABLE ... ADD|DROP PARTITION``, and pruning, which keeps only the partitions that a
query's ``WHERE`` conjuncts on partition keys do not rule out (decided by DuckDB on the
partition values alone).
"""

from __future__ import annotations

import re

import duckdb
from sqlglot import exp

from lessons.lake.athena.common import AthenaError, _quote, _sql_text, duckdb_type
from lessons.lake.catalog import TableInfo
from lessons.lake.visibility import PartitionFiles

_SPEC = re.compile(r"PARTITION\s*\(([^)]*)\)\s*(?:LOCATION\s*'([^']*)')?\s*,?\s*", re.I)
_PAIR = re.compile(r"^\s*[`\"]?(\w+)[`\"]?\s*=\s*(?:'((?:[^']|'')*)'|([\w.+-]+))\s*$")


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
    return [term.sql(dialect="duckdb") for term in _key_terms(table, ref)]


def injected_values(table: TableInfo, ref: exp.Table) -> dict[str, list[str]]:
    """Values the query names for each partition key with static equality conditions.

    ``dt = '2026-11-03'`` and ``dt IN ('a', 'b')`` name values; several such conditions on one
    key keep the values they share. A key that any other kind of condition constrains (a range,
    a function) names none: Athena then fails a query on an ``injected`` key.
    """
    found: dict[str, set[str]] = {}
    spoiled: set[str] = set()
    for term in _key_terms(table, ref):
        names = {c.name.lower() for c in term.find_all(exp.Column)}
        values = _static_values(term)
        for name in names:
            if values is None or len(names) > 1:
                spoiled.add(name)
            else:
                found[name] = found[name] & values if name in found else set(values)
    return {k: sorted(v) for k, v in found.items() if k not in spoiled}


def _static_values(term: exp.Expression) -> set[str] | None:
    if isinstance(term, exp.EQ):
        sides = [term.this, term.expression]
        literals = [s for s in sides if isinstance(s, exp.Literal)]
        columns = [s for s in sides if isinstance(s, exp.Column)]
        return {literals[0].name} if len(literals) == 1 and len(columns) == 1 else None
    if isinstance(term, exp.In) and isinstance(term.this, exp.Column) and term.expressions:
        items = term.expressions
        return {i.name for i in items} if all(isinstance(i, exp.Literal) for i in items) else None
    return None


def _key_terms(table: TableInfo, ref: exp.Table) -> list[exp.Expression]:
    """The ANDed WHERE terms that use only `ref`'s partition keys, column qualifiers removed."""
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
            found.append(term)
    return found


def _spec_text(table: TableInfo, values: tuple[str, ...]) -> str:
    return "/".join(f"{k.name}={v}" for k, v in zip(table.partition_keys, values, strict=True))
