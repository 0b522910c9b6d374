"""Row and columnar storage formats, measured on the same processed plays table.

The processed data (plays joined with tracks, the ``processed_data`` view of
lessons.datafiles) is written as CSV, JSON lines, Parquet with four codecs and ORC; each function
returns a tidy pandas table of what it measured: size on disk, the anatomy of a Parquet file (row
groups, column chunks, statistics, encodings), the bytes a reader actually pulls from a file to
get one column, and the cost of the two classic access patterns — fetch one whole row by id
(OLTP) and aggregate one column over every row (OLAP).

Bytes read are counted by handing the readers (pyarrow's CSV, JSON, Parquet and ORC readers) a
file object that adds up every byte they ask for, so the numbers are what the reader did, not
what the format promises.

Fidelity: Athena and Glue read these formats with their own readers; the file layouts are the
standard ones (Parquet row groups and column chunks, ORC stripes, newline-delimited JSON), so
which bytes a query needs is the same. Athena bills bytes scanned much as counted here (whole
text files; only the needed column chunks of Parquet and ORC), but real readers also coalesce
nearby reads and cache footers. The OLTP row store is modelled as a row file plus an index of byte
offsets (what a database's primary-key index gives); the same id → row-number index is given to
every format, so the comparison is about layout alone. Timings are wall-clock measurements on
this machine and vary run to run; byte counts are deterministic.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.orc as paorc
import pyarrow.parquet as pq

from lessons.data import DatasetConfig, generate_plays, generate_tracks
from lessons.datafiles import connect_tables
from lessons.errors import LabError

ROW_FORMATS = ("csv", "jsonl")
COLUMN_FORMATS = ("parquet", "orc")
SUFFIX = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet", "orc": ".orc"}
CODECS = {"parquet": ("none", "snappy", "gzip", "zstd"), "orc": ("none", "snappy", "zstd")}


class FormatError(LabError):
    """An unknown format, codec or column."""


@dataclass(frozen=True)
class Variant:
    """One way to store the table: a format and (for the columnar ones) a compression codec."""

    fmt: str
    codec: str = "none"

    def __post_init__(self) -> None:
        if self.fmt not in SUFFIX:
            raise FormatError(f"Unknown format {self.fmt!r}; choose from {', '.join(SUFFIX)}.")
        allowed = CODECS.get(self.fmt, ("none",))
        if self.codec not in allowed:
            choices = ", ".join(allowed)
            raise FormatError(f"{self.fmt} cannot use codec {self.codec!r}; choose {choices}.")

    @property
    def name(self) -> str:
        return self.fmt if self.fmt in ROW_FORMATS else f"{self.fmt}-{self.codec}"

    @property
    def layout(self) -> str:
        return "row" if self.fmt in ROW_FORMATS else "column"

    @property
    def file_name(self) -> str:
        return f"plays-{self.name}{SUFFIX[self.fmt]}"


VARIANTS = (
    Variant("csv"),
    Variant("jsonl"),
    *(Variant("parquet", codec) for codec in CODECS["parquet"]),
    Variant("orc", "zstd"),
)


@dataclass(frozen=True)
class Layout:
    """How big the internal blocks are: Parquet row groups (rows) and ORC stripes (bytes)."""

    row_group_rows: int = 25_000
    orc_stripe_bytes: int = 1 << 20


def processed_plays(config: DatasetConfig | None = None) -> pa.Table:
    """The processed_data table (plays joined with tracks) for a seeded dataset, in event order."""
    config = config or DatasetConfig()
    con = connect_tables(generate_plays(config), generate_tracks(config))
    # Joins run in parallel; a total order keeps the bytes written identical run to run.
    return con.execute("SELECT * FROM processed_data ORDER BY device_ts, uuid").arrow().read_all()


def write_variant(
    table: pa.Table, folder: Path, variant: Variant, layout: Layout = Layout()
) -> Path:
    """Write `table` in one format; returns the file written."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / variant.file_name
    if variant.fmt == "parquet":
        pq.write_table(table, path, compression=variant.codec, row_group_size=layout.row_group_rows)
    elif variant.fmt == "orc":
        compression = "uncompressed" if variant.codec == "none" else variant.codec
        paorc.write_table(table, path, compression=compression, stripe_size=layout.orc_stripe_bytes)
    elif variant.fmt == "csv":
        pacsv.write_csv(table, path)
    else:
        # One thread keeps DuckDB's JSON writer in row order, so the file is reproducible.
        con = duckdb.connect(config={"threads": 1, "autoinstall_known_extensions": False})
        con.register("rows_to_write", table)
        con.execute(f"COPY rows_to_write TO '{path.as_posix()}' (FORMAT json)")
        con.close()
    return path


