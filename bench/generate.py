"""Dataset generation speed: rows per second for 1M and 10M rows written to Parquet.

Prints a table and the ratio against the target of 1M rows/s on this 2-core machine.
Run with `make bench` (or `python bench/generate.py --sizes 1000000`).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from lessons.data import DatasetConfig, generate_plays
from lessons.datafiles import WriteOptions, write_dataset

TARGET_ROWS_PER_S = 1_000_000


def measure(rows: int, folder: Path) -> tuple[float, float, int]:
    """Seconds to generate in memory, seconds to generate + write Parquet, and bytes written."""
    config = DatasetConfig(rows=rows, seed=1, duplicate_fraction=0.01, late_fraction=0.02)
    began = time.perf_counter()
    generate_plays(config)
    in_memory = time.perf_counter() - began
    began = time.perf_counter()
    write_dataset(folder / f"bench-{rows}", config, WriteOptions(formats=("parquet",)))
    written = time.perf_counter() - began
    size = sum(p.stat().st_size for p in (folder / f"bench-{rows}").rglob("*") if p.is_file())
    return in_memory, written, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="comma list of row counts")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pipeline-lab-bench-"))
    print(f"{'rows':>12} {'generate s':>11} {'+parquet s':>11} {'rows/s':>12} {'MB':>8} "
          f"{'vs target':>10}")  # fmt: skip
    try:
        for rows in (int(s) for s in args.sizes.split(",")):
            in_memory, written, size = measure(rows, folder)
            rate = rows / written
            print(f"{rows:>12,} {in_memory:>11.2f} {written:>11.2f} {rate:>12,.0f} "
                  f"{size / 1e6:>8.1f} {rate / TARGET_ROWS_PER_S:>9.2f}x")  # fmt: skip
            shutil.rmtree(folder / f"bench-{rows}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
