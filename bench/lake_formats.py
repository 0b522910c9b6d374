"""Row vs columnar access and Iceberg compaction, timed; prints seconds and ratios.

What lessons 04 and 08 show in bytes (deterministic), measured here in time (machine-dependent):
OLTP lookups favour row files, OLAP scans favour columnar files, and compaction makes a full
scan of an Iceberg table faster because fewer files are opened.
Run with `make bench` or `python bench/lake_formats.py --rows 300000`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from lessons.data import DatasetConfig
from lessons.lake import formats, iceberg
from lessons.lake.formats import Variant


def _access(rows: int, folder: Path) -> None:
    table = formats.processed_plays(DatasetConfig(rows=rows, seed=4))
    variants = (
        Variant("csv"),
        Variant("jsonl"),
        Variant("parquet", "zstd"),
        Variant("orc", "zstd"),
    )
    began = time.perf_counter()
    files = formats.write_variants(table, folder, variants)
    print(f"wrote {rows:,} rows in {len(files)} formats in {time.perf_counter() - began:.1f} s")
    access = formats.access_patterns(files, table, lookups=50, repeats=5)
    print(access.to_string(index=False))
    seconds = access.set_index(["variant", "pattern"])["seconds"]
    oltp, olap = "OLTP: one row by id", "OLAP: sum(track_id)"
    print(
        f"lookup: parquet-zstd / csv = {seconds['parquet-zstd', oltp] / seconds['csv', oltp]:,.0f}x"
    )
    print(
        f"scan:   csv / parquet-zstd = {seconds['csv', olap] / seconds['parquet-zstd', olap]:,.0f}x"
    )


def _compaction(rows: int, batches: int, folder: Path) -> None:
    data = formats.processed_plays(DatasetConfig(rows=rows, seed=5))
    catalog = iceberg.open_catalog(folder / "iceberg")
    table = iceberg.create_table(catalog, data.schema)
    began = time.perf_counter()
    iceberg.append_in_batches(table, data, batches)
    print(f"{batches} Iceberg commits in {time.perf_counter() - began:.1f} s")
    con = iceberg.duckdb_connection()
    before = iceberg.scan_cost(con, table, repeats=5)
    began = time.perf_counter()
    result = iceberg.compact(table)
    print(f"compaction {result.files_before} -> {result.files_after} files in "
          f"{time.perf_counter() - began:.1f} s")  # fmt: skip
    after = iceberg.scan_cost(con, table, repeats=5)
    print(f"full scan: {before['seconds']:.4f} s before, {after['seconds']:.4f} s after "
          f"({before['seconds'] / after['seconds']:.1f}x)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--batches", type=int, default=42)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        _access(args.rows, Path(folder) / "formats")
        _compaction(args.rows, args.batches, Path(folder))


if __name__ == "__main__":
    main()
