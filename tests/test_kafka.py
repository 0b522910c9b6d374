"""The Kafka / MSK model, and its agreement with a real Kafka protocol (librdkafka's mock)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import numpy as np
import pytest

from lessons import facts
from lessons.errors import FactsFileError
from lessons.streams import kafka, kafka_live
from lessons.streams.workload import Workload

# Apache Kafka's UtilsTest.testMurmur2 (the Java client's Utils.murmur2), signed int32.
JAVA_MURMUR2 = {
    "21": -973932308,
    "foobar": -790332482,
    "a-little-bit-long-string": -985981536,
    "a-little-bit-longer-string": -1486304829,
    "lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971,
    "abc": 479470107,
}
# librdkafka's unittest_murmur2 (src/rdmurmur2.c), checked there against the Java client: every
# tail length 0..3 and the empty key.
LIBRDKAFKA_MURMUR2 = {
    "kafka": 0xD067CF64,
    "giberish123456789": 0x8F552B0C,
    "1234": 0x9FC97B14,
    "234": 0xE7C009CA,
    "34": 0x873930DA,
    "4": 0x5A4B5CA1,
    "PreAmbleWillBeRemoved,ThePrePartThatIs": 0x78424F1C,
    "reAmbleWillBeRemoved,ThePrePartThatIs": 0x4A62B377,
    "eAmbleWillBeRemoved,ThePrePartThatIs": 0xE0E4E09E,
    "AmbleWillBeRemoved,ThePrePartThatIs": 0x62B8B43F,
    "": 0x106E08D9,
}
T0 = 1_793_000_000_000  # an epoch-millisecond start for synthetic records


def workload(n: int, keys: list[str], devices: list[int] | None = None, step_ms: int = 10):
    """n records cycling through `keys`, one every step_ms; device i%len(devices)."""
    t = T0 + np.arange(n, dtype=np.int64) * step_ms
    devices = devices or list(range(len(keys)))
    return Workload(
        t_ms=t,
        event_ms=t.copy(),
        key=np.array([keys[i % len(keys)] for i in range(n)], dtype=object),
        size=np.full(n, 200, np.int32),
        event_id=np.array([f"e{i}" for i in range(n)], dtype=object),
        device_id=np.array([devices[i % len(devices)] for i in range(n)], np.int32),
    )


# --- the partitioner ---------------------------------------------------------------------------


def test_murmur2_matches_the_java_client_and_librdkafka() -> None:
    for key, expected in JAVA_MURMUR2.items():
        assert kafka.murmur2(key) == expected, key
        assert kafka.murmur2(key.encode()) == expected, key
    for key, expected in LIBRDKAFKA_MURMUR2.items():
        assert kafka.murmur2(key) & 0xFFFFFFFF == expected, key


def test_vectorised_partitioner_equals_the_one_key_version() -> None:
    keys = list(JAVA_MURMUR2) + list(LIBRDKAFKA_MURMUR2) + ["설정", "device-7"] * 3
    hashed = kafka.murmur2_many(keys)
    assert hashed.dtype == np.int32
    assert hashed.tolist() == [kafka.murmur2(k) for k in keys]
    for partitions in (1, 6, 50):
        expected = [kafka.partition_for_key(k, partitions) for k in keys]
        assert kafka.partitions_for_keys(keys, partitions).tolist() == expected
    # toPositive(-790332482) = 1357151166, and 1357151166 % 50 = 16
    assert kafka.partition_for_key("foobar", 50) == 16


# --- the real protocol (librdkafka's mock cluster) ---------------------------------------------


def assert_consecutive_per_partition(placed: list[kafka_live.Delivery]) -> None:
    offsets = defaultdict(list)
    for record in placed:
        offsets[record.partition].append(record.offset)
    for partition, seen in offsets.items():
        assert seen == list(range(len(seen))), partition


def test_mock_cluster_places_keys_as_the_model_and_a_group_resumes_from_its_commit() -> None:
    keys = [f"device-{i % 37}" for i in range(200)]
    with kafka_live.mock_cluster(brokers=3, topics={"plays": 6}) as bootstrap:
        assert all(host.startswith("127.0.0.1:") for host in bootstrap.split(","))
        assert kafka_live.partition_count(bootstrap, "plays") == 6
        placed = kafka_live.produce(bootstrap, "plays", keys, [b"{}"] * len(keys))
        first = kafka_live.consume_all(bootstrap, "plays", "lesson", expected=150)
        rest = kafka_live.consume_all(bootstrap, "plays", "lesson")
    assert [p.key for p in placed] == keys
    assert [p.partition for p in placed] == kafka.partitions_for_keys(keys, 6).tolist()
    assert_consecutive_per_partition(placed)
    assert len(first) == 150 and len(rest) == 50  # the second join resumed after the commit
    assert sorted(first + rest) == sorted(placed)


def test_the_documented_mock_route_agrees_with_the_model_too(monkeypatch) -> None:
    """Without librdkafka's C API the mock auto-creates topics with its default partitions."""
    monkeypatch.setattr(kafka_live, "_librdkafka", lambda: None)
    keys = [f"track-{i}" for i in range(100)]
    with kafka_live.mock_cluster(brokers=2) as bootstrap:
        placed = kafka_live.produce(bootstrap, "plays", keys, [b"x"] * len(keys))
        partitions = kafka_live.partition_count(bootstrap, "plays")
    assert partitions == kafka_live.MOCK_DEFAULT_PARTITIONS
    assert [p.partition for p in placed] == kafka.partitions_for_keys(keys, partitions).tolist()
    assert_consecutive_per_partition(placed)
    with pytest.warns(UserWarning, match="partitions"), kafka_live.mock_cluster(1, {"t": 6}):
        pass


