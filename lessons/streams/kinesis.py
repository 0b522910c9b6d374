"""Amazon Kinesis Data Streams: hash-key routing and the stream API.

`KinesisStream` reads like the API (put_record, put_records, get_shard_iterator, get_records,
split_shard, merge_shards, list_shards) for small, step-by-step experiments with explicit
millisecond timestamps. Routing whole workloads at once (`shard_index_for_keys`) and the throughput
simulations are in lessons.streams.kinesis_sim, whose public names are also reachable from here.

Fidelity: routing is exact: MD5 of the UTF-8 partition key read as a 128-bit unsigned integer,
and CreateStream's even split of the hash space (checked against moto's server, which splits it
the same way). Sequence numbers are one counter per stream (AWS's are opaque 56-digit numbers;
both increase within a shard). Split and merge close the parents and route new records to the
children, as AWS does; unlike moto, which keeps routing new records to the closed parent. The API
model never throttles and its shard iterators never expire; throughput lives in kinesis_sim.
"""

from __future__ import annotations

import bisect
import hashlib
import math
from dataclasses import dataclass, field

import numpy as np

from lessons import facts
from lessons.errors import LabError
from lessons.streams.errors import (
    InvalidArgumentException,
    LimitExceededException,
    ResourceNotFoundException,
)

# No fact yet for this one (reported): the default shard quota per account in us-east-1,
# us-west-2 and eu-west-1 (other Regions: lower).
ACCOUNT_SHARD_QUOTA = 20_000
ITERATOR_TYPES = ("TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER",
                  "AT_TIMESTAMP")  # fmt: skip
CAPACITY_MODES = ("provisioned", "on-demand")
MS_PER_HOUR = facts.MS_PER_HOUR


def hash_space() -> int:
    """Number of hash keys: 2**128."""
    return 2 ** int(facts.number("kinesis.hash_key_bits"))


def hash_key(partition_key: str) -> int:
    """The 128-bit hash key Kinesis derives from a partition key (MD5 of its UTF-8 bytes)."""
    return int.from_bytes(hashlib.md5(partition_key.encode("utf-8")).digest(), "big")


def even_hash_ranges(shard_count: int) -> list[tuple[int, int]]:
    """(StartingHashKey, EndingHashKey) of each shard as CreateStream lays them out."""
    space = hash_space()
    step = space // shard_count
    return [(i * step, (i + 1) * step - 1) for i in range(shard_count - 1)] + [
        ((shard_count - 1) * step, space - 1)
    ]


def check_partition_key(partition_key: object) -> None:
    """InvalidArgumentException unless the key has 1 to the documented maximum characters."""
    max_chars = int(facts.number("kinesis.partition_key_max_chars"))
    if not isinstance(partition_key, str) or not 1 <= len(partition_key) <= max_chars:
        raise InvalidArgumentException(f"PartitionKey must be 1 to {max_chars} characters long.")


def check_shard_count(shard_count: int) -> None:
    """AWS's answer to a shard count: below 1 is invalid, above the account quota is refused."""
    if shard_count < 1:
        raise InvalidArgumentException(f"ShardCount {shard_count} must be at least 1.")
    if shard_count > ACCOUNT_SHARD_QUOTA:
        raise LimitExceededException(
            f"ShardCount {shard_count} exceeds the account's shard quota of "
            f"{ACCOUNT_SHARD_QUOTA} (raise it with a Service Quotas request)."
        )


@dataclass
class Shard:
    """One shard: its hash key range, lineage, and records (never deleted: retention hides them)."""

    shard_id: str
    starting_hash_key: int
    ending_hash_key: int
    starting_sequence_number: int
    parent_shard_id: str | None = None
    adjacent_parent_shard_id: str | None = None
    ending_sequence_number: int | None = None
    sequence_numbers: list[int] = field(default_factory=list)
    arrivals: list[int] = field(default_factory=list)
    partition_keys: list[str] = field(default_factory=list)
    data: list[bytes] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.ending_sequence_number is None

    def describe(self) -> dict:
        """The shard as ListShards returns it."""
        numbers = {"StartingSequenceNumber": str(self.starting_sequence_number)}
        if not self.is_open:
            numbers["EndingSequenceNumber"] = str(self.ending_sequence_number)
        hash_range = {"StartingHashKey": str(self.starting_hash_key)}
        hash_range["EndingHashKey"] = str(self.ending_hash_key)
        parents = {
            "ParentShardId": self.parent_shard_id,
            "AdjacentParentShardId": self.adjacent_parent_shard_id,
        }
        return {
            "ShardId": self.shard_id,
            **{name: shard_id for name, shard_id in parents.items() if shard_id},
            "HashKeyRange": hash_range,
            "SequenceNumberRange": numbers,
        }


