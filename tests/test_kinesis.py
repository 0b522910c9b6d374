"""Kinesis Data Streams model: routing as AWS/moto, the stream API, throttling and reads."""

from __future__ import annotations

import numpy as np
import pytest

from lessons import facts, localaws
from lessons.data import DatasetConfig, generate_plays, generate_tracks
from lessons.streams import kinesis, kinesis_sim
from lessons.streams.errors import (
    InvalidArgumentException,
    LimitExceededException,
    ResourceNotFoundException,
)
from lessons.streams.kinesis import KinesisStream, even_hash_ranges
from lessons.streams.kinesis_sim import simulate_writes, split_range
from lessons.streams.workload import Workload, workload_from_plays

RECORDS_PER_S = int(facts.number("kinesis.shard_write_records_per_s"))
BYTES_PER_S = facts.as_bytes("kinesis.shard_write_mb_per_s")
HOUR_MS = 3_600_000


def make_workload(t_ms: list[int] | np.ndarray, keys: list[str] | np.ndarray, size: object = 100):
    """A hand-made workload: records sent at t_ms with these keys and payload sizes."""
    t = np.asarray(t_ms, dtype=np.int64)
    n = len(t)
    return Workload(
        t_ms=t,
        event_ms=t.copy(),
        key=np.asarray(keys, dtype=object),
        size=np.broadcast_to(np.asarray(size, dtype=np.int32), (n,)).copy(),
        event_id=np.array([f"e{i}" for i in range(n)], dtype=object),
        device_id=np.zeros(n, dtype=np.int32),
    )


@pytest.fixture(scope="module")
def plays_and_tracks():
    config = DatasetConfig(rows=20_000, seed=7)
    return generate_plays(config), generate_tracks(config)


# -- routing ------------------------------------------------------------------------------------
@pytest.mark.parametrize("shards", [3, 7])
def test_create_stream_hash_ranges_match_moto(shards: int) -> None:
    client = localaws.client("kinesis")
    try:
        client.create_stream(StreamName=f"ranges{shards}", ShardCount=shards)
        described = client.list_shards(StreamName=f"ranges{shards}")["Shards"]
        moto_ranges = [
            (int(s["HashKeyRange"]["StartingHashKey"]), int(s["HashKeyRange"]["EndingHashKey"]))
            for s in described
        ]
    finally:
        localaws.reset()
    assert kinesis.even_hash_ranges(shards) == moto_ranges
    assert moto_ranges[-1][1] == 2**128 - 1


def test_model_and_moto_route_200_random_keys_to_the_same_shard() -> None:
    rng = np.random.default_rng(11)
    keys = [f"{rng.integers(0, 10**9)}-{rng.choice(['é', 'a', '音'])}" for _ in range(200)]
    model = KinesisStream("routing", 4)
    client = localaws.client("kinesis")
    try:
        client.create_stream(StreamName="routing", ShardCount=4)
        moto_shards = [
            client.put_record(StreamName="routing", PartitionKey=k, Data=b"x")["ShardId"]
            for k in keys
        ]
    finally:
        localaws.reset()
    model_shards = [model.put_record(k, b"x", t_ms=i)["ShardId"] for i, k in enumerate(keys)]
    assert model_shards == moto_shards
    vectorised = kinesis_sim.shard_index_for_keys(np.array(keys, dtype=object), model_ranges(model))
    assert [f"shardId-{i:012d}" for i in vectorised] == moto_shards
    assert len(set(moto_shards)) == 4


def model_ranges(stream: KinesisStream) -> list[tuple[int, int]]:
    return [(s.starting_hash_key, s.ending_hash_key) for s in stream.shards.values()]


def test_vectorised_routing_handles_ranges_narrower_than_64_bits() -> None:
    keys = np.array([f"k{i}" for i in range(300)], dtype=object)
    hashes = [kinesis.hash_key(k) for k in keys]
    h = hashes[0]
    ranges = [(h + 1, 2**128 - 1), (0, h - 1), (h, h)]  # unsorted on purpose
    expected = [2 if x == h else (1 if x < h else 0) for x in hashes]
    assert kinesis_sim.shard_index_for_keys(keys, ranges).tolist() == expected


