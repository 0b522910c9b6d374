"""Which files a query may read: a catalog table's visible partitions, projection, pruning.

Athena never lists a table's whole folder. It asks the catalog for the table's partitions (or,
with partition projection, computes them from table properties), keeps those the query's
``WHERE`` can match, and reads the files under the locations that are left. A ``dt=`` folder that
nobody registered is invisible, however much data it holds. `visible_partitions` implements that
contract for the Athena engine and for the other lake modules (Lake Formation, the sandbox):
`visible_files` is the flat form, one ``(path, partition values)`` pair per data file.

Fidelity: registered partitions come from ``get_partitions`` through the real Glue API.
Projection supports the ``date``, ``integer``, ``enum`` and ``injected`` types with ``range``,
``format``, ``interval``, ``interval.unit``, ``digits``, ``values`` and
``storage.location.template`` as Athena documents them: enum values keep their white space, a
date format finer than a day needs ``interval.unit``, the template must name every partition
key, and an injected key takes its values from the query's static equality conditions (none:
CONSTRAINT_VIOLATION). As in Athena, a table with projection enabled ignores the partitions
registered in the catalog. Date formats use the Java pattern letters ``yyyy MM dd HH mm ss``;
``NOW`` in a range needs a clock passed in (no wall-clock here). Unpartitioned tables read
every object under their location, subfolders included; names starting with ``_`` or ``.`` are
skipped, as Athena skips them.
"""

from __future__ import annotations

import itertools
import re
from calendar import monthrange
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from lessons.errors import LabError
from lessons.lake import catalog
from lessons.lake.catalog import Partition, TableInfo
from lessons.lake.layout import Lake, join

# Our own guard against a projection that would enumerate millions of partitions in Python.
MAX_PROJECTED_PARTITIONS = 100_000
_JAVA_TO_STRFTIME = (
    ("yyyy", "%Y"),
    ("MM", "%m"),
    ("dd", "%d"),
    ("HH", "%H"),
    ("mm", "%M"),
    ("ss", "%S"),
)
_UNIT_STEPS = {
    "SECONDS": timedelta(seconds=1),
    "MINUTES": timedelta(minutes=1),
    "HOURS": timedelta(hours=1),
    "DAYS": timedelta(days=1),
    "WEEKS": timedelta(weeks=1),
}
_NOW = re.compile(r"^NOW\s*(?:([+-])\s*(\d+)\s*([A-Z]+?)S?)?$")


class PartitionError(LabError):
    """A partition spec or projection setting the engine cannot use."""


@dataclass(frozen=True)
class PartitionFiles:
    """One visible partition (``values`` empty for an unpartitioned table) and its data files."""

    values: tuple[tuple[str, str], ...]
    location: str
    files: tuple[Path, ...]

    @property
    def spec(self) -> dict[str, str]:
        return dict(self.values)


def projection_enabled(table: TableInfo) -> bool:
    """True when the table asks Athena to compute partitions instead of reading the catalog."""
    return table.parameters.get("projection.enabled", "false").strip().lower() == "true"


def java_to_strftime(pattern: str) -> str:
    """Athena's (Java) date pattern, e.g. ``yyyy-MM-dd``, as a Python strftime format."""
    out = pattern
    for java, python in _JAVA_TO_STRFTIME:
        out = out.replace(java, python)
    if re.search(r"[A-Za-z]", re.sub(r"%[YmdHMS]", "", out)):
        raise PartitionError(
            f"Date format {pattern!r} uses pattern letters this lab does not know; "
            "use yyyy, MM, dd, HH, mm and ss."
        )
    return out


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))


def _shift(moment: datetime, amount: int, unit: str) -> datetime:
    unit = unit.upper().rstrip("S") + "S"
    if unit in _UNIT_STEPS:
        return moment + amount * _UNIT_STEPS[unit]
    if unit in ("MONTHS", "YEARS"):
        return _add_months(moment, amount * (12 if unit == "YEARS" else 1))
    raise PartitionError(f"Unknown time unit {unit!r} in a projection setting.")


