"""Small experiments shared by the Streams lessons and the app's Streams page.

Each function runs one experiment from the models and returns tables ready to chart, so a
notebook cell and an app tab show the same measurement from the same code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lessons import facts
from lessons.streams import firehose, kinesis, kinesis_sim
from lessons.streams.workload import Workload


def default_buffer_settings() -> tuple[tuple[float, float], ...]:
    """(buffer MiB, interval s) pairs from the smallest to the largest Firehose allows."""
    smallest, largest = (
        facts.number("firehose.buffer_size_min_mib"),
        facts.number("firehose.buffer_size_max_mib"),
    )
    longest = facts.number("firehose.buffer_interval_max_s")
    return (
        (smallest, facts.number("firehose.buffer_interval_min_s")),
        (smallest, 60),
        (facts.number("firehose.buffer_size_default_mib"),
         facts.number("firehose.buffer_interval_default_s")),
        (64, longest),
        (largest, longest),
    )  # fmt: skip


def hash_picture(keys: list[str], shard_count: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shards of an evenly split stream and where each key lands, as fractions of the space.

    Raises InvalidArgumentException for a key Kinesis would refuse (empty or too long).
    """
    kinesis.check_shard_count(shard_count)
    for key in keys:
        kinesis.check_partition_key(key)
    ranges = kinesis.even_hash_ranges(shard_count)
    space = kinesis.hash_space()
    shards = pd.DataFrame(
        {
            "shard_id": [f"shard {i}" for i in range(shard_count)],
            "start_fraction": [start / space for start, _ in ranges],
            "end_fraction": [(end + 1) / space for _, end in ranges],
        }
    )
    landed = kinesis_sim.shard_index_for_keys(np.array(keys, dtype=object), ranges)
    placed = pd.DataFrame(
        {
            "key": keys,
            "fraction": [kinesis.hash_key(k) / space for k in keys],
            "shard_id": [f"shard {i}" for i in landed],
        }
    )
    return shards, placed


@dataclass(frozen=True)
class ThroughputRun:
    """One write simulation, and the shard layout it ran on."""

    result: kinesis_sim.WriteResult
    ranges: list[tuple[int, int]]
    throttled_percent: float


def throughput_run(
    workload: Workload, shard_count: int, split_hottest: bool = False, seed: int = 0
) -> ThroughputRun:
    """Write the workload to `shard_count` even shards, optionally after splitting the busiest."""
    ranges = kinesis.even_hash_ranges(shard_count)
    if split_hottest:
        first = kinesis_sim.simulate_writes(workload, shard_count, rng=np.random.default_rng(seed))
        hottest = int(np.argmax(first.records_per_shard.sum(axis=0)))
        ranges = kinesis_sim.split_range(ranges, hottest)
    result = kinesis_sim.simulate_writes(
        workload, hash_ranges=ranges, rng=np.random.default_rng(seed)
    )
    return ThroughputRun(result, ranges, 100 * result.throttled_records / len(workload))


def per_second_load(result: kinesis_sim.WriteResult, busiest: int = 4) -> pd.DataFrame:
    """Accepted records per second of the `busiest` shards: columns second, shard_id, load."""
    frame = pd.DataFrame(result.records_per_shard).rename_axis("second").reset_index()
    long = frame.melt(id_vars="second", var_name="shard", value_name="load")
    long["shard_id"] = "shard " + long["shard"].astype(str)
    top = long.groupby("shard_id")["load"].sum().nlargest(busiest).index
    return long[long["shard_id"].isin(top)]


def buffering_table(
    workload: Workload,
    settings: tuple[tuple[float, float], ...] | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Objects, object size and delay for each (buffer MiB, interval s) Firehose setting."""
    rows = []
    for size_mib, interval_s in settings or default_buffer_settings():
        delivery = firehose.simulate_delivery(
            workload, size_mib, interval_s, rng=np.random.default_rng(seed)
        )
        rows.append(
            {
                "setting": f"{size_mib:g} MiB / {interval_s:g} s",
                "objects": len(delivery.keys),
                "mean object KiB": round(float(delivery.bytes.mean()) / 1024, 1),
                "latency_p50_s": round(float(np.median(delivery.latency_ms)) / 1000, 1),
                "flushed by size": int(delivery.by_size.sum()),
            }
        )
    return pd.DataFrame(rows)