# -- the stream API -----------------------------------------------------------------------------
def read_shard(stream: KinesisStream, shard_id: str, t_ms: int) -> list[dict]:
    out, iterator = [], stream.get_shard_iterator(shard_id, "TRIM_HORIZON")
    while iterator:
        page = stream.get_records(iterator, t_ms=t_ms, limit=7)
        out += page["Records"]
        iterator = page["NextShardIterator"] if page["Records"] else None
    return out


def test_per_shard_order_is_kept_and_sequence_numbers_increase() -> None:
    stream = KinesisStream("order", 3)
    sent: dict[str, list[bytes]] = {}
    for i in range(90):
        key = f"device-{i % 5}"
        sent.setdefault(key, []).append(str(i).encode())
        stream.put_record(key, str(i).encode(), t_ms=1000 + i)
    received: dict[str, list[bytes]] = {}
    for shard_id in stream.shards:
        records = read_shard(stream, shard_id, t_ms=2000)
        numbers = [int(r["SequenceNumber"]) for r in records]
        assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
        for r in records:
            received.setdefault(r["PartitionKey"], []).append(r["Data"])
    assert received == sent


def test_split_closes_the_parent_and_routes_new_records_to_children() -> None:
    stream = KinesisStream("split", 1)
    before = [stream.put_record(f"k{i}", b"old", t_ms=i) for i in range(20)]
    stream.split_shard("shardId-000000000000", 2**127)
    after = [stream.put_record(f"k{i}", b"new", t_ms=100 + i) for i in range(20)]
    shards = {s["ShardId"]: s for s in stream.list_shards()}
    parent = shards["shardId-000000000000"]
    assert int(parent["SequenceNumberRange"]["EndingSequenceNumber"]) == int(
        before[-1]["SequenceNumber"]
    )
    children = [s for s in shards.values() if s.get("ParentShardId") == parent["ShardId"]]
    assert [c["HashKeyRange"]["StartingHashKey"] for c in children] == ["0", str(2**127)]
    assert {r["ShardId"] for r in after} == {c["ShardId"] for c in children}
    assert all(int(r["SequenceNumber"]) > int(before[-1]["SequenceNumber"]) for r in after)
    assert [r["Data"] for r in read_shard(stream, parent["ShardId"], 200)] == [b"old"] * 20
    last_page = stream.get_records(stream.get_shard_iterator(parent["ShardId"], "LATEST"), 200)
    assert last_page["NextShardIterator"] is None
    assert last_page["ChildShards"] == [c["ShardId"] for c in children]
    with pytest.raises(InvalidArgumentException, match="closed"):
        stream.split_shard(parent["ShardId"], 2**126)


def test_split_key_must_lie_inside_the_parent() -> None:
    stream = KinesisStream("split-range", 2)
    with pytest.raises(InvalidArgumentException):
        stream.split_shard("shardId-000000000000", 0)
    with pytest.raises(InvalidArgumentException):
        stream.split_shard("shardId-000000000000", 2**127 + 5)
    with pytest.raises(ResourceNotFoundException):
        stream.split_shard("shardId-000000000042", 5)


def test_merge_needs_adjacent_shards_and_records_both_parents() -> None:
    stream = KinesisStream("merge", 3)
    with pytest.raises(InvalidArgumentException, match="adjacent"):
        stream.merge_shards("shardId-000000000000", "shardId-000000000002")
    stream.merge_shards("shardId-000000000002", "shardId-000000000001")
    child = stream.list_shards()[-1]
    assert child["ParentShardId"] == "shardId-000000000002"
    assert child["AdjacentParentShardId"] == "shardId-000000000001"
    ranges = kinesis.even_hash_ranges(3)
    assert child["HashKeyRange"] == {
        "StartingHashKey": str(ranges[1][0]),
        "EndingHashKey": str(ranges[2][1]),
    }
    order = stream.shards_in_read_order()
    assert order.index(child["ShardId"]) > max(
        order.index("shardId-000000000001"), order.index("shardId-000000000002")
    )
    routed = {stream.put_record(f"k{i}", b"x", t_ms=i)["ShardId"] for i in range(60)}
    assert routed == {"shardId-000000000000", child["ShardId"]}