def test_the_real_client_refuses_a_record_over_the_size_limit() -> None:
    too_big = int(facts.number("kafka.message_max_bytes_default")) + 1
    with kafka_live.mock_cluster(brokers=1, topics={"plays": 1}) as bootstrap:
        with pytest.raises(kafka.MessageSizeTooLarge):
            kafka_live.produce(bootstrap, "plays", ["big"], [b"x" * too_big])
        assert kafka_live.produce(bootstrap, "plays", ["small"], [b"x"])[0].offset == 0


# --- the log: offsets, size limit, retention ---------------------------------------------------


def test_records_get_consecutive_offsets_in_their_key_partition() -> None:
    cluster = kafka.KafkaCluster()
    cluster.create_topic("plays", partitions=3)
    records = [cluster.produce("plays", f"k{i % 5}", 100, T0 + i) for i in range(40)]
    by_partition = defaultdict(list)
    for r in records:
        assert r.partition == kafka.partition_for_key(r.key, 3)
        by_partition[r.partition].append(r)
    for p, recs in by_partition.items():
        assert [r.offset for r in recs] == list(range(len(recs)))
        assert cluster.fetch("plays", p, 0) == recs  # per-partition order is producer order
    keyless = [cluster.produce("plays", None, 10, T0).partition for _ in range(6)]
    assert sorted(keyless) == [0, 0, 1, 1, 2, 2]
    with pytest.raises(kafka.UnknownTopicOrPartition):
        cluster.produce("nope", "k", 1, T0)
    with pytest.raises(kafka.TopicAlreadyExists):
        cluster.create_topic("plays", partitions=3)


def test_message_size_limit_comes_from_the_facts_table() -> None:
    limit = int(facts.number("kafka.message_max_bytes_default"))
    cluster = kafka.KafkaCluster()
    cluster.create_topic("plays", partitions=1)
    assert cluster.produce("plays", "k", limit, T0).offset == 0
    with pytest.raises(kafka.MessageSizeTooLarge) as raised:
        cluster.produce("plays", "k", limit + 1, T0)
    assert raised.value.code == "MESSAGE_TOO_LARGE" and raised.value.error_code == 10


