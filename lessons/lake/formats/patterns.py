"""OLTP against OLAP on each variant: fetching whole rows by id through the same id-to-row index
(byte offsets for row files, row groups or stripes for columnar ones) and summing one column
over every row, with the bytes each pulls and the median time a given timer measures.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.orc as paorc
import pyarrow.parquet as pq

from lessons.lake.formats.reads import CountingFile, read_column
from lessons.lake.formats.variants import Variant, _check_column


def line_offsets(path: Path, header: bool) -> np.ndarray:
    """Byte offset where each data line starts, plus the end of the file (a row file's index)."""
    data = np.frombuffer(path.read_bytes(), dtype=np.uint8)
    starts = np.concatenate(([0], np.flatnonzero(data == ord("\n")) + 1))
    if starts[-1] != data.size:
        starts = np.append(starts, data.size)
    return starts[1:] if header else starts


def _median_seconds(
    action: Callable[[], object], repeats: int, timer: Callable[[], float]
) -> float:
    timings = []
    for _ in range(repeats):
        began = timer()
        action()
        timings.append(timer() - began)
    return float(np.median(timings))


@dataclass(frozen=True)
class Access:
    """What one access pattern cost on one file."""

    variant: str
    layout: str
    pattern: str
    bytes_read: float
    seconds: float


def _row_fetcher(path: Path, variant: Variant) -> Callable[[int], tuple[object, int]]:
    offsets = line_offsets(path, header=variant.fmt == "csv")
    handle = CountingFile(path)
    with path.open() as text:
        names = next(csv.reader([text.readline()])) if variant.fmt == "csv" else []

    def fetch(n: int) -> tuple[object, int]:
        handle.reset()
        handle.seek(int(offsets[n]))
        line = handle.read(int(offsets[n + 1] - offsets[n])).decode()
        row = dict(zip(names, next(csv.reader([line])), strict=True)) if names else json.loads(line)
        return row, handle.bytes_read

    return fetch


def _columnar_fetcher(path: Path, variant: Variant) -> Callable[[int], tuple[object, int]]:
    handle = CountingFile(path)
    if variant.fmt == "parquet":
        reader = pq.ParquetFile(handle, pre_buffer=False)
        sizes = [reader.metadata.row_group(i).num_rows for i in range(reader.num_row_groups)]
        read_block = reader.read_row_group
    else:
        reader = paorc.ORCFile(handle)
        # ORC keeps per-stripe row counts in its footer; reading each stripe once finds them.
        sizes = [reader.read_stripe(i).num_rows for i in range(reader.nstripes)]
        read_block = reader.read_stripe
    ends = np.cumsum(sizes)

    def fetch(n: int) -> tuple[object, int]:
        handle.reset()  # the footer is read once when the file is opened, as engines cache it
        block = int(np.searchsorted(ends, n, side="right"))
        data = read_block(block)
        first = int(ends[block] - sizes[block])
        return data.slice(n - first, 1).to_pylist()[0], handle.bytes_read

    return fetch


def _aggregate(path: Path, variant: Variant, column: str) -> tuple[float, int]:
    read = read_column(path, variant, column)
    return float(pc.sum(read.values).as_py()), read.bytes_read


def access_patterns(
    files: dict[Variant, Path],
    table: pa.Table,
    key: str = "uuid",
    column: str = "track_id",
    lookups: int = 20,
    seed: int = 0,
    repeats: int = 3,
    timer: Callable[[], float] = time.perf_counter,
) -> pd.DataFrame:
    """OLTP (fetch whole rows by `key`) and OLAP (sum `column`) on each file, bytes and time.

    Bytes are deterministic; seconds come from `timer` (pass a fake clock to test without time).
    """
    _check_column(table.column_names, key)
    _check_column(table.column_names, column)
    rng = np.random.default_rng(seed)
    keys = [table.column(key)[int(i)].as_py() for i in rng.choice(table.num_rows, lookups)]
    # The primary-key index every variant gets: id → row number.
    index = {k: i for i, k in enumerate(table.column(key).to_pylist())}
    results = []
    for variant, path in files.items():
        fetch = (_row_fetcher if variant.layout == "row" else _columnar_fetcher)(path, variant)
        read = [fetch(index[k])[1] for k in keys]
        seconds = (
            _median_seconds(lambda f=fetch: [f(index[k]) for k in keys], repeats, timer) / lookups
        )
        results.append(Access(variant.name, variant.layout, "OLTP: one row by id",
                              float(np.mean(read)), seconds))  # fmt: skip
        _, olap_bytes = _aggregate(path, variant, column)
        olap_s = _median_seconds(lambda v=variant, p=path: _aggregate(p, v, column), repeats, timer)
        results.append(Access(variant.name, variant.layout, f"OLAP: sum({column})",
                              float(olap_bytes), olap_s))  # fmt: skip
    return pd.DataFrame([r.__dict__ for r in results])
