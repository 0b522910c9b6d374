"""Firehose model: buffering by size or time, S3 key layout, validation, and moto's behaviour."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import numpy as np
import pytest

from lessons import facts, localaws
from lessons.data import DatasetConfig, generate_plays
from lessons.streams import firehose
from lessons.streams.errors import InvalidArgumentException
from lessons.streams.firehose import DeliveryStream, simulate_delivery
from lessons.streams.workload import Workload, workload_from_plays

MIB = 2**20
KEY_LAYOUT = re.compile(
    r"^raw/(\d{4})/(\d{2})/(\d{2})/(\d{2})/[\w-]+-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:\.parquet)?$"
)
SIZE_MIN = facts.number("firehose.buffer_size_min_mib")
INTERVAL_MIN = facts.number("firehose.buffer_interval_min_s")


def make_workload(t_ms: list[int] | np.ndarray, size: object) -> Workload:
    t = np.asarray(t_ms, dtype=np.int64)
    n = len(t)
    return Workload(
        t_ms=t,
        event_ms=t.copy(),
        key=np.array(["k"] * n, dtype=object),
        size=np.broadcast_to(np.asarray(size, dtype=np.int32), (n,)).copy(),
        event_id=np.array([f"e{i}" for i in range(n)], dtype=object),
        device_id=np.zeros(n, dtype=np.int32),
    )


@pytest.fixture(scope="module")
def plays():
    return generate_plays(DatasetConfig(rows=30_000, seed=3))


@pytest.fixture(scope="module")
def plays_workload(plays) -> Workload:
    return workload_from_plays(plays, speedup=168)


def test_bigger_buffers_give_fewer_larger_objects_and_higher_latency(plays_workload) -> None:
    runs = [simulate_delivery(plays_workload, s, i) for s, i in ((1, 60), (1, 300), (5, 900))]
    counts = [len(d) for d in runs]
    mean_sizes = [d.bytes.mean() for d in runs]
    latencies = [np.median(d.latency_ms) for d in runs]
    assert counts[0] > counts[1] > counts[2]
    assert mean_sizes[0] < mean_sizes[1] < mean_sizes[2]
    assert latencies[0] < latencies[1] < latencies[2]
    for d in runs:  # nothing lost, nothing invented
        assert d.records.sum() == len(plays_workload)
        assert d.bytes.sum() == plays_workload.size.sum()


def test_size_hint_flushes_with_the_record_that_fills_the_buffer() -> None:
    quarter = MIB // 4
    work = make_workload(np.arange(10) * 100, quarter)  # a quarter MiB every 100 ms
    d = DeliveryStream(buffer_size_mib=1, buffer_interval_s=60).simulate_delivery(work)
    assert d.records.tolist() == [4, 4, 2]
    assert d.by_size.tolist() == [True, True, False]
    assert d.delivered_ms.tolist() == [300, 700, 800 + 60_000]
    assert d.latency_ms.tolist() == [300, 200, 100, 0, 300, 200, 100, 0, 60_000, 59_900]


def test_a_buffer_that_fills_just_before_its_interval_is_flushed_by_size() -> None:
    work = make_workload(np.arange(8) * 1000, MIB // 4)  # the 4th record fills it at 3 s of 4
    d = DeliveryStream(buffer_size_mib=1, buffer_interval_s=4).simulate_delivery(work)
    assert d.by_size.tolist() == [True, True]
    assert d.delivered_ms.tolist() == [3000, 7000]


def test_interval_flushes_a_buffer_that_never_fills() -> None:
    work = make_workload(np.arange(12) * 1000, 100)  # 100 bytes a second
    d = DeliveryStream(buffer_size_mib=1, buffer_interval_s=5).simulate_delivery(work)
    assert d.records.tolist() == [5, 5, 2]
    assert not d.by_size.any()
    assert d.delivered_ms.tolist() == [5000, 10_000, 15_000]
    assert d.first_record_ms.tolist() == [0, 5000, 10_000]
    assert d.last_record_ms.tolist() == [4000, 9000, 11_000]
    assert d.latency_ms.max() == 5000 and d.latency_ms.min() == 1000


def test_keys_follow_the_default_layout_with_the_oldest_record_s_hour() -> None:
    just_before_hour = int(datetime(2026, 11, 2, 0, 59, 30, tzinfo=UTC).timestamp() * 1000)
    work = make_workload([just_before_hour, just_before_hour + 3_600_000], 100)
    d = simulate_delivery(work, buffer_size_mib=1, buffer_interval_s=60, prefix="raw/")
    first, second = (KEY_LAYOUT.match(k) for k in d.keys)
    assert first and second, d.keys
    assert first.groups() == ("2026", "11", "02", "00")  # record arrived 00:59:30 UTC
    assert "-2026-11-02-01-00-30-" in d.keys[0]  # delivered 01:00:30 UTC
    assert second.groups() == ("2026", "11", "02", "01")
    parquet = simulate_delivery(work, 1, 60, to_parquet=True)
    assert all(k.endswith(".parquet") for k in parquet.keys)


@pytest.mark.parametrize(
    ("size", "interval"),
    [
        (SIZE_MIN - 1, 60),
        (facts.number("firehose.buffer_size_max_mib") + 1, 60),
        (5, INTERVAL_MIN - 1),
        (5, facts.number("firehose.buffer_interval_max_s") + 1),
    ],
)
def test_buffering_hints_outside_the_api_range_are_refused(size: float, interval: float) -> None:
    with pytest.raises(InvalidArgumentException, match="BufferingHints"):
        DeliveryStream(buffer_size_mib=size, buffer_interval_s=interval)


def test_buffering_hints_at_the_range_ends_are_accepted() -> None:
    for fact_id in ("firehose.buffer_size_min_mib", "firehose.buffer_size_max_mib"):
        assert DeliveryStream(buffer_size_mib=facts.number(fact_id)).buffer_size_mib > 0
    for fact_id in ("firehose.buffer_interval_min_s", "firehose.buffer_interval_max_s"):
        stream = DeliveryStream(buffer_interval_s=facts.number(fact_id))
        assert stream.buffer_interval_s == facts.number(fact_id)


def test_defaults_come_from_the_facts() -> None:
    stream = DeliveryStream()
    assert stream.buffer_size_mib == facts.number("firehose.buffer_size_default_mib")
    assert stream.buffer_interval_s == facts.number("firehose.buffer_interval_default_s")


def test_records_over_the_firehose_limit_are_refused() -> None:
    too_big = facts.as_bytes("firehose.record_max_kib") + 1
    with pytest.raises(InvalidArgumentException):
        simulate_delivery(make_workload([0], too_big), 1, 60)


def test_same_seed_same_objects_other_seed_other_names(plays_workload) -> None:
    def run(seed: int):
        return simulate_delivery(plays_workload, 1, 60, rng=np.random.default_rng(seed))

    first, again, other = run(1), run(1), run(2)
    assert first.keys == again.keys
    assert first.keys != other.keys
    np.testing.assert_array_equal(first.bytes, other.bytes)
    np.testing.assert_array_equal(first.latency_ms, other.latency_ms)


def test_there_is_no_way_to_read_a_delivery_stream_again() -> None:
    for read in ("get_records", "get_shard_iterator", "receive_message", "poll"):
        assert not hasattr(DeliveryStream, read)


def test_parquet_objects_are_measured_and_smaller_than_json(plays, plays_workload) -> None:
    rows = plays.drop(["arrival_ts"])
    d = simulate_delivery(plays_workload, 1, 300, to_parquet=True, records=rows)
    as_json = simulate_delivery(plays_workload, 1, 300)
    assert len(d) <= firehose.EXACT_PARQUET_OBJECTS
    np.testing.assert_array_equal(d.records, as_json.records)
    assert d.bytes.sum() < as_json.bytes.sum() / 2
    assert d.bytes[0] == len(firehose.object_body(d, 0, rows))


def test_parquet_estimate_is_close_to_measuring_every_object(plays, plays_workload) -> None:
    rows = plays.drop(["arrival_ts"])
    many = simulate_delivery(plays_workload, 1, 10, to_parquet=True, records=rows)
    assert len(many) > firehose.EXACT_PARQUET_OBJECTS
    measured = sum(len(firehose.object_body(many, i, rows)) for i in range(len(many)))
    assert abs(many.bytes.sum() / measured - 1) < 0.1


def test_moto_writes_one_object_per_put_like_the_model_with_interval_zero() -> None:
    bodies = [f'{{"n":{i},"pad":"{"x" * i}"}}\n'.encode() for i in range(5)]
    s3, fh = localaws.client("s3"), localaws.client("firehose")
    try:
        s3.create_bucket(Bucket="lake")
        fh.create_delivery_stream(
            DeliveryStreamName="plays",
            ExtendedS3DestinationConfiguration={
                "RoleARN": "arn:aws:iam::123456789012:role/firehose",
                "BucketARN": "arn:aws:s3:::lake",
                "Prefix": "raw/",
                "BufferingHints": {"SizeInMBs": int(SIZE_MIN), "IntervalInSeconds": 0},
            },
        )
        for body in bodies:
            fh.put_record(DeliveryStreamName="plays", Record={"Data": body})
        listed = s3.list_objects_v2(Bucket="lake")["Contents"]
        moto_bodies = sorted(
            s3.get_object(Bucket="lake", Key=o["Key"])["Body"].read() for o in listed
        )
    finally:
        localaws.reset()
    work = make_workload(np.arange(5) * 10, [len(b) for b in bodies])
    d = DeliveryStream(
        name="plays", buffer_size_mib=SIZE_MIN, buffer_interval_s=0
    ).simulate_delivery(work)
    assert len(listed) == len(d) == len(bodies)  # moto never buffers: one object per call
    assert moto_bodies == sorted(bodies)
    assert sorted(o["Size"] for o in listed) == sorted(d.bytes.tolist())
    assert all(KEY_LAYOUT.match(o["Key"]) for o in listed)
    assert all(KEY_LAYOUT.match(k) for k in d.keys)
    assert d.latency_ms.tolist() == [0] * 5


def test_deliver_to_local_s3_writes_the_objects(plays, plays_workload) -> None:
    rows = plays.drop(["arrival_ts"])
    d = simulate_delivery(plays_workload, 1, 60)
    s3 = localaws.client("s3")
    try:
        written = firehose.deliver_to_local_s3(d, "plays-lake", rows, max_objects=3)
        listed = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="plays-lake")["Contents"])
        body = s3.get_object(Bucket="plays-lake", Key=written[0])["Body"].read()
    finally:
        localaws.reset()
    assert listed == sorted(written) == sorted(d.keys[:3])
    assert body.count(b"\n") == d.records[0]
    assert abs(len(body) / d.bytes[0] - 1) < 0.02  # the model's sizes are the JSON sizes
