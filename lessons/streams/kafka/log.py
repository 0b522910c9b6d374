"""Kafka's log: topics, partitions, segments and retention.

A partition log is split into segments of a fixed number of records (Kafka rolls segments by bytes
and time). Retention deletes whole segments: by time when a segment's newest timestamp is older
than retention.ms, by size while the rest still exceeds retention.bytes; the active segment is not
protected.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lessons import facts


def default_retention_ms() -> int:
    """The broker's default log retention (log.retention.hours), in milliseconds."""
    return facts.as_seconds("kafka.retention_hours_default") * 1000


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: str | None
    size: int
    timestamp_ms: int


@dataclass
class Partition:
    """The retained records of one partition; `segments` holds each segment's first offset."""

    log_start_offset: int = 0
    segments: list[int] = field(default_factory=list)
    keys: list[str | None] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    timestamps: list[int] = field(default_factory=list)

    @property
    def log_end_offset(self) -> int:
        return self.log_start_offset + len(self.keys)

    def append(self, key: str | None, size: int, t_ms: int, segment_records: int) -> int:
        """Append one record (rolling a new segment when the active one is full); its offset."""
        if not self.segments or self.log_end_offset - self.segments[-1] >= segment_records:
            self.segments.append(self.log_end_offset)
        self.keys.append(key), self.sizes.append(size), self.timestamps.append(t_ms)
        return self.log_end_offset - 1

    def first_segment_len(self) -> int:
        end = self.segments[1] if len(self.segments) > 1 else self.log_end_offset
        return end - self.log_start_offset

    def drop_first_segment(self) -> int:
        """Delete the oldest segment, advancing the log start offset; the records deleted."""
        n = self.first_segment_len()
        del self.keys[:n], self.sizes[:n], self.timestamps[:n], self.segments[0]
        self.log_start_offset += n
        return n


@dataclass
class Topic:
    name: str
    partitions: list[Partition]
    retention_ms: int | None
    retention_bytes: int | None
    segment_records: int
    next_keyless: int = 0


def _breaches_retention(part: Partition, topic: Topic, now_ms: int) -> bool:
    """Whether the oldest segment is past retention.ms or not needed to stay within bytes."""
    n = part.first_segment_len()
    keep_ms, keep_bytes = topic.retention_ms, topic.retention_bytes
    age_ms = now_ms - max(part.timestamps[:n])
    too_old = keep_ms is not None and age_ms > keep_ms
    return too_old or (keep_bytes is not None and sum(part.sizes[n:]) >= keep_bytes)