def _range_end(text: str, fmt: str, now: datetime | None, key: str) -> datetime:
    text = text.strip()
    match = _NOW.match(text.upper())
    if match:
        if now is None:
            raise PartitionError(
                f"projection.{key}.range uses NOW: pass the engine a clock (now=...) so the "
                "partitions it computes are reproducible."
            )
        sign, amount, unit = match.groups()
        return _shift(now, (-1 if sign == "-" else 1) * int(amount), unit) if sign else now
    try:
        return datetime.strptime(text, fmt)
    except ValueError as exc:
        raise PartitionError(
            f"projection.{key}.range end {text!r} does not match its format."
        ) from exc


def _default_unit(java_format: str, key: str) -> str:
    """Athena infers the step of a day-or-coarser format; a finer one must name its unit."""
    if "HH" in java_format or "mm" in java_format or "ss" in java_format:
        raise PartitionError(
            f"projection.{key}.format {java_format!r} is finer than a day: set "
            f"projection.{key}.interval.unit (e.g. HOURS), as Athena requires."
        )
    for letters, unit in (("dd", "DAYS"), ("MM", "MONTHS")):
        if letters in java_format:
            return unit
    return "YEARS"


def _date_values(params: dict[str, str], key: str, now: datetime | None) -> list[str]:
    java_format = params.get(f"projection.{key}.format")
    if not java_format:
        raise PartitionError(f"Date projection of {key!r} needs projection.{key}.format.")
    fmt = java_to_strftime(java_format)
    parts = params.get(f"projection.{key}.range", "").split(",")
    if len(parts) != 2:
        raise PartitionError(f"projection.{key}.range must be 'start,end' (e.g. 2026-11-01,NOW).")
    start, end = (_range_end(p, fmt, now, key) for p in parts)
    step = _positive_int(params.get(f"projection.{key}.interval", "1"), f"{key}.interval")
    unit = params.get(f"projection.{key}.interval.unit") or _default_unit(java_format, key)
    values: list[str] = []
    moment = start
    while moment <= end and len(values) <= MAX_PROJECTED_PARTITIONS:
        values.append(moment.strftime(fmt))
        # Step from the start each time, so Jan 31 + 1 month (Feb 28) does not drift to the 28th.
        moment = _shift(start, len(values) * step, unit)
    return values


def _positive_int(text: str, name: str) -> int:
    try:
        number = int(text.strip())
    except ValueError:
        number = 0
    if number < 1:
        raise PartitionError(f"projection.{name} must be a positive whole number, not {text!r}.")
    return number


def _integer_values(params: dict[str, str], key: str) -> list[str]:
    try:
        low, high = (int(p) for p in params.get(f"projection.{key}.range", "").split(","))
    except ValueError as exc:
        raise PartitionError(
            f"projection.{key}.range must be two whole numbers 'low,high'."
        ) from exc
    step = _positive_int(params.get(f"projection.{key}.interval", "1"), f"{key}.interval")
    digits = params.get(f"projection.{key}.digits")
    width = _positive_int(digits, f"{key}.digits") if digits is not None else 0
    if high - low > MAX_PROJECTED_PARTITIONS * step:
        raise PartitionError(f"projection.{key}.range would project too many partitions.")
    return [str(v).zfill(width) for v in range(low, high + 1, step)]


def projected_values(
    table: TableInfo,
    key: str,
    now: datetime | None = None,
    injected: Mapping[str, Sequence[str]] | None = None,
) -> list[str]:
    """Every value partition projection gives one partition key.

    An ``injected`` key takes its values from the query itself (`injected`: the values its
    WHERE clause names with static equality conditions, as the engine extracts them).
    """
    params = table.parameters
    kind = params.get(f"projection.{key}.type", "").strip().lower()
    if kind == "date":
        return _date_values(params, key, now)
    if kind == "integer":
        return _integer_values(params, key)
    if kind == "enum":
        # Athena keeps white space as part of an enum value ("a, b" projects "a" and " b").
        return [v for v in params.get(f"projection.{key}.values", "").split(",") if v]
    if kind == "injected":
        if not injected or not injected.get(key):
            raise PartitionError(
                f"CONSTRAINT_VIOLATION: For the injected projected partition column {key}, the "
                "WHERE clause must contain only static equality conditions, and at least one "
                "such condition must be present."
            )
        return list(dict.fromkeys(injected[key]))
    raise PartitionError(
        f"Partition projection is enabled on {table.database}.{table.name} but "
        f"projection.{key}.type is missing or unknown ({kind!r})."
    )


