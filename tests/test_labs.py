"""The shared Streams experiments behind notebook 02 and the app's Streams page."""

from __future__ import annotations

import pytest

from lessons import facts
from lessons.data import DatasetConfig, generate_plays, generate_tracks
from lessons.streams import labs
from lessons.streams.errors import InvalidArgumentException, LimitExceededException
from lessons.streams.workload import workload_from_plays


@pytest.fixture(scope="module")
def plays():
    return generate_plays(DatasetConfig(rows=20_000, seed=6))


def test_hash_picture_places_keys_inside_their_shard() -> None:
    shards, placed = labs.hash_picture(["a", "b", "device-7"], 4)
    assert shards["start_fraction"].iloc[0] == 0 and shards["end_fraction"].iloc[-1] == 1
    bounds = shards.set_index("shard_id")
    for row in placed.itertuples():
        assert bounds.loc[row.shard_id, "start_fraction"] <= row.fraction
        assert row.fraction < bounds.loc[row.shard_id, "end_fraction"]


@pytest.mark.parametrize(
    "keys, shards, error",
    [
        ([""], 2, InvalidArgumentException),
        (["x" * (int(facts.number("kinesis.partition_key_max_chars")) + 1)], 2,
         InvalidArgumentException),
        (["a"], 0, InvalidArgumentException),
        (["a"], 10**9, LimitExceededException),
    ],
)  # fmt: skip
def test_hash_picture_refuses_what_kinesis_refuses(keys, shards, error) -> None:
    with pytest.raises(error):
        labs.hash_picture(keys, shards)


def test_splitting_the_busiest_shard_adds_one_and_relieves_a_spread_key(plays) -> None:
    busy = workload_from_plays(plays, "device_id", speedup=40_000)
    before = labs.throughput_run(busy, 2)
    after = labs.throughput_run(busy, 2, split_hottest=True)
    assert len(after.ranges) == 3
    assert after.throttled_percent < before.throttled_percent
    load = labs.per_second_load(after.result, busiest=2)
    assert set(load.columns) >= {"second", "shard_id", "load"}
    assert load["shard_id"].nunique() == 2


def test_buffering_table_runs_from_the_smallest_to_the_largest_buffer(plays) -> None:
    hour = workload_from_plays(plays, "device_id", tracks=generate_tracks(), speedup=168)
    table = labs.buffering_table(hour)
    settings = labs.default_buffer_settings()
    assert settings[0][0] == facts.number("firehose.buffer_size_min_mib")
    assert settings[-1][0] == facts.number("firehose.buffer_size_max_mib")
    assert table["objects"].is_monotonic_decreasing
    assert table["latency_p50_s"].is_monotonic_increasing
    assert table["objects"].iloc[0] == len(hour), "zero buffering delivers each record alone"