def write_variants(
    table: pa.Table,
    folder: Path,
    variants: Sequence[Variant] = VARIANTS,
    layout: Layout = Layout(),
) -> dict[Variant, Path]:
    """Write every variant into `folder`."""
    return {v: write_variant(table, folder, v, layout) for v in variants}


def sizes(files: dict[Variant, Path]) -> pd.DataFrame:
    """Size on disk of each variant, and how it compares with CSV."""
    rows = [
        {"variant": v.name, "format": v.fmt, "codec": v.codec, "layout": v.layout,
         "bytes": p.stat().st_size}
        for v, p in files.items()
    ]  # fmt: skip
    table = pd.DataFrame(rows)
    csv = table.loc[table["format"] == "csv", "bytes"]
    table["vs_csv"] = (table["bytes"] / csv.iloc[0]).round(3) if len(csv) else np.nan
    return table.sort_values("bytes", ascending=False, ignore_index=True)


# --- Parquet anatomy ---------------------------------------------------------------------------


def row_groups(path: Path) -> pd.DataFrame:
    """One line per row group: rows and bytes before/after compression."""
    meta = pq.read_metadata(path)
    return pd.DataFrame(
        [
            {
                "row_group": i,
                "rows": meta.row_group(i).num_rows,
                "compressed_bytes": sum(
                    meta.row_group(i).column(c).total_compressed_size
                    for c in range(meta.num_columns)
                ),
                "uncompressed_bytes": meta.row_group(i).total_byte_size,
            }
            for i in range(meta.num_row_groups)
        ]
    )


def _stat(value: object) -> object:
    return value.isoformat(sep=" ") if hasattr(value, "isoformat") else value


def column_chunks(path: Path) -> pd.DataFrame:
    """One line per column chunk: codec, encodings, dictionary page, bytes and min/max."""
    meta = pq.read_metadata(path)
    rows = []
    for g in range(meta.num_row_groups):
        for c in range(meta.num_columns):
            chunk = meta.row_group(g).column(c)
            stats = chunk.statistics if chunk.is_stats_set else None
            has_minmax = stats is not None and stats.has_min_max
            dictionary = chunk.has_dictionary_page
            rows.append({
                "row_group": g,
                "column": chunk.path_in_schema,
                "type": chunk.physical_type,
                "codec": chunk.compression.lower(),
                "encodings": ", ".join(chunk.encodings),
                "dictionary": dictionary,
                "dictionary_bytes": (
                    chunk.data_page_offset - chunk.dictionary_page_offset if dictionary else 0
                ),
                "compressed_bytes": chunk.total_compressed_size,
                "uncompressed_bytes": chunk.total_uncompressed_size,
                "min": _stat(stats.min) if has_minmax else None,
                "max": _stat(stats.max) if has_minmax else None,
                "nulls": stats.null_count if stats is not None else None,
            })  # fmt: skip
    return pd.DataFrame(rows)


def column_totals(path: Path) -> pd.DataFrame:
    """Bytes per column over all row groups, with the compression ratio each column got."""
    chunks = column_chunks(path)
    totals = chunks.groupby("column", sort=False)[["compressed_bytes", "uncompressed_bytes"]].sum()
    totals["ratio"] = (totals["uncompressed_bytes"] / totals["compressed_bytes"]).round(2)
    totals["share_of_file"] = (totals["compressed_bytes"] / path.stat().st_size).round(3)
    return totals.reset_index()


# --- counting the bytes a reader pulls -------------------------------------------------------


