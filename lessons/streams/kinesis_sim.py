"""Amazon Kinesis Data Streams at volume: write throttling, on-demand scaling, read throughput.

`simulate_writes` runs a whole workload through the per-shard write limits, vectorised, to
measure throttling, producer retries, delivery delay and hot shards; `read_throughput` and
`consumer_lag` compare shared (GetRecords) reads with enhanced fan-out. `shard_index_for_keys`
routes a whole array of partition keys at once, exactly as lessons.streams.kinesis routes one
(MD5 hash keys, CreateStream's even split), hashing each distinct key once.

Fidelity: a record is throttled when its shard's one-second bucket (epoch seconds) would exceed
the per-shard bytes (data + key) or records limit, taking records in send order; AWS meters with
token buckets, so short bursts across a second boundary differ. A throttled record is retried
after an exponential backoff with jitter (seeded) and dropped after `max_retries`; retries get
only the capacity the first attempts left in their bucket. On-demand is simplified to a shard
count that follows traffic: twice the peak offered traffic seen at least a scale-up delay
earlier, never below the initial capacity, hash space split evenly; per-shard limits still apply,
so one hot key still throttles. Consumer lag is a queue per shard drained at each consumer's read
rate, plus (shared reads) the polling interval left by the per-shard GetRecords call limit.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lessons import facts
from lessons.errors import LabError
from lessons.streams.errors import InvalidArgumentException, LimitExceededException
from lessons.streams.kinesis import (
    CAPACITY_MODES,
    _on_demand_initial_shards,
    check_shard_count,
    even_hash_ranges,
    hash_space,
)
from lessons.streams.workload import Workload

__all__ = [
    "MAX_SIMULATED_CELLS",
    "ON_DEMAND_PEAK_FACTOR",
    "ON_DEMAND_SCALE_DELAY_S",
    "ConsumerLag",
    "HashedKeys",
    "ReadThroughput",
    "WriteResult",
    "consumer_lag",
    "hash_keys",
    "read_throughput",
    "shard_index_for_keys",
    "simulate_writes",
    "split_range",
]

# No fact yet for these two (reported): the 2x-previous-peak rule of on-demand mode and the
# window it needs to scale up.
ON_DEMAND_PEAK_FACTOR = 2
ON_DEMAND_SCALE_DELAY_S = 15 * 60
MAX_SIMULATED_CELLS = 50_000_000  # seconds x shards kept in memory by simulate_writes


# -- routing whole workloads -------------------------------------------------------------------
@dataclass(frozen=True)
class HashedKeys:
    """Partition keys hashed once per distinct key: workloads repeat a few keys many times."""

    codes: np.ndarray  # per record: index into the distinct keys
    high: np.ndarray  # uint64: top 64 bits of each distinct key's hash
    low: np.ndarray  # uint64: bottom 64 bits
    key_bytes: np.ndarray  # int64: UTF-8 length of each distinct key


def hash_keys(keys: np.ndarray) -> HashedKeys:
    """Hash an array of partition keys (hash-based factorize: no sort of a million strings)."""
    codes, distinct = pd.factorize(np.asarray(keys, dtype=object))
    encoded = [str(k).encode("utf-8") for k in distinct]
    digests = b"".join(hashlib.md5(k).digest() for k in encoded)
    words = np.frombuffer(digests, dtype=">u8").reshape(-1, 2).astype(np.uint64)
    sizes = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    return HashedKeys(codes.astype(np.int64), words[:, 0].copy(), words[:, 1].copy(), sizes)


def _route(hashed: HashedKeys, starts: list[int]) -> np.ndarray:
    """Index of the range holding each distinct key, given sorted starting hash keys from 0."""
    start_high = np.array([s >> 64 for s in starts], dtype=np.uint64)
    start_low = np.array([s & (2**64 - 1) for s in starts], dtype=np.uint64)
    index = np.searchsorted(start_high, hashed.high, side="right") - 1
    while True:  # only ranges narrower than 2**64 share a high word: step back past them
        back = (index > 0) & (start_high[index] == hashed.high) & (start_low[index] > hashed.low)
        if not back.any():
            return index
        index[back] -= 1


def _route_to_ranges(hashed: HashedKeys, ranges: list[tuple[int, int]]) -> np.ndarray:
    """For each distinct key of `hashed`, the index in `ranges` of its shard."""
    order = sorted(range(len(ranges)), key=lambda i: ranges[i][0])
    starts = [ranges[i][0] for i in order]
    if starts[0] != 0 or max(end for _, end in ranges) != hash_space() - 1:
        raise LabError("The hash key ranges must cover the whole hash space.")
    return np.asarray(order)[_route(hashed, starts)]


def shard_index_for_keys(keys: np.ndarray, ranges: list[tuple[int, int]]) -> np.ndarray:
    """For each partition key, the index in `ranges` of the shard it is routed to."""
    hashed = hash_keys(keys)
    return _route_to_ranges(hashed, ranges)[hashed.codes]


def split_range(ranges: list[tuple[int, int]], index: int) -> list[tuple[int, int]]:
    """The ranges after SplitShard halves shard `index` (its children replace it in place)."""
    start, end = ranges[index]
    if end <= start:
        raise LabError("A shard owning a single hash key cannot be split.")
    middle = (start + end + 1) // 2
    return [*ranges[:index], (start, middle - 1), (middle, end), *ranges[index + 1 :]]


# -- throughput simulation ---------------------------------------------------------------------
@dataclass(frozen=True)
class WriteResult:
    """What happened to each record of a workload written to a stream, and to each shard."""

    start_s: int  # epoch second of the first row of the per-second arrays
    bytes_per_shard: np.ndarray  # (seconds, shards) int64: accepted bytes (data + key)
    records_per_shard: np.ndarray  # (seconds, shards) int64: accepted records
    shards_per_second: np.ndarray  # open shards each second (constant when provisioned)
    shard: np.ndarray  # per record: the shard its first attempt went to
    attempts: np.ndarray  # per record: attempts made (1 = accepted at once)
    delay_ms: np.ndarray  # per record: accepted time - send time; NaN when dropped
    hot_shard_share: float  # the busiest shard's share of the offered bytes

    @property
    def throttled_records(self) -> int:
        """Records throttled at least once (retried or dropped)."""
        return int(((self.attempts > 1) | np.isnan(self.delay_ms)).sum())

    @property
    def throttle_events(self) -> int:
        """Rejected attempts: what CloudWatch's WriteProvisionedThroughputExceeded counts."""
        return int(self.attempts.sum()) - self.delivered

    @property
    def dropped(self) -> int:
        """Records the producer gave up on after its last retry."""
        return int(np.isnan(self.delay_ms).sum())

    @property
    def delivered(self) -> int:
        return len(self.delay_ms) - self.dropped

    def delay_percentiles(self, q: tuple[float, ...] = (50, 90, 99, 100)) -> dict[float, float]:
        """Delivery delay (ms) of the delivered records at the given percentiles."""
        delivered = self.delay_ms[~np.isnan(self.delay_ms)]
        if not len(delivered):
            return dict.fromkeys(q, float("nan"))
        return dict(zip(q, np.percentile(delivered, q).tolist(), strict=True))