def test_retention_by_time_drops_whole_segments_and_moves_the_log_start() -> None:
    cluster = kafka.KafkaCluster()
    topic = cluster.create_topic("plays", 1, retention_ms=1_000, segment_records=10)
    assert topic.retention_ms == 1_000
    for i in range(35):
        cluster.produce("plays", "k", 50, T0 + 100 * i)  # segments end at +900, +1900, +2900 ms
    assert cluster.enforce_retention(T0 + 1_900) == 0  # no segment is older than 1 s yet
    assert cluster.enforce_retention(T0 + 2_000) == 10  # only the first is past retention
    part = topic.partitions[0]
    assert (part.log_start_offset, part.log_end_offset) == (10, 35)
    with pytest.raises(kafka.OffsetOutOfRange):
        cluster.fetch("plays", 0, 9)
    assert cluster.fetch("plays", 0, 10, max_records=1)[0].timestamp_ms == T0 + 1_000
    assert cluster.enforce_retention(T0 + 10_000) == 25 and part.log_start_offset == 35
    assert cluster.fetch("plays", 0, 35) == []


def test_default_time_retention_is_kafkas_and_size_retention_keeps_at_least_the_limit() -> None:
    cluster = kafka.KafkaCluster()
    hours = facts.number("kafka.retention_hours_default")
    assert cluster.create_topic("a", 1).retention_ms == hours * 3_600_000
    cluster.create_topic("b", 1, retention_ms=None, retention_bytes=1_500, segment_records=10)
    for i in range(40):
        cluster.produce("b", "k", 50, T0 + i)  # four segments of 500 bytes
    assert cluster.enforce_retention(T0 + 40) == 10  # 1,500 bytes remain, as retention.bytes
    assert cluster.topics["b"].partitions[0].log_start_offset == 10


def test_a_commit_below_the_log_start_resets_by_auto_offset_reset() -> None:
    cluster = kafka.KafkaCluster()
    cluster.create_topic("plays", 1, retention_ms=100, segment_records=5)
    for i in range(20):
        cluster.produce("plays", "k", 10, T0 + 10 * i)
    for policy in kafka.RESET_POLICIES:
        cluster.join_group(policy, "plays", "c1", auto_offset_reset=policy)
        cluster.leave_group(policy, "c1")
        cluster.reset_offsets(policy, to="offset", offset=3)
    cluster.enforce_retention(T0 + 200)  # the segments below offset 10 are gone
    for policy, expected in (("earliest", 10), ("latest", 20)):
        cluster.join_group(policy, "plays", "c1")
        got = cluster.poll(policy, "c1", max_records=100)
        assert [r.offset for r in got] == list(range(expected, 20)), policy
    cluster.join_group("none", "plays", "c1")
    with pytest.raises(kafka.OffsetOutOfRange):
        cluster.poll("none", "c1", max_records=1)


# --- consumer groups ---------------------------------------------------------------------------


def test_range_and_round_robin_assignors_follow_the_java_ones() -> None:
    assert kafka.range_assign(["c2", "c1", "c3"], 8) == {
        "c1": [0, 1, 2],
        "c2": [3, 4, 5],
        "c3": [6, 7],
    }
    assert kafka.round_robin_assign(["c2", "c1", "c3"], 8) == {
        "c1": [0, 3, 6],
        "c2": [1, 4, 7],
        "c3": [2, 5],
    }
    assert kafka.range_assign(["a", "b", "c"], 2) == {"a": [0], "b": [1], "c": []}


def make_cluster(partitions: int = 4, per_partition: int = 10) -> kafka.KafkaCluster:
    cluster = kafka.KafkaCluster()
    cluster.create_topic("plays", partitions)
    for p in range(partitions):
        for i in range(per_partition):
            cluster.produce("plays", f"k{p}", 100, T0 + 1_000 * i, partition=p)
    return cluster