def _template_location(table: TableInfo, values: Sequence[str]) -> str:
    template = table.parameters.get("storage.location.template")
    if not template:
        return table.partition_location(values)
    for column, value in zip(table.partition_keys, values, strict=True):
        template = template.replace("${" + column.name + "}", value)
    return template if template.endswith("/") else template + "/"


def projected_partitions(
    table: TableInfo,
    now: datetime | None = None,
    injected: Mapping[str, Sequence[str]] | None = None,
) -> list[Partition]:
    """The partitions projection computes (no catalog call), each with its templated location."""
    template = table.parameters.get("storage.location.template")
    missing = [
        c.name for c in table.partition_keys if template and "${" + c.name + "}" not in template
    ]
    if missing:
        raise PartitionError(f"storage.location.template must contain ${{{missing[0]}}}.")
    per_key = [projected_values(table, c.name, now, injected) for c in table.partition_keys]
    total = 1
    for values in per_key:
        total *= len(values)
    if total > MAX_PROJECTED_PARTITIONS:
        raise PartitionError(
            f"The projection of {table.name} gives {total:,} partitions, more than this lab "
            f"enumerates ({MAX_PROJECTED_PARTITIONS:,}); narrow the range."
        )
    return [Partition(tuple(v), _template_location(table, v)) for v in itertools.product(*per_key)]


def visible_partitions(
    glue: Any,
    lake: Lake,
    table: TableInfo,
    now: datetime | None = None,
    injected: Mapping[str, Sequence[str]] | None = None,
) -> list[PartitionFiles]:
    """The partitions a query on `table` can see, with their files (empty ones dropped).

    `injected`: values the query names for partition keys with ``injected`` projection.
    """
    if not table.partition_keys:
        files = tuple(catalog.data_files(lake, table.location))
        return [PartitionFiles((), table.location, files)] if files else []
    if projection_enabled(table):
        partitions = projected_partitions(table, now, injected)
    else:
        partitions = catalog.get_partitions(glue, table)
    keys = [c.name for c in table.partition_keys]
    found = []
    for partition in partitions:
        files = tuple(catalog.data_files(lake, partition.location))
        if files:
            found.append(
                PartitionFiles(
                    tuple(zip(keys, partition.values, strict=True)), partition.location, files
                )
            )
    return found


def visible_files(
    glue: Any, lake: Lake, table: TableInfo, now: datetime | None = None
) -> list[tuple[Path, dict[str, str]]]:
    """Every data file a query on `table` may read, with its partition values (key → text)."""
    return [
        (path, part.spec)
        for part in visible_partitions(glue, lake, table, now)
        for path in part.files
    ]


def discover_partitions(lake: Lake, table: TableInfo) -> list[Partition]:
    """Hive-style ``k=v/`` folders under the table that hold data (what MSCK REPAIR finds)."""
    keys = [c.name for c in table.partition_keys]
    found: dict[tuple[str, ...], str] = {}
    for uri in lake.objects(table.location):
        relative = uri[len(table.location.rstrip("/")) + 1 :].split("/")[:-1]
        if len(relative) < len(keys):
            continue
        pairs = [part.partition("=") for part in relative[: len(keys)]]
        if [name for name, _, _ in pairs] != keys:
            continue
        values = tuple(value for _, _, value in pairs)
        found.setdefault(values, join(table.location, *relative[: len(keys)]) + "/")
    return [Partition(v, loc) for v, loc in sorted(found.items())]
