"""`KafkaCluster`: the log and the group coordinator, through the client APIs.

create_topic, produce, fetch and offset_for_time work on the log; join_group, leave_group, poll,
commit, reset_offsets and lag are the group coordinator, using the classic eager protocol (every
join or leave revokes every partition; members resume from the committed offset).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lessons import facts
from lessons.streams.kafka.errors import (
    InvalidConfig,
    InvalidPartitions,
    MessageSizeTooLarge,
    NonEmptyGroup,
    OffsetOutOfRange,
    TopicAlreadyExists,
    UnknownMemberId,
    UnknownTopicOrPartition,
)
from lessons.streams.kafka.log import (
    Partition,
    Record,
    Topic,
    _breaches_retention,
    default_retention_ms,
)
from lessons.streams.kafka.partitioner import ASSIGNORS, partition_for_key

RESET_POLICIES = ("earliest", "latest", "none")


@dataclass
class ConsumerGroup:
    """One group's members, assignment, committed offsets and in-memory positions."""

    group_id: str
    topic: str
    assignor: str
    auto_offset_reset: str
    members: list[str] = field(default_factory=list)
    assignment: dict[str, list[int]] = field(default_factory=dict)
    committed: dict[int, int] = field(default_factory=dict)
    position: dict[int, int] = field(default_factory=dict)
    processed_up_to: dict[int, int] = field(default_factory=dict)  # to recognise duplicates
    generation: int = 0
    processed: int = 0
    duplicates: int = 0