def test_joins_and_leaves_rebalance_the_group() -> None:
    cluster = make_cluster()
    assert cluster.join_group("g", "plays", "c1") == {"c1": [0, 1, 2, 3]}
    assert cluster.join_group("g", "plays", "c2") == {"c1": [0, 1], "c2": [2, 3]}
    assert cluster.join_group("g", "plays", "c3") == {"c1": [0, 1], "c2": [2], "c3": [3]}
    assert cluster.leave_group("g", "c1") == {"c2": [0, 1], "c3": [2, 3]}
    assert cluster.groups["g"].generation == 4
    with pytest.raises(kafka.UnknownMemberId):
        cluster.poll("g", "c1", max_records=1)


def test_a_crash_before_commit_means_duplicates_after_the_rebalance() -> None:
    cluster = make_cluster(partitions=2)
    cluster.join_group("g", "plays", "c1", auto_offset_reset="earliest")
    cluster.join_group("g", "plays", "c2")
    assert len(cluster.poll("g", "c2", max_records=100)) == 10
    cluster.commit("g", "c2")
    assert [r.offset for r in cluster.poll("g", "c1", max_records=4)] == [0, 1, 2, 3]
    assert cluster.commit("g", "c1") == {0: 4}
    assert len(cluster.poll("g", "c1", max_records=3)) == 3  # processed, never committed
    cluster.leave_group("g", "c1")  # the crash: c2 now owns both partitions
    again = cluster.poll("g", "c2", max_records=100)
    assert [(r.partition, r.offset) for r in again] == [(0, o) for o in range(4, 10)]
    group = cluster.groups["g"]
    assert group.duplicates == 3 and group.processed == 10 + 4 + 3 + 6
    cluster.commit("g", "c2")
    assert cluster.lag("g") == {0: 0, 1: 0}


def test_groups_are_independent_and_can_replay_from_a_timestamp() -> None:
    cluster = make_cluster(partitions=2)
    cluster.join_group("billing", "plays", "b1", auto_offset_reset="earliest")
    cluster.poll("billing", "b1", max_records=5)
    cluster.commit("billing", "b1")
    cluster.join_group("charts", "plays", "x1", auto_offset_reset="earliest")
    assert len(cluster.poll("charts", "x1", max_records=100)) == 20  # unaffected by billing
    assert cluster.groups["billing"].committed == {0: 5}
    assert cluster.join_group("late", "plays", "l1") == {"l1": [0, 1]}
    assert cluster.poll("late", "l1", max_records=100) == []  # default reset: latest
    with pytest.raises(kafka.NonEmptyGroup):
        cluster.reset_offsets("charts", to="earliest")
    cluster.leave_group("charts", "x1")
    # records are 1 s apart: the first at or after +3.5 s is offset 4
    assert cluster.reset_offsets("charts", to="timestamp", t_ms=T0 + 3_500) == {0: 4, 1: 4}
    cluster.join_group("charts", "plays", "x1")
    replay = cluster.poll("charts", "x1", max_records=100)
    assert len(replay) == 12 and cluster.groups["charts"].duplicates == 0
    cluster.leave_group("charts", "x1")
    assert cluster.reset_offsets("charts", to="offset", offset=99) == {0: 10, 1: 10}
    assert cluster.reset_offsets("charts", to="earliest") == {0: 0, 1: 0}
    assert cluster.offset_for_time("plays", 0, T0 + 4_000) == 4  # at or after: 4 is at +4 s
    assert cluster.offset_for_time("plays", 0, T0 + 60_000) == 10  # none that late: log end


# --- MSK metadata mode -------------------------------------------------------------------------


