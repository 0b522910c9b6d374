"""Dashboard interaction latency at 10M events: SPICE (in-memory import) vs direct query (lake).

An interaction re-renders all four visuals for one filter change. Prints the median and p95 per
mode over a seeded set of clicks, whether SPICE meets the 300 ms target, and the
SPICE/direct-query latency ratio. Run with `make bench` (or
`python bench/dashboard.py --rows 1000000`).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from lessons import facts
from lessons.data import DatasetConfig
from lessons.serving import processed, spice

TARGET_MS = 300


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--clicks", type=int, default=20)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="pipeline-lab-bench-dashboard-"))
    try:
        began = time.perf_counter()
        processed.write_processed_data(root, DatasetConfig(rows=args.rows, seed=1))
        glob = processed.processed_glob(root)
        print(f"wrote processed_data ({args.rows:,} plays) in {time.perf_counter() - began:.1f} s")
        start = spice.clock_of("2026-11-02")
        now = spice.clock_of("2026-11-11")  # after the last late play has arrived
        hourly = facts.as_seconds("quicksight.full_refresh_min_interval_minutes")
        dataset = spice.SpiceDataset(glob, spice.RefreshSchedule(hourly, first_at_s=start))
        began = time.perf_counter()
        imported = dataset.tick(now)
        print(f"SPICE import: {imported.rows:,} rows for {imported.plays:,} plays "
              f"in {time.perf_counter() - began:.1f} s")  # fmt: skip
        direct = spice.DirectQuery(glob)
        con = direct.con
        artists, devices, days = con.sql(
            f"SELECT list(DISTINCT artist_name), list(DISTINCT device_id), list(DISTINCT dt) "
            f"FROM read_parquet('{glob}', hive_partitioning = true)"
        ).fetchone()
        clicks = spice.sample_interactions(sorted(artists), sorted(devices), sorted(days),
                                           args.clicks, seed=7)  # fmt: skip
        spice.time_interactions(dataset.source(), clicks[:2])  # warm up both paths
        spice.time_interactions(direct.source(now), clicks[:2])
        table = spice.compare_modes(dataset, direct, now, clicks)
        print(table.to_string(index=False))
        spice_ms, direct_ms = table["median ms"].tolist()
        p95 = table["p95 ms"].iloc[0]
        verdict = "meets" if p95 < TARGET_MS else "MISSES"
        print(f"SPICE p95 {p95:.0f} ms {verdict} the {TARGET_MS} ms target")
        print(f"SPICE/direct-query median latency ratio: {spice_ms / direct_ms:.3f} "
              f"(direct query is {direct_ms / spice_ms:.1f}x slower)")  # fmt: skip
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
