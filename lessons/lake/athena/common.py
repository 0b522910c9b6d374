"""The engine's error class and the SQL text helpers its parts share: :class:`AthenaError` for
SQL the engine cannot run, Glue/Hive column types mapped to DuckDB types, and quoting of
string literals and identifiers.
"""

from __future__ import annotations

from lessons.errors import LabError

_HIVE_TYPES = {
    "string": "VARCHAR",
    "varchar": "VARCHAR",
    "char": "VARCHAR",
    "bigint": "BIGINT",
    "int": "INTEGER",
    "integer": "INTEGER",
    "smallint": "SMALLINT",
    "tinyint": "TINYINT",
    "double": "DOUBLE",
    "float": "FLOAT",
    "real": "FLOAT",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "binary": "BLOB",
}


class AthenaError(LabError):
    """SQL the engine cannot run: bad syntax, an unknown table, an unsupported statement."""


def duckdb_type(hive_type: str) -> str:
    """The DuckDB type for a Glue/Hive column type (``string`` → ``VARCHAR``, ``decimal(p,s)``)."""
    text = hive_type.strip().lower()
    if text.startswith("decimal"):
        return text.upper()
    base = text.split("(")[0]
    if base not in _HIVE_TYPES:
        raise AthenaError(f"Column type {hive_type!r} is not supported by this lab's engine.")
    return _HIVE_TYPES[base]


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