def test_msk_metadata_mode_follows_the_facts_table(monkeypatch) -> None:
    assert kafka.msk_metadata_mode("2.8.1").modes == ("ZooKeeper",)
    both = kafka.msk_metadata_mode("3.7.x")
    assert both.modes == ("ZooKeeper", "KRaft") and both.default == "KRaft"
    assert kafka.msk_metadata_mode("4.0.x").modes == ("KRaft",)
    real = facts.fact("msk.metadata_mode")
    later = real.changed.replace("KRaft with Kafka 3.7", "KRaft with Kafka 3.9")
    monkeypatch.setattr(facts, "fact", lambda _id: dataclasses.replace(real, changed=later))
    assert kafka.msk_metadata_mode("3.8.x").modes == ("ZooKeeper",)
    monkeypatch.setattr(facts, "fact", lambda _id: dataclasses.replace(real, changed="moved"))
    with pytest.raises(FactsFileError):
        kafka.msk_metadata_mode("3.8.x")


# --- the vectorised simulation -----------------------------------------------------------------


def test_simulation_counts_partitions_order_and_is_deterministic() -> None:
    devices = list(range(12))
    suffixed = [f"{d}-{s}" for s in range(3) for d in devices]
    w = workload(6_000, suffixed, devices=devices * 3)  # 100 records a second for a minute

    def run() -> kafka.SimulationResult:
        # three consumers that can barely keep up: queues, and so delays, differ per partition
        return kafka.simulate(
            w, 6, 3, 50, crash_at_ms=T0 + 30_000, rng=np.random.default_rng(7),
            consumer_records_per_s=40.0,
        )  # fmt: skip

    first, again = run(), run()
    for field in dataclasses.fields(first):
        a, b = getattr(first, field.name), getattr(again, field.name)
        assert np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b, field.name
    expected = np.bincount(kafka.partitions_for_keys(w.key, 6), minlength=6)
    assert first.records_per_partition.tolist() == expected.tolist()
    assert first.key_order_violations == 0  # one key, one partition, one reader at a time
    assert first.device_order_violations > 0  # a device spread over three keys loses its order
    assert first.lag_records[-1] == 0 and first.skew >= 1.0


def test_simulated_crash_duplicates_exactly_the_uncommitted_records() -> None:
    w = workload(2_000, ["a", "b", "c", "d", "e"], step_ms=10)
    crash, commit_every, seed = T0 + 7_005, 8, 3
    result = kafka.simulate(
        w, 2, 2, commit_every, crash_at_ms=crash, rng=np.random.default_rng(seed),
        consumer_records_per_s=1_000.0,
    )  # fmt: skip
    crashed = int(np.random.default_rng(seed).integers(2))
    assert result.crashed_consumer == crashed
    assert result.assignment == {0: [0], 1: [1]}
    assert result.assignment_after == {1 - crashed: [0, 1]}
    # records arrive 10 ms apart and take 1 ms each: no queue, done 1 ms after arrival
    mine = kafka.partitions_for_keys(w.key, 2) == crashed
    processed = int((mine & (w.t_ms + 1 <= crash)).sum())
    assert result.duplicates == processed % commit_every > 0
    quiet = kafka.simulate(w, 2, 2, commit_every, consumer_records_per_s=1_000.0)
    assert quiet.duplicates == 0 and quiet.crashed_consumer is None


def test_simulated_retention_limits_what_a_reset_can_replay() -> None:
    w = workload(1_000, [f"k{i}" for i in range(7)], step_ms=1_000)  # 1,000 s of records
    assert kafka.simulate(w, 3, 1, 10).replayable_records == 1_000  # within the default week
    kept = kafka.simulate(w, 3, 1, 10, segment_records=50, retention_ms=100_000)
    part = kafka.partitions_for_keys(w.key, 3)
    expected = 0
    for p in range(3):
        times = w.t_ms[part == p]
        for start in range(0, len(times), 50):
            newest = times[start : start + 50].max()
            expected += len(times[start : start + 50]) * (w.t_ms[-1] - newest <= 100_000)
    assert 0 < kept.replayable_records == expected < 1_000
    with pytest.raises(kafka.InvalidConfig):
        kafka.simulate(w, 2, 1, 10, crash_at_ms=T0, rng=np.random.default_rng(0))