class CountingFile(io.RawIOBase):
    """A read-only file that counts the bytes and calls readers make through it."""

    def __init__(self, path: Path) -> None:
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.bytes_read = 0
        self.calls = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def readinto(self, buffer: bytearray | memoryview) -> int:
        count = self._file.readinto(buffer) or 0
        self.bytes_read += count
        self.calls += 1
        return count

    def reset(self) -> None:
        """Start counting again (after opening a file's footer, say)."""
        self.bytes_read = 0
        self.calls = 0

    def close(self) -> None:
        self._file.close()
        super().close()


def _check_column(table_columns: Sequence[str], column: str) -> None:
    if column not in table_columns:
        raise FormatError(f"No column {column!r}; the table has {', '.join(table_columns)}.")


@dataclass(frozen=True)
class ColumnRead:
    """One column read from a file, and the bytes the reader pulled to get it."""

    values: pa.Array
    footer_bytes: int  # metadata read on opening a columnar file (schema, block positions)
    data_bytes: int

    @property
    def bytes_read(self) -> int:
        return self.footer_bytes + self.data_bytes


def _read_text_column(handle: CountingFile, variant: Variant, column: str) -> pa.Table:
    try:
        if variant.fmt == "csv":
            options = pacsv.ConvertOptions(include_columns=[column])
            return pacsv.read_csv(handle, convert_options=options)
        # JSON lines: a reader has to parse every whole line to find one field.
        data = pajson.read_json(handle)
    except (pa.ArrowKeyError, pa.ArrowInvalid) as exc:
        raise FormatError(f"No column {column!r} in this {variant.fmt} file ({exc}).") from exc
    _check_column(data.column_names, column)
    return data.select([column])


def read_column(path: Path, variant: Variant, column: str) -> ColumnRead:
    """Read one column the way each format allows, counting the bytes pulled from disk."""
    with CountingFile(path) as handle:
        if variant.fmt == "parquet":
            reader = pq.ParquetFile(handle, pre_buffer=False)
            names = reader.schema_arrow.names
        elif variant.fmt == "orc":
            reader = paorc.ORCFile(handle)
            names = reader.schema.names
        else:
            data = _read_text_column(handle, variant, column)
            return ColumnRead(data.column(0).combine_chunks(), 0, handle.bytes_read)
        _check_column(names, column)
        footer = handle.bytes_read
        handle.reset()
        data = reader.read(columns=[column])
        return ColumnRead(data.column(0).combine_chunks(), footer, handle.bytes_read)


def one_column_reads(files: dict[Variant, Path], column: str) -> pd.DataFrame:
    """For `SELECT <column>`: the bytes each variant's reader pulled, against the file size."""
    rows = []
    for variant, path in files.items():
        read = read_column(path, variant, column)
        size = path.stat().st_size
        rows.append({
            "variant": variant.name, "layout": variant.layout, "file_bytes": size,
            "footer_bytes": read.footer_bytes, "data_bytes": read.data_bytes,
            "bytes_read": read.bytes_read, "share_read": round(read.bytes_read / size, 4),
        })  # fmt: skip
    return pd.DataFrame(rows)


def column_chunk_bytes(path: Path, column: str) -> int:
    """The compressed bytes of one column's chunks, summed over every row group."""
    chunks = column_chunks(path)
    _check_column(list(chunks["column"].unique()), column)
    return int(chunks.loc[chunks["column"] == column, "compressed_bytes"].sum())


def layout_cells(table: pa.Table, column: str, rows: int = 4) -> pd.DataFrame:
    """The first cells of `table` in the order a row file and a column file store them.

    `touched` marks what a reader must go through for `SELECT <column>`: every cell in a row
    file (fields are interleaved and rows have varying lengths), only that column's run in a
    column file.
    """
    _check_column(table.column_names, column)
    head = table.slice(0, rows).to_pylist()
    names = table.column_names
    cells = []
    for layout, order in (
        ("row", [(r, c) for r in range(len(head)) for c in names]),
        ("column", [(r, c) for c in names for r in range(len(head))]),
    ):
        for position, (r, c) in enumerate(order):
            touched = layout == "row" or c == column
            cells.append({"layout": layout, "position": position, "row": r, "column": c,
                          "value": str(head[r][c]), "touched": touched})  # fmt: skip
    return pd.DataFrame(cells)


# --- OLTP vs OLAP ----------------------------------------------------------------------------


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