class KafkaCluster:
    """A Kafka cluster's log and group coordinator, driven by explicit millisecond timestamps."""

    def __init__(self, message_max_bytes: int | None = None) -> None:
        default = facts.number("kafka.message_max_bytes_default")
        self.message_max_bytes = int(message_max_bytes or default)
        self.topics: dict[str, Topic] = {}
        self.groups: dict[str, ConsumerGroup] = {}

    def create_topic(
        self,
        name: str,
        partitions: int,
        retention_ms: int | None = None,
        retention_bytes: int | None = None,
        segment_records: int = 1_000,
    ) -> Topic:
        """A new topic; retention.ms defaults to Kafka's log.retention.hours."""
        if name in self.topics:
            raise TopicAlreadyExists(f"Topic {name!r} already exists.")
        if partitions < 1:
            raise InvalidPartitions(f"Number of partitions must be at least 1, not {partitions}.")
        if segment_records < 1:
            raise InvalidConfig("segment_records must be at least 1.")
        if retention_ms is None:
            retention_ms = default_retention_ms()
        parts = [Partition() for _ in range(partitions)]
        topic = Topic(name, parts, retention_ms, retention_bytes, segment_records)
        self.topics[name] = topic
        return topic

    def _topic(self, name: str) -> Topic:
        if name not in self.topics:
            raise UnknownTopicOrPartition(f"This server does not host topic {name!r}.")
        return self.topics[name]

    def _partition(self, topic: str, partition: int) -> Partition:
        parts = self._topic(topic).partitions
        if not 0 <= partition < len(parts):
            raise UnknownTopicOrPartition(f"Topic {topic!r} has no partition {partition}.")
        return parts[partition]

    def produce(
        self, topic: str, key: str | None, size: int, t_ms: int, partition: int | None = None
    ) -> Record:
        """Append one record; the partition comes from the key unless given."""
        top = self._topic(topic)
        if size > self.message_max_bytes:
            raise MessageSizeTooLarge(
                f"The record is {size:,} bytes, larger than message.max.bytes "
                f"({self.message_max_bytes:,} bytes)."
            )
        if partition is None and key is None:
            partition = top.next_keyless % len(top.partitions)
            top.next_keyless += 1
        elif partition is None:
            partition = partition_for_key(key, len(top.partitions))
        offset = self._partition(topic, partition).append(key, size, t_ms, top.segment_records)
        return Record(topic, partition, offset, key, size, t_ms)

    def enforce_retention(self, t_ms: int) -> int:
        """Delete whole segments past retention at time t_ms; the number of records deleted."""
        dropped = 0
        for topic in self.topics.values():
            for part in topic.partitions:
                while part.segments and _breaches_retention(part, topic, t_ms):
                    dropped += part.drop_first_segment()
        return dropped

    def fetch(
        self, topic: str, partition: int, offset: int, max_records: int | None = None
    ) -> list[Record]:
        """Records from `offset` on; OffsetOutOfRange outside [log start, log end]."""
        part = self._partition(topic, partition)
        if not part.log_start_offset <= offset <= part.log_end_offset:
            raise OffsetOutOfRange(
                f"Offset {offset} is outside {topic}-{partition}'s log "
                f"[{part.log_start_offset}, {part.log_end_offset}]."
            )
        i = offset - part.log_start_offset
        j = len(part.keys) if max_records is None else min(len(part.keys), i + max_records)
        rows = zip(part.keys[i:j], part.sizes[i:j], part.timestamps[i:j], strict=True)
        return [Record(topic, partition, offset + n, *row) for n, row in enumerate(rows)]

    def offset_for_time(self, topic: str, partition: int, t_ms: int) -> int:
        """The first offset whose timestamp is >= t_ms (the log end if none), as ListOffsets."""
        part = self._partition(topic, partition)
        later = (i for i, ts in enumerate(part.timestamps) if ts >= t_ms)
        return part.log_start_offset + next(later, len(part.timestamps))

    # -- group coordinator --

    def join_group(
        self,
        group_id: str,
        topic: str,
        member_id: str,
        assignor: str = "range",
        auto_offset_reset: str = "latest",  # the Java client's default
    ) -> dict[str, list[int]]:
        """Add a member; every member's partitions are revoked and reassigned (a rebalance)."""
        if assignor not in ASSIGNORS or auto_offset_reset not in RESET_POLICIES:
            raise InvalidConfig(f"assignor one of {list(ASSIGNORS)}; reset one of {RESET_POLICIES}")
        self._topic(topic)
        group = self.groups.setdefault(
            group_id, ConsumerGroup(group_id, topic, assignor, auto_offset_reset)
        )
        if member_id not in group.members:
            group.members.append(member_id)
        return self._rebalance(group)

    def leave_group(self, group_id: str, member_id: str) -> dict[str, list[int]]:
        """Remove a member (a clean close or a crash: nothing is committed on the way out)."""
        group = self._member_group(group_id, member_id)
        group.members.remove(member_id)
        return self._rebalance(group)

    def _member_group(self, group_id: str, member_id: str) -> ConsumerGroup:
        group = self.groups.get(group_id)
        if group is None or member_id not in group.members:
            raise UnknownMemberId(f"{member_id!r} is not a member of group {group_id!r}.")
        return group

    def _rebalance(self, group: ConsumerGroup) -> dict[str, list[int]]:
        partitions = len(self._topic(group.topic).partitions)
        group.generation += 1
        group.position.clear()  # eager protocol: uncommitted progress is lost with the revoke
        assign = ASSIGNORS[group.assignor]
        group.assignment = assign(group.members, partitions) if group.members else {}
        return group.assignment

    def _start_offset(self, group: ConsumerGroup, p: int) -> int:
        part = self._partition(group.topic, p)
        offset = group.committed.get(p)
        if offset is not None and part.log_start_offset <= offset <= part.log_end_offset:
            return offset
        if group.auto_offset_reset == "none":
            raise OffsetOutOfRange(f"No valid committed offset for {group.topic}-{p}.")
        early = group.auto_offset_reset == "earliest"
        return part.log_start_offset if early else part.log_end_offset

    def poll(self, group_id: str, member_id: str, max_records: int) -> list[Record]:
        """The next records of the member's partitions, from its position or committed offset."""
        group = self._member_group(group_id, member_id)
        out: list[Record] = []
        for p in group.assignment[member_id]:
            if len(out) >= max_records:
                break
            if p not in group.position:
                group.position[p] = self._start_offset(group, p)
            batch = self.fetch(group.topic, p, group.position[p], max_records - len(out))
            seen = group.processed_up_to.get(p, 0)
            group.duplicates += sum(r.offset < seen for r in batch)
            group.position[p] += len(batch)
            group.processed_up_to[p] = max(seen, group.position[p])
            out += batch
        group.processed += len(out)
        return out

    def commit(self, group_id: str, member_id: str) -> dict[int, int]:
        """Commit the member's positions (the next offset to read, as Kafka stores it)."""
        group = self._member_group(group_id, member_id)
        mine = {p: group.position[p] for p in group.assignment[member_id] if p in group.position}
        group.committed.update(mine)
        return mine

    def reset_offsets(
        self, group_id: str, to: str = "earliest", offset: int = 0, t_ms: int = 0
    ) -> dict[int, int]:
        """Move an empty group's committed offsets: to earliest, latest, an offset or a time."""
        group = self.groups.get(group_id)
        if group is None:
            raise UnknownMemberId(f"No group {group_id!r}.")
        if group.members:
            raise NonEmptyGroup(f"Group {group_id!r} has active members; stop them first.")
        if to not in ("earliest", "latest", "offset", "timestamp"):
            raise InvalidConfig(f"Reset to earliest, latest, offset or timestamp, not {to!r}.")
        topic = self._topic(group.topic)
        for p, part in enumerate(topic.partitions):
            where = {
                "earliest": part.log_start_offset,
                "latest": part.log_end_offset,
                "offset": min(max(offset, part.log_start_offset), part.log_end_offset),
            }
            target = self.offset_for_time(topic.name, p, t_ms) if to == "timestamp" else where[to]
            group.committed[p] = target
            group.processed_up_to[p] = target  # a deliberate replay is not a duplicate
        return dict(group.committed)

    def lag(self, group_id: str) -> dict[int, int]:
        """Records each partition's log end is ahead of the group's committed offset."""
        group = self.groups[group_id]
        parts = self._topic(group.topic).partitions
        return {
            p: part.log_end_offset - group.committed.get(p, part.log_start_offset)
            for p, part in enumerate(parts)
        }
