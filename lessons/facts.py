"""The facts table: every AWS limit, quota, price and rename the course uses, once.

Each fact lives in facts.yaml with its value, unit, source address and the date it was read.
Lessons, the app and quiz questions read facts from here by id, never typing the number again.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import yaml

from lessons.errors import FactsFileError, UnknownFactError

FACTS_FILE = Path(__file__).with_name("facts.yaml")
REQUIRED_FIELDS = ("title", "value", "unit", "source", "as_of")
OPTIONAL_FIELDS = ("changed", "note")
BYTES_PER_UNIT = {  # as_bytes's size units; GB and TB are decimal, as AWS prices them
    "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12, "KiB": 2**10, "MiB": 2**20,
}  # fmt: skip


@dataclass(frozen=True)
class Fact:
    """One sourced, dated fact about AWS."""

    id: str
    title: str
    value: float | int | str
    unit: str
    source: str
    as_of: date
    changed: str | None = None
    note: str | None = None

    @property
    def number(self) -> float:
        """The value as a number; a clear error if this fact is not numeric."""
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise FactsFileError(f"Fact {self.id!r} is not a number (it is {self.value!r}).")
        return self.value

    def display(self) -> str:
        """The value with its unit for prose, or just the value for names and modes."""
        if isinstance(self.value, str) or self.unit in ("name", "mode"):
            return str(self.value)
        text = f"{self.value:,}" if isinstance(self.value, int) else f"{self.value:g}"
        unit = self.unit
        if self.value == 1 and unit.isalpha() and unit.endswith("s") and len(unit) > 3:
            unit = unit[:-1]  # "1 second", "1 receive"; "MB/s" and "KiB" are not words
        return f"{text} {unit}"


def entry_problems(fact_id: str, entry: object, today: date | None = None) -> list[str]:
    """Every problem with one raw facts.yaml entry (empty when it is complete)."""
    today = today or date.today()
    if not isinstance(entry, dict):
        return [f"{fact_id}: must be a mapping of fields"]
    problems = [f"{fact_id}: missing {f}" for f in REQUIRED_FIELDS if entry.get(f) in (None, "")]
    unknown = set(entry) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS)
    if unknown:
        problems.append(f"{fact_id}: unknown field(s) {sorted(unknown)}")
    source = entry.get("source")
    if source and not (isinstance(source, str) and source.startswith("https://")):
        problems.append(f"{fact_id}: source must be an https:// address")
    as_of = entry.get("as_of")
    if as_of is not None and not isinstance(as_of, date):
        problems.append(f"{fact_id}: as_of must be a date (YYYY-MM-DD)")
    elif isinstance(as_of, date) and as_of > today:
        problems.append(f"{fact_id}: as_of {as_of} is in the future")
    if not isinstance(entry.get("value"), int | float | str):
        problems.append(f"{fact_id}: value must be a number or a short text")
    return problems


def parse_facts(raw: object, today: date | None = None) -> dict[str, Fact]:
    """Validate the loaded YAML and build Facts; FactsFileError lists every problem."""
    if not isinstance(raw, dict):
        raise FactsFileError("facts.yaml must be a mapping of fact id to fields.")
    problems = [p for fact_id, entry in raw.items() for p in entry_problems(fact_id, entry, today)]
    if problems:
        raise FactsFileError("facts.yaml has problems:\n" + "\n".join(f"  - {p}" for p in problems))
    return {fact_id: Fact(id=fact_id, **entry) for fact_id, entry in raw.items()}


@cache
def all_facts() -> dict[str, Fact]:
    """Every fact, validated, keyed by id (read once per process)."""
    try:
        raw = yaml.safe_load(FACTS_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FactsFileError(f"Cannot read {FACTS_FILE}: {exc}") from exc
    return parse_facts(raw or {})


def fact(fact_id: str) -> Fact:
    """The fact with this id; an unknown id is a clear error naming the closest ids."""
    facts = all_facts()
    if fact_id in facts:
        return facts[fact_id]
    close = difflib.get_close_matches(fact_id, facts, n=3, cutoff=0.5)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UnknownFactError(f"Unknown fact id {fact_id!r}.{hint}")


def value(fact_id: str) -> float | int | str:
    """Shorthand for fact(fact_id).value."""
    return fact(fact_id).value


def number(fact_id: str) -> float:
    """Shorthand for fact(fact_id).number."""
    return fact(fact_id).number


def as_bytes(fact_id: str) -> int:
    """A size or rate fact in bytes (per second for rates), whatever unit facts.yaml gives."""
    found = fact(fact_id)
    size_unit = found.unit.removesuffix("/s")
    if size_unit not in BYTES_PER_UNIT:
        raise FactsFileError(
            f"Fact {fact_id!r} has unit {found.unit!r}, which cannot be converted to bytes "
            f"(size units: {', '.join(BYTES_PER_UNIT)}, optionally per second as '/s')."
        )
    return int(found.number * BYTES_PER_UNIT[size_unit])


SECONDS_PER_UNIT = {"seconds": 1, "minutes": 60, "hours": 3_600, "days": 86_400}
# Event times in the models are milliseconds.
MS_PER_HOUR = SECONDS_PER_UNIT["hours"] * 1000


def as_seconds(fact_id: str) -> int:
    """A duration fact in seconds, whatever time unit facts.yaml gives."""
    found = fact(fact_id)
    if found.unit not in SECONDS_PER_UNIT:
        raise FactsFileError(
            f"Fact {fact_id!r} has unit {found.unit!r}, which is not a duration "
            f"(time units: {', '.join(SECONDS_PER_UNIT)})."
        )
    return int(found.number * SECONDS_PER_UNIT[found.unit])


def changes() -> list[Fact]:
    """The facts where older material said otherwise: what a learner must unlearn."""
    return [f for f in all_facts().values() if f.changed]