def test_read_order_puts_parents_before_children_after_several_reshards() -> None:
    stream = KinesisStream("lineage", 2)
    stream.split_shard("shardId-000000000001", 3 * 2**126)  # -> 2, 3
    stream.merge_shards("shardId-000000000000", "shardId-000000000002")  # -> 4
    stream.split_shard("shardId-000000000004", 2**125)  # -> 5, 6
    order = stream.shards_in_read_order()
    assert sorted(order) == sorted(stream.shards)
    for shard in stream.list_shards():
        for parent in (shard.get("ParentShardId"), shard.get("AdjacentParentShardId")):
            if parent:
                assert order.index(parent) < order.index(shard["ShardId"])


def test_retention_trims_records_older_than_the_period() -> None:
    stream = KinesisStream("retention", 1, retention_hours=24)
    for hour in range(30):
        stream.put_record("k", str(hour).encode(), t_ms=hour * HOUR_MS)
    now = 40 * HOUR_MS
    kept = read_shard(stream, "shardId-000000000000", t_ms=now)
    assert [int(r["Data"]) for r in kept] == list(range(16, 30))
    at_start = stream.get_shard_iterator("shardId-000000000000", "AT_TIMESTAMP", timestamp_ms=0)
    assert int(stream.get_records(at_start, t_ms=now)["Records"][0]["Data"]) == 16
    longer = KinesisStream("long", 1, retention_hours=48)
    longer.put_record("k", b"0", t_ms=0)
    assert len(read_shard(longer, "shardId-000000000000", t_ms=now)) == 1
    for hours in (23, int(facts.number("kinesis.retention_max_days")) * 24 + 1):
        with pytest.raises(InvalidArgumentException):
            KinesisStream("bad", 1, retention_hours=hours)


def test_iterator_types_start_where_aws_says() -> None:
    stream = KinesisStream("iterators", 1)
    numbers = [stream.put_record("k", bytes([i]), t_ms=i * 10)["SequenceNumber"] for i in range(5)]
    latest = stream.get_shard_iterator("shardId-000000000000", "LATEST")
    stream.put_record("k", b"\x05", t_ms=50)

    def first_data(iterator: str) -> bytes:
        return stream.get_records(iterator, t_ms=60, limit=1)["Records"][0]["Data"]

    def iterator(kind: str, **kw: object) -> str:
        return stream.get_shard_iterator("shardId-000000000000", kind, **kw)

    assert first_data(latest) == b"\x05"
    assert (
        first_data(iterator("AT_SEQUENCE_NUMBER", starting_sequence_number=numbers[2])) == b"\x02"
    )
    after = iterator("AFTER_SEQUENCE_NUMBER", starting_sequence_number=numbers[2])
    assert first_data(after) == b"\x03"
    assert first_data(iterator("AT_TIMESTAMP", timestamp_ms=25)) == b"\x03"
    with pytest.raises(InvalidArgumentException):
        iterator("AT_SEQUENCE_NUMBER", starting_sequence_number="999")
    with pytest.raises(InvalidArgumentException):
        stream.get_records(
            latest, t_ms=60, limit=int(facts.number("kinesis.getrecords_max_records")) + 1
        )


def test_bad_partition_keys_and_sizes_get_aws_errors() -> None:
    stream = KinesisStream("validation", 1)
    longest = int(facts.number("kinesis.partition_key_max_chars"))
    stream.put_record("é" * longest, b"x", t_ms=0)
    for key in ("", "é" * (longest + 1)):
        with pytest.raises(InvalidArgumentException, match="PartitionKey"):
            stream.put_record(key, b"x", t_ms=0)
    default_max = stream.max_record_bytes
    assert default_max == facts.as_bytes("kinesis.record_default_max_size")
    stream.put_record("k", b"x" * (default_max - 1), t_ms=0)
    with pytest.raises(InvalidArgumentException, match="maximum record size"):
        stream.put_record("k", b"x" * default_max, t_ms=0)
    ceiling_kib = facts.as_bytes("kinesis.record_max_size") // 1024
    KinesisStream("large", 1, max_record_size_kib=ceiling_kib).put_record(
        "k", b"x" * default_max, 0
    )
    with pytest.raises(InvalidArgumentException):
        KinesisStream("too-large", 1, max_record_size_kib=ceiling_kib + 1)


