"""1M play events through each streaming model; prints seconds and records per second.

Target (issue: streaming lessons): a few seconds per model on this 2-core machine.
Run with `make bench` or `python bench/streams.py --rows 1000000`.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from lessons.data import DatasetConfig, generate_plays, generate_tracks
from lessons.streams import compare, firehose, kafka, kinesis_sim, sqs_sim
from lessons.streams.workload import Workload, workload_from_plays

TARGET_SECONDS = 5.0


def timed(run: Callable[[], object]) -> float:
    began = time.perf_counter()
    run()
    return time.perf_counter() - began


def cases(w: Workload) -> dict[str, Callable[[], object]]:
    rng = np.random.default_rng
    return {
        "Kinesis writes, 8 shards": lambda: kinesis_sim.simulate_writes(w, 8, rng=rng(0)),
        "Kinesis writes, on-demand": lambda: kinesis_sim.simulate_writes(
            w, capacity_mode="on-demand", rng=rng(0)
        ),
        "Firehose delivery, 5 MiB / 300 s": lambda: firehose.simulate_delivery(w, 5, 300),
        "SQS standard, 4 consumers": lambda: sqs_sim.simulate_consumers(
            w, False, 4, 2.0, 0.01, 30, 5, rng(0)
        ),
        "SQS FIFO, 4 consumers": lambda: sqs_sim.simulate_consumers(
            w, True, 4, 2.0, 0.01, 30, 5, rng(0)
        ),
        "Kafka, 12 partitions, crash": lambda: kafka.simulate(
            w, 12, 4, 100, crash_at_ms=int(w.t_ms[len(w) // 2]), rng=rng(0)
        ),
        "All four compared (sum of the above)": lambda: compare.compare_services(w),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    plays = generate_plays(DatasetConfig(rows=args.rows, seed=1, duplicate_fraction=0.01))
    began = time.perf_counter()
    workload = workload_from_plays(plays, "device_id", tracks=generate_tracks(), speedup=168)
    print(f"workload of {len(workload):,} records built in {time.perf_counter() - began:.2f} s")
    print(f"{'model':<36} {'seconds':>8} {'records/s':>12} {'vs target':>10}")
    for name, run in cases(workload).items():
        seconds = timed(run)
        print(f"{name:<36} {seconds:>8.2f} {len(workload) / seconds:>12,.0f} "
              f"{TARGET_SECONDS / seconds:>9.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