def simulate_writes(
    workload: Workload,
    shard_count: int | None = None,
    capacity_mode: str = "provisioned",
    max_retries: int = 3,
    rng: np.random.Generator | None = None,
    backoff_ms: int = 1000,
    hash_ranges: list[tuple[int, int]] | None = None,
) -> WriteResult:
    """Send every record at its time through the per-shard write limits, retrying when throttled.

    Retry k (from 0) waits backoff_ms * 2**k times a jitter in [0.5, 1) drawn from `rng`.
    On-demand ignores `shard_count`: the shard count follows the traffic (see Fidelity).
    `hash_ranges` (provisioned only) replaces the even split, e.g. after `split_range`.
    """
    if capacity_mode not in CAPACITY_MODES:
        raise InvalidArgumentException(f"capacity_mode must be one of {CAPACITY_MODES}.")
    if not len(workload) or max_retries < 0 or backoff_ms < 1:
        raise LabError("Need a non-empty workload, max_retries >= 0 and backoff_ms >= 1.")
    rng = rng if rng is not None else np.random.default_rng(0)
    hashed = hash_keys(workload.key)
    size = workload.size.astype(np.int64) + hashed.key_bytes[hashed.codes]
    start_ms = int(workload.t_ms.min()) // 1000 * 1000
    horizon = (int(workload.t_ms.max()) - start_ms + backoff_ms * 2**max_retries) // 1000 + 2
    if capacity_mode == "on-demand":
        shards = _on_demand_shards((workload.t_ms - start_ms) // 1000, size, horizon)
    else:
        shard_count = len(hash_ranges) if hash_ranges else shard_count
        check_shard_count(shard_count if shard_count is not None else 0)
        shards = np.full(horizon, shard_count, dtype=np.int64)
    if horizon * int(shards.max()) > MAX_SIMULATED_CELLS:
        raise LabError("Too many shard-seconds to simulate: use fewer shards or a shorter run.")
    sim = _WriteRounds(hashed, size, shards, start_ms, workload.t_ms.astype(np.int64))
    if hash_ranges and capacity_mode == "provisioned":
        sim.routes[len(hash_ranges)] = _route_to_ranges(hashed, hash_ranges)
    for attempt in range(max_retries + 1):
        retry_wait = backoff_ms * 2**attempt if attempt < max_retries else None
        if not sim.attempt_pending(retry_wait, rng):
            break
    delay = np.where(sim.accepted_at >= 0, sim.accepted_at - workload.t_ms, np.nan)
    offered = np.bincount(sim.first_shard, weights=size)
    return WriteResult(
        start_s=start_ms // 1000,
        bytes_per_shard=sim.used_bytes.reshape(horizon, -1),
        records_per_shard=sim.used_records.reshape(horizon, -1),
        shards_per_second=shards,
        shard=sim.first_shard,
        attempts=sim.attempts,
        delay_ms=delay,
        hot_shard_share=float(offered.max() / offered.sum()),
    )


class _WriteRounds:
    """Attempt rounds: round k sends every record still pending after k throttles."""

    def __init__(
        self, hashed: HashedKeys, size: np.ndarray, shards: np.ndarray, start_ms: int, t: np.ndarray
    ) -> None:
        self.hashed, self.size, self.shards, self.start_ms = hashed, size, shards, start_ms
        self.width = int(shards.max())
        self.t = t.copy()
        self.pending = np.arange(len(t))
        self.used_bytes = np.zeros(len(shards) * self.width, dtype=np.int64)
        self.used_records = np.zeros_like(self.used_bytes)
        self.accepted_at = np.full(len(t), -1, dtype=np.int64)
        self.attempts = np.zeros(len(t), dtype=np.int16)
        self.first_shard = np.zeros(len(t), dtype=np.int64)
        self.routes: dict[int, np.ndarray] = {}  # shard count -> shard of each distinct key
        self._max_bytes = facts.as_bytes("kinesis.shard_write_mb_per_s")
        self._max_records = int(facts.number("kinesis.shard_write_records_per_s"))

    def _shard_of(self, seconds: np.ndarray, records: np.ndarray) -> np.ndarray:
        counts = self.shards[seconds]
        out = np.empty(len(records), dtype=np.int64)
        for n in np.unique(counts).tolist():
            if n not in self.routes:
                self.routes[n] = _route(self.hashed, [s for s, _ in even_hash_ranges(n)])
            mask = counts == n
            out[mask] = self.routes[n][self.hashed.codes[records[mask]]]
        return out

    def attempt_pending(self, retry_wait_ms: int | None, rng: np.random.Generator) -> bool:
        """Send the pending records once; True while some wait for a retry."""
        pending = self.pending[np.argsort(self.t[self.pending], kind="stable")]
        seconds = (self.t[pending] - self.start_ms) // 1000
        shard = self._shard_of(seconds, pending)
        if not self.attempts.any():
            self.first_shard[pending] = shard
        bucket = seconds * self.width + shard
        order = np.argsort(bucket, kind="stable")  # stays in send order within a bucket
        pending, bucket = pending[order], bucket[order]
        ok = self._fits(bucket, self.size[pending])
        n = len(self.used_bytes)
        self.used_bytes += np.bincount(bucket[ok], self.size[pending[ok]], n).astype(np.int64)
        self.used_records += np.bincount(bucket[ok], minlength=n)
        self.attempts[pending] += 1
        self.accepted_at[pending[ok]] = self.t[pending[ok]]
        self.pending = pending[~ok]
        if retry_wait_ms is None or not len(self.pending):
            return False
        jitter = rng.uniform(0.5, 1.0, len(self.pending))
        self.t[self.pending] += (retry_wait_ms * jitter).astype(np.int64)
        return True

    def _fits(self, bucket: np.ndarray, size: np.ndarray) -> np.ndarray:
        """Which attempts fit, in order: each bucket's running totals against the shard limits."""
        first = np.r_[True, bucket[1:] != bucket[:-1]]
        group_start = np.flatnonzero(first)
        group = np.cumsum(first) - 1
        total = np.cumsum(size)
        running_bytes = total - (total - size)[group_start][group]
        running_records = np.arange(1, len(bucket) + 1) - group_start[group]
        return (self.used_bytes[bucket] + running_bytes <= self._max_bytes) & (
            self.used_records[bucket] + running_records <= self._max_records
        )


def _on_demand_shards(seconds: np.ndarray, size: np.ndarray, horizon: int) -> np.ndarray:
    """Open shards each second: twice the peak seen one scale-up delay earlier, at least initial."""
    load = np.maximum(
        np.bincount(seconds, weights=size, minlength=horizon)
        / facts.as_bytes("kinesis.shard_write_mb_per_s"),
        np.bincount(seconds, minlength=horizon) / facts.number("kinesis.shard_write_records_per_s"),
    )
    peak = ON_DEMAND_PEAK_FACTOR * np.maximum.accumulate(load)
    seen = np.concatenate([np.zeros(ON_DEMAND_SCALE_DELAY_S), peak])[:horizon]
    most = math.floor(
        facts.number("kinesis.on_demand_max_write_mb_per_s")
        / facts.number("kinesis.shard_write_mb_per_s")
    )
    return np.clip(np.ceil(seen), _on_demand_initial_shards(), most).astype(np.int64)


# -- reads -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReadThroughput:
    """What each consumer can read from each shard, and how often it gets to ask."""

    consumers: int
    efo: bool
    shard_count: int
    per_shard_bytes_s: float  # each consumer's read rate from one shard
    poll_interval_s: float  # shared: GetRecords calls per shard split between consumers; EFO: 0

    @property
    def per_shard_mb_s(self) -> float:
        return self.per_shard_bytes_s / facts.BYTES_PER_UNIT["MB"]

    @property
    def stream_mb_s(self) -> float:
        """Each consumer's read rate over the whole stream."""
        return self.per_shard_mb_s * self.shard_count


def read_throughput(consumers: int, efo: bool, shard_count: int) -> ReadThroughput:
    """Shared reads split a shard's read limit between consumers; EFO gives each its own."""
    if consumers < 1 or shard_count < 1:
        raise InvalidArgumentException("Need at least one consumer and one shard.")
    if efo:
        most = int(facts.number("kinesis.efo_max_consumers"))
        if consumers > most:
            raise LimitExceededException(
                f"A stream takes at most {most} enhanced fan-out consumers."
            )
        return ReadThroughput(
            consumers, efo, shard_count, facts.as_bytes("kinesis.efo_read_mb_per_s"), 0.0
        )
    calls = facts.number("kinesis.shard_read_calls_per_s")
    rate = facts.as_bytes("kinesis.shard_read_mb_per_s") / consumers
    return ReadThroughput(consumers, efo, shard_count, rate, consumers / calls)


@dataclass(frozen=True)
class ConsumerLag:
    """How far behind the tip each consumer reads, second by second (worst shard)."""

    read: ReadThroughput
    lag_s: np.ndarray

    @property
    def max_lag_s(self) -> float:
        return float(self.lag_s.max())


def consumer_lag(writes: WriteResult, consumers: int, efo: bool) -> ConsumerLag:
    """Each shard's backlog drained at a consumer's read rate, as seconds of reading behind."""
    read = read_throughput(consumers, efo, writes.bytes_per_shard.shape[1])
    total = np.cumsum(writes.bytes_per_shard - read.per_shard_bytes_s, axis=0)
    backlog = total - np.minimum(np.minimum.accumulate(total, axis=0), 0)  # Lindley's recursion
    return ConsumerLag(read, backlog.max(axis=1) / read.per_shard_bytes_s + read.poll_interval_s)