def test_put_records_checks_the_whole_batch_first() -> None:
    stream = KinesisStream("batch", 2)
    most = int(facts.number("kinesis.put_records_max_records"))
    ok = stream.put_records([{"PartitionKey": f"k{i}", "Data": b"x"} for i in range(most)], 0)
    assert ok["FailedRecordCount"] == 0 and len(ok["Records"]) == most
    with pytest.raises(InvalidArgumentException):
        stream.put_records([{"PartitionKey": "k", "Data": b"x"}] * (most + 1), 1)
    with pytest.raises(InvalidArgumentException):
        stream.put_records(
            [{"PartitionKey": "k", "Data": b"x"}, {"PartitionKey": "", "Data": b""}], 1
        )
    assert sum(len(s.data) for s in stream.shards.values()) == most  # nothing of the bad batch


def test_shard_count_out_of_range() -> None:
    with pytest.raises(InvalidArgumentException):
        KinesisStream("none", 0)
    with pytest.raises(LimitExceededException):
        KinesisStream("huge", kinesis.ACCOUNT_SHARD_QUOTA + 1)
    assert len(KinesisStream("od", capacity_mode="on-demand").shards) == 4  # as moto and AWS


# -- write throughput ---------------------------------------------------------------------------
def test_throttling_happens_exactly_when_a_one_second_bucket_goes_over() -> None:
    key = "k"
    at_limit = [1000 + i * 1000 // RECORDS_PER_S for i in range(RECORDS_PER_S)]  # exactly the limit
    over = [2000 + i * 1000 // (RECORDS_PER_S + 3) for i in range(RECORDS_PER_S + 3)]  # 3 too many
    record = BYTES_PER_S // 8 - len(key)
    heavy = [3000 + i * 10 for i in range(10)]  # second 3: 10 records of 1/8 of the byte limit
    small = make_workload(at_limit + over, [key] * len(at_limit + over), size=10)
    result = simulate_writes(small, 1, max_retries=0)
    assert result.records_per_shard[:3, 0].tolist() == [RECORDS_PER_S, RECORDS_PER_S, 0]
    assert result.throttled_records == result.dropped == 3
    assert np.isnan(result.delay_ms[-3:]).all() and not np.isnan(result.delay_ms[:-3]).any()
    big = simulate_writes(make_workload(heavy, [key] * 10, size=record), 1, max_retries=0)
    assert big.bytes_per_shard[0, 0] == BYTES_PER_S
    assert big.dropped == 2 and np.isnan(big.delay_ms[-2:]).all()


def test_throttled_records_are_retried_later_and_dropped_after_max_retries() -> None:
    burst = make_workload([0] * (RECORDS_PER_S + 500), ["k"] * (RECORDS_PER_S + 500), size=10)
    retried = simulate_writes(burst, 1, max_retries=3, backoff_ms=1000)
    assert retried.dropped == 0 and retried.throttled_records == 500
    late = retried.delay_ms[retried.attempts > 1]
    assert late.min() >= 500  # the first backoff is at least half of backoff_ms
    assert retried.records_per_shard[0, 0] == RECORDS_PER_S
    assert retried.records_per_shard[1:, 0].sum() == 500
    assert retried.throttle_events > 500  # retries landing in the same full second fail again
    assert simulate_writes(burst, 1, max_retries=0).dropped == 500


def test_retry_jitter_is_seeded() -> None:
    t = np.repeat(np.arange(5) * 1000, 1500)
    load = make_workload(t, ["k"] * len(t), size=10)
    first = simulate_writes(load, 1, rng=np.random.default_rng(3))
    again = simulate_writes(load, 1, rng=np.random.default_rng(3))
    other = simulate_writes(load, 1, rng=np.random.default_rng(4))
    np.testing.assert_array_equal(first.delay_ms, again.delay_ms)
    assert not np.array_equal(first.delay_ms, other.delay_ms, equal_nan=True)


def test_a_hot_key_throttles_more_than_device_id_and_random_spreads_evenly(
    plays_and_tracks,
) -> None:
    plays, tracks = plays_and_tracks

    def run(key: str):
        work = workload_from_plays(plays, key=key, tracks=tracks, speedup=168 * 300)
        return simulate_writes(work, 8, rng=np.random.default_rng(0))

    artist, device, spread = run("artist_name"), run("device_id"), run("random")
    assert (
        artist.throttled_records > 100 and device.throttled_records < artist.throttled_records / 10
    )
    assert artist.hot_shard_share > device.hot_shard_share > spread.hot_shard_share
    per_shard = spread.records_per_shard.sum(axis=0)
    assert spread.hot_shard_share < 1.1 / 8
    assert per_shard.max() / per_shard.min() < 1.15


def test_on_demand_does_not_throttle_a_steady_load_under_its_capacity() -> None:
    rng = np.random.default_rng(5)
    t = np.sort(rng.integers(0, 60_000, 2500 * 60))  # 2,500 records/s for a minute
    keys = np.char.mod("%016x", rng.integers(0, 2**62, len(t))).astype(object)
    steady = make_workload(t, keys, size=100)
    assert simulate_writes(steady, capacity_mode="on-demand").throttled_records == 0
    assert simulate_writes(steady, 1).throttled_records > 0


def test_on_demand_grows_after_a_peak_and_then_absorbs_it() -> None:
    rng = np.random.default_rng(6)
    later_s = kinesis_sim.ON_DEMAND_SCALE_DELAY_S + 60
    t = np.r_[np.zeros(10_000, np.int64), np.full(6000, later_s * 1000)]
    keys = np.char.mod("%016x", rng.integers(0, 2**62, len(t))).astype(object)
    result = simulate_writes(make_workload(t, keys, size=100), capacity_mode="on-demand")
    assert result.shards_per_second[0] == 4
    assert result.shards_per_second[later_s] == 2 * 10_000 // RECORDS_PER_S
    first_attempt_ok = result.attempts == 1
    assert not first_attempt_ok[:10_000].all() and first_attempt_ok[10_000:].all()


# -- reads --------------------------------------------------------------------------------------
def test_shared_reads_split_the_shard_and_enhanced_fan_out_does_not() -> None:
    shard_read = facts.number("kinesis.shard_read_mb_per_s")
    assert kinesis_sim.read_throughput(2, efo=False, shard_count=4).per_shard_mb_s == shard_read / 2
    efo = kinesis_sim.read_throughput(5, efo=True, shard_count=4)
    assert efo.per_shard_mb_s == facts.number("kinesis.efo_read_mb_per_s")
    assert efo.stream_mb_s == 4 * efo.per_shard_mb_s
    with pytest.raises(LimitExceededException):
        kinesis_sim.read_throughput(int(facts.number("kinesis.efo_max_consumers")) + 1, True, 4)


def test_consumer_lag_grows_when_shared_consumers_read_slower_than_writes() -> None:
    t = np.repeat(np.arange(60) * 1000, 100)  # 100 records of 9,999 bytes each second
    full = simulate_writes(make_workload(t, ["k"] * len(t), size=9_999), 1)
    assert full.throttled_records == 0
    shared = kinesis_sim.consumer_lag(full, consumers=5, efo=False)
    efo = kinesis_sim.consumer_lag(full, consumers=5, efo=True)
    assert shared.max_lag_s > 60 and np.all(np.diff(shared.lag_s[:60]) > 0)
    assert efo.max_lag_s < 1


def test_split_range_halves_one_shard_and_keeps_the_space_covered() -> None:
    ranges = even_hash_ranges(2)
    split = split_range(ranges, 0)
    assert len(split) == 3
    assert split[0][0] == 0 and split[0][1] + 1 == split[1][0] and split[1][1] == ranges[0][1]
    assert split[2] == ranges[1]


def test_splitting_the_hot_shard_relieves_it_unless_one_key_is_the_load() -> None:
    # Many devices on 2 shards, pushed hard: splitting the busiest shard lowers throttling.
    n = 6_000
    keys = np.array([str(i % 40) for i in range(n)], dtype=object)
    spread = make_workload(np.arange(n, dtype=np.int64) // 3, keys)
    before = simulate_writes(spread, 2, max_retries=0)
    hottest = int(np.argmax(before.records_per_shard.sum(axis=0)))
    after = simulate_writes(
        spread, hash_ranges=split_range(even_hash_ranges(2), hottest), max_retries=0
    )
    assert after.throttled_records < before.throttled_records
    # One key: its hash sits in one child, so the split does not help at all.
    single = make_workload(spread.t_ms, np.array(["artist"] * n, dtype=object))
    one_before = simulate_writes(single, 2, max_retries=0)
    one_after = simulate_writes(
        single, hash_ranges=split_range(even_hash_ranges(2), hottest), max_retries=0
    )
    assert one_after.throttled_records == one_before.throttled_records > 0
