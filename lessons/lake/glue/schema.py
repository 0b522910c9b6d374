"""What a Glue crawler's built-in classifiers infer from one object: format and column types.

Our rule, written down because the crawler's own is not documented in full: whole numbers are
``bigint`` (some crawls of small JSON integers record ``int``; we always use the wider type),
fractions ``double``, a mix of the two ``double``, true/false ``boolean``, anything else and any
conflict ``string``. Timestamps in JSON and CSV stay ``string``: the JSON classifier does not
type date text, and typing it is the ETL job's work. Parquet types come from the file's schema.

Fidelity: the format is recognised from the content, as the built-in classifiers do, not from
the object's name. Whole objects are read (AWS samples the start of each file). Nested JSON
values are recorded as ``string`` (a crawler records struct and array types); CSV files must
have a header row (AWS guesses whether the first row is one).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from lessons.lake.glue.common import CrawlerError

_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")
_NUMERIC = ("tinyint", "smallint", "int", "bigint", "float", "double")


def widen(a: str | None, b: str | None) -> str | None:
    """The type that holds values of both types (None means "only nulls seen so far")."""
    if a is None or a == b:
        return b
    if b is None:
        return a
    if a in _NUMERIC and b in _NUMERIC:
        if "double" in (a, b) or "float" in (a, b):
            return "double"
        return max(a, b, key=_NUMERIC.index)
    return "string"


def json_type(value: object) -> str | None:
    """The catalog type the crawler records for one JSON value."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "bigint"
    if isinstance(value, float):
        return "double"
    return "string"


def csv_type(text: str) -> str | None:
    """The catalog type for one CSV field ("" is a null)."""
    if text == "":
        return None
    if _INT.fullmatch(text):
        return "bigint"
    if _FLOAT.fullmatch(text):
        return "double"
    if text.lower() in ("true", "false"):
        return "boolean"
    return "string"


def arrow_type(dtype: pa.DataType) -> str:
    """The Hive/Glue type name of a Parquet (Arrow) column."""
    simple = {
        pa.int8(): "tinyint", pa.int16(): "smallint", pa.int32(): "int", pa.int64(): "bigint",
        pa.float32(): "float", pa.float64(): "double", pa.bool_(): "boolean",
        pa.string(): "string", pa.large_string(): "string", pa.date32(): "date",
    }  # fmt: skip
    if dtype in simple:
        return simple[dtype]
    if pa.types.is_timestamp(dtype):
        return "timestamp"
    if pa.types.is_decimal(dtype):
        return f"decimal({dtype.precision},{dtype.scale})"
    if pa.types.is_dictionary(dtype):
        return arrow_type(dtype.value_type)
    return "string"


Schema = dict[str, str | None]


def merge(into: Schema, found: Iterable[tuple[str, str | None]]) -> None:
    """Add columns in order of first appearance, widening the type of columns seen before."""
    for name, kind in found:
        into[name] = widen(into.get(name), kind) if name in into else kind


def classify(data: bytes) -> str:
    """The classification a built-in classifier would give, from the content (not the name)."""
    if data[:4] == b"PAR1":
        return "parquet"
    return "json" if data.lstrip()[:1] == b"{" else "csv"


def _json_schema(uri: str, data: bytes) -> tuple[Schema, int]:
    schema: Schema = {}
    records = 0
    for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CrawlerError(f"{uri} is not valid JSON lines: line {number}: {exc.msg}.") from exc
        if not isinstance(record, dict):
            raise CrawlerError(f"{uri}: line {number} is not a JSON object.")
        merge(schema, ((k, json_type(v)) for k, v in record.items()))
        records += 1
    return schema, records


def _csv_schema(uri: str, data: bytes) -> tuple[Schema, int]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8", errors="replace"))))
    if not rows or not rows[0]:
        raise CrawlerError(f"{uri} has no CSV header row.")
    header = rows[0]
    schema: Schema = dict.fromkeys(header)
    for number, row in enumerate(rows[1:], 2):
        if len(row) != len(header):
            raise CrawlerError(f"{uri}: line {number} has {len(row)} fields, not {len(header)}.")
        merge(schema, zip(header, map(csv_type, row), strict=True))
    return schema, len(rows) - 1


def _parquet_schema(uri: str, data: bytes) -> tuple[Schema, int]:
    try:
        meta = pq.ParquetFile(pa.BufferReader(data)).metadata
    except (OSError, pa.ArrowException) as exc:
        raise CrawlerError(f"{uri} is not a readable Parquet file ({exc}).") from exc
    arrow = meta.schema.to_arrow_schema()
    return {f.name: arrow_type(f.type) for f in arrow}, meta.num_rows


READERS = {"json": _json_schema, "csv": _csv_schema, "parquet": _parquet_schema}