class KinesisStream:
    """A stream's shards and records, driven by API-like calls with explicit timestamps."""

    def __init__(
        self,
        name: str,
        shard_count: int | None = None,
        retention_hours: int | None = None,
        capacity_mode: str = "provisioned",
        max_record_size_kib: int | None = None,
    ) -> None:
        if capacity_mode not in CAPACITY_MODES:
            raise InvalidArgumentException(f"StreamMode must be one of {CAPACITY_MODES}.")
        if capacity_mode == "on-demand":
            shard_count = _on_demand_initial_shards()
        elif shard_count is None:
            raise InvalidArgumentException("A provisioned stream needs a ShardCount.")
        check_shard_count(shard_count)
        self.name, self.capacity_mode = name, capacity_mode
        self.retention_hours = _checked_retention(retention_hours)
        # Every stream starts at the default maximum until MaxRecordSizeInKiB raises it.
        least = facts.as_bytes("kinesis.record_default_max_size") // 2**10
        most = facts.as_bytes("kinesis.record_max_size") // 2**10
        max_record_size_kib = least if max_record_size_kib is None else max_record_size_kib
        if not least <= max_record_size_kib <= most:
            raise InvalidArgumentException(f"MaxRecordSizeInKiB must be {least} to {most}.")
        self.max_record_bytes = max_record_size_kib * 2**10
        self.shards: dict[str, Shard] = {}
        self._last_sequence = 0
        self._clock_ms = -(2**62)
        self._iterators: dict[str, tuple[str, int]] = {}
        for start, end in even_hash_ranges(shard_count):
            self._add_shard(start, end)

    # -- shards ------------------------------------------------------------------------------
    def _add_shard(
        self, start: int, end: int, parent: str | None = None, adjacent: str | None = None
    ) -> Shard:
        shard_id = f"shardId-{len(self.shards):012d}"
        shard = Shard(shard_id, start, end, self._last_sequence + 1, parent, adjacent)
        self.shards[shard_id] = shard
        return shard

    def _shard(self, shard_id: str) -> Shard:
        if shard_id not in self.shards:
            raise ResourceNotFoundException(f"Shard {shard_id} in stream {self.name} not found.")
        return self.shards[shard_id]

    def _open_shards(self) -> list[Shard]:
        return sorted(
            (s for s in self.shards.values() if s.is_open), key=lambda s: s.starting_hash_key
        )

    def list_shards(self) -> list[dict]:
        """Every shard, open and closed, as ListShards describes them."""
        return [s.describe() for s in self.shards.values()]

    def shards_in_read_order(self) -> list[str]:
        """Shard ids in an order a consumer may read them: every parent before its children."""
        done: list[str] = []
        waiting = sorted(self.shards.values(), key=lambda s: (s.starting_hash_key, s.shard_id))
        while waiting:
            ready = next(
                s for s in waiting
                if {s.parent_shard_id, s.adjacent_parent_shard_id} - {None} <= set(done)
            )  # fmt: skip
            done.append(ready.shard_id)
            waiting.remove(ready)
        return done

    def split_shard(self, shard_to_split: str, new_starting_hash_key: int | str) -> None:
        """Close a shard and give its hash range to two children split at the new key."""
        parent = self._writable(shard_to_split)
        new_start = int(new_starting_hash_key)
        if not parent.starting_hash_key < new_start <= parent.ending_hash_key:
            raise InvalidArgumentException(
                f"NewStartingHashKey {new_start} must lie inside the range of {shard_to_split} "
                f"and above its StartingHashKey {parent.starting_hash_key}."
            )
        if len(self._open_shards()) + 1 > ACCOUNT_SHARD_QUOTA:
            raise LimitExceededException("Splitting would exceed the account's shard quota.")
        parent.ending_sequence_number = self._last_sequence
        self._add_shard(parent.starting_hash_key, new_start - 1, parent=parent.shard_id)
        self._add_shard(new_start, parent.ending_hash_key, parent=parent.shard_id)

    def merge_shards(self, shard_to_merge: str, adjacent_shard_to_merge: str) -> None:
        """Close two adjacent shards and give their joint hash range to one child."""
        first, second = self._writable(shard_to_merge), self._writable(adjacent_shard_to_merge)
        low, high = sorted((first, second), key=lambda s: s.starting_hash_key)
        if low.ending_hash_key + 1 != high.starting_hash_key:
            raise InvalidArgumentException(
                f"Shards {shard_to_merge} and {adjacent_shard_to_merge} are not adjacent."
            )
        first.ending_sequence_number = second.ending_sequence_number = self._last_sequence
        self._add_shard(
            low.starting_hash_key, high.ending_hash_key, first.shard_id, second.shard_id
        )

    def _writable(self, shard_id: str) -> Shard:
        shard = self._shard(shard_id)
        if not shard.is_open:
            raise InvalidArgumentException(f"Shard {shard_id} is closed (already split or merged).")
        return shard

    # -- writes ------------------------------------------------------------------------------
    def _check_record(self, partition_key: str, data: bytes) -> int:
        check_partition_key(partition_key)
        size = len(data) + len(partition_key.encode("utf-8"))
        if size > self.max_record_bytes:
            raise InvalidArgumentException(
                f"Record of {size} bytes (data + partition key) exceeds the stream's maximum "
                f"record size of {self.max_record_bytes} bytes."
            )
        return size

    def put_record(
        self, partition_key: str, data: bytes, t_ms: int, explicit_hash_key: str | None = None
    ) -> dict:
        """Write one record at time t_ms; returns its ShardId and SequenceNumber."""
        self._check_record(partition_key, data)
        if t_ms < self._clock_ms:
            raise LabError(f"t_ms {t_ms} is earlier than the previous write ({self._clock_ms}).")
        key = int(explicit_hash_key) if explicit_hash_key is not None else hash_key(partition_key)
        if not 0 <= key < hash_space():
            raise InvalidArgumentException(f"ExplicitHashKey {explicit_hash_key} is out of range.")
        open_shards = self._open_shards()
        starts = [s.starting_hash_key for s in open_shards]
        shard = open_shards[bisect.bisect_right(starts, key) - 1]
        self._clock_ms, self._last_sequence = t_ms, self._last_sequence + 1
        shard.sequence_numbers.append(self._last_sequence)
        shard.arrivals.append(t_ms)
        shard.partition_keys.append(partition_key)
        shard.data.append(bytes(data))
        return {"ShardId": shard.shard_id, "SequenceNumber": str(self._last_sequence)}

    def put_records(self, records: list[dict], t_ms: int) -> dict:
        """Write a batch ({"Data", "PartitionKey"} each); all-or-nothing validation as AWS."""
        most = int(facts.number("kinesis.put_records_max_records"))
        if not 1 <= len(records) <= most:
            raise InvalidArgumentException(f"PutRecords takes 1 to {most} records.")
        total = sum(self._check_record(r["PartitionKey"], r["Data"]) for r in records)
        if total > facts.as_bytes("kinesis.put_records_max_request_size"):
            raise InvalidArgumentException(f"PutRecords request of {total} bytes is too large.")
        results = [
            self.put_record(r["PartitionKey"], r["Data"], t_ms, r.get("ExplicitHashKey"))
            for r in records
        ]
        return {"FailedRecordCount": 0, "Records": results}

    # -- reads -------------------------------------------------------------------------------
    def _trim_index(self, shard: Shard, t_ms: int) -> int:
        """First record still inside the retention period at t_ms."""
        return bisect.bisect_left(shard.arrivals, t_ms - self.retention_hours * MS_PER_HOUR)

    def get_shard_iterator(
        self,
        shard_id: str,
        iterator_type: str,
        starting_sequence_number: str | None = None,
        timestamp_ms: int | None = None,
    ) -> str:
        """An opaque iterator pointing into the shard, as GetShardIterator returns."""
        shard = self._shard(shard_id)
        if iterator_type not in ITERATOR_TYPES:
            raise InvalidArgumentException(f"ShardIteratorType must be one of {ITERATOR_TYPES}.")
        if iterator_type == "TRIM_HORIZON":
            position = 0  # trimmed records are skipped when reading
        elif iterator_type == "LATEST":
            position = len(shard.sequence_numbers)
        elif iterator_type == "AT_TIMESTAMP":
            if timestamp_ms is None:
                raise InvalidArgumentException("AT_TIMESTAMP needs a Timestamp.")
            position = bisect.bisect_left(shard.arrivals, timestamp_ms)
        else:
            position = self._sequence_position(shard, starting_sequence_number)
            position += iterator_type == "AFTER_SEQUENCE_NUMBER"
        return self._new_iterator(shard_id, position)

    def _sequence_position(self, shard: Shard, sequence_number: str | None) -> int:
        number = int(sequence_number) if sequence_number is not None else -1
        index = bisect.bisect_left(shard.sequence_numbers, number)
        if index == len(shard.sequence_numbers) or shard.sequence_numbers[index] != number:
            raise InvalidArgumentException(
                f"StartingSequenceNumber {sequence_number} is not in shard {shard.shard_id}."
            )
        return index

    def _new_iterator(self, shard_id: str, position: int) -> str:
        token = f"{self.name}/{shard_id}/{len(self._iterators)}"
        self._iterators[token] = (shard_id, position)
        return token

    def get_records(self, shard_iterator: str, t_ms: int, limit: int | None = None) -> dict:
        """Records from the iterator's position that retention still keeps at t_ms."""
        most = int(facts.number("kinesis.getrecords_max_records"))
        limit = most if limit is None else limit
        if not 1 <= limit <= most:
            raise InvalidArgumentException(f"Limit must be 1 to {most}.")
        if shard_iterator not in self._iterators:
            raise InvalidArgumentException(f"Invalid ShardIterator {shard_iterator!r}.")
        shard_id, position = self._iterators[shard_iterator]
        shard = self.shards[shard_id]
        start = max(position, self._trim_index(shard, t_ms))
        stop = _batch_end(np.fromiter(map(len, shard.data[start : start + limit]), int), start)
        records = [
            {
                "SequenceNumber": str(shard.sequence_numbers[i]),
                "ApproximateArrivalTimestamp": shard.arrivals[i],
                "Data": shard.data[i],
                "PartitionKey": shard.partition_keys[i],
            }
            for i in range(start, stop)
        ]
        behind = t_ms - shard.arrivals[stop] if stop < len(shard.arrivals) else 0
        out = {"Records": records, "MillisBehindLatest": max(behind, 0)}
        if not shard.is_open and stop == len(shard.sequence_numbers):
            out["NextShardIterator"] = None  # the shard is closed and read to its end
            out["ChildShards"] = [
                s.shard_id for s in self.shards.values()
                if shard_id in (s.parent_shard_id, s.adjacent_parent_shard_id)
            ]  # fmt: skip
        else:
            out["NextShardIterator"] = self._new_iterator(shard_id, stop)
        return out


def _batch_end(sizes: np.ndarray, start: int) -> int:
    """Where a GetRecords response stops: its record limit or its data limit, at least one."""
    fits = np.cumsum(sizes) <= facts.as_bytes("kinesis.getrecords_max_mb")
    return start + max(int(fits.sum()), min(1, len(sizes)))


def _checked_retention(hours: int | None) -> int:
    least = int(facts.number("kinesis.retention_default_hours"))
    most = int(facts.number("kinesis.retention_max_days")) * 24
    hours = least if hours is None else hours
    if not least <= hours <= most:
        raise InvalidArgumentException(f"RetentionPeriodHours must be {least} to {most}.")
    return hours


def _on_demand_initial_shards() -> int:
    return math.ceil(
        facts.number("kinesis.on_demand_default_write_mb_per_s")
        / facts.number("kinesis.shard_write_mb_per_s")
    )
