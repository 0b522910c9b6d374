"""The facts table: every entry complete and sourced; unknown ids are clear errors."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from lessons import facts
from lessons.errors import FactsFileError, UnknownFactError
from lessons.paths import PROJECT_ROOT

GOOD = {
    "title": "Write throughput per shard",
    "value": 1,
    "unit": "MB/s",
    "source": "https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html",
    "as_of": date(2026, 11, 25),
}


def test_every_fact_is_complete_sourced_and_dated() -> None:
    loaded = facts.all_facts()
    assert len(loaded) >= 40
    for fact in loaded.values():
        assert fact.source.startswith("https://"), fact.id
        assert fact.as_of <= date.today(), fact.id
        assert re.fullmatch(r"[a-z0-9_]+\.[a-z0-9_]+", fact.id), fact.id
        assert fact.display()


def test_the_course_foundation_facts_are_present() -> None:
    needed = [
        "kinesis.shard_write_mb_per_s", "kinesis.shard_write_records_per_s",
        "kinesis.retention_default_hours", "kinesis.record_max_size", "firehose.name",
        "firehose.buffer_size_max_mib", "firehose.buffer_interval_max_s", "sqs.message_max_size",
        "sqs.fifo_dedup_window_minutes", "sqs.visibility_default_s", "msk.metadata_mode",
        "athena.price_per_tb_usd", "athena.min_scan_mb", "glue.dpu_hour_price_usd",
        "opensearch.refresh_interval_default_s", "flink.name", "quicksight.name",
    ]  # fmt: skip
    missing = [fact_id for fact_id in needed if fact_id not in facts.all_facts()]
    assert missing == []


def test_raised_limits_say_what_changed() -> None:
    for fact_id in ("kinesis.record_max_size", "sqs.message_max_size", "firehose.name"):
        assert facts.fact(fact_id).changed, fact_id
    assert facts.fact("sqs.message_max_size").number > 256


def test_unknown_fact_id_names_the_closest_ids() -> None:
    with pytest.raises(UnknownFactError, match=r"Did you mean: kinesis\.shard_write_mb_per_s"):
        facts.fact("kinesis.shard_write_mb")
    with pytest.raises(KeyError):
        facts.value("no.such_fact")


def test_a_non_numeric_fact_refuses_to_be_a_number() -> None:
    with pytest.raises(FactsFileError, match="not a number"):
        facts.number("firehose.name")


def test_as_bytes_converts_size_and_rate_units(monkeypatch: pytest.MonkeyPatch) -> None:
    units = {"a.mb": "MB", "a.mib": "MiB", "a.kib": "KiB", "a.rate": "MB/s", "a.count": "records"}
    table = {i: facts.Fact(id=i, **{**GOOD, "value": 1, "unit": u}) for i, u in units.items()}
    monkeypatch.setattr(facts, "all_facts", lambda: table)
    assert facts.as_bytes("a.mb") == 10**6
    assert facts.as_bytes("a.mib") == 2**20
    assert facts.as_bytes("a.kib") == 1024
    assert facts.as_bytes("a.rate") == 10**6
    with pytest.raises(FactsFileError, match=r"'a\.count' has unit 'records'"):
        facts.as_bytes("a.count")


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"source": None}, "missing source"),
        ({"source": "http://example.com"}, "https://"),
        ({"as_of": "last week"}, "as_of must be a date"),
        ({"as_of": date(2999, 1, 1)}, "in the future"),
        ({"colour": "blue"}, "unknown field"),
        ({"value": [1, 2]}, "value must be"),
    ],
)
def test_incomplete_entries_are_reported_by_id(change: dict, problem: str) -> None:
    with pytest.raises(FactsFileError, match=problem) as error:
        facts.parse_facts({"kinesis.example": {**GOOD, **change}}, today=date(2026, 11, 25))
    assert "kinesis.example" in str(error.value)


def test_display_reads_naturally() -> None:
    fact = facts.Fact(id="x.y", **{**GOOD, "value": 1000, "unit": "records/s"})
    assert fact.display() == "1,000 records/s"
    assert facts.Fact(id="x.z", **{**GOOD, "value": 1, "unit": "seconds"}).display() == "1 second"


def test_no_module_in_lessons_types_a_known_aws_limit_next_to_its_unit() -> None:
    """Facts live once: code reads them from the table rather than typing e.g. '1 MB/s'."""
    typed = []
    for path in (PROJECT_ROOT / "lessons").rglob("*.py"):
        for number, line in enumerate(Path(path).read_text().splitlines(), 1):
            if re.search(r"\b\d+(\.\d+)?\s?(MB/s|MiB|KiB|records/s|USD)\b", line):
                typed.append(f"{path.name}:{number}: {line.strip()}")
    assert typed == []


def test_as_seconds_converts_durations_and_refuses_sizes() -> None:
    days = facts.fact("sqs.retention_max_days")
    assert days.unit == "days"
    assert facts.as_seconds("sqs.retention_max_days") == days.number * 86_400
    assert facts.as_seconds("sqs.visibility_default_s") == facts.number("sqs.visibility_default_s")
    with pytest.raises(FactsFileError, match="not a duration"):
        facts.as_seconds("sqs.message_max_size")
