"""The ways to store the processed plays table (a format and, for the columnar ones, a codec),
the block sizes inside columnar files, the seeded table itself, and writing every variant to
disk with its size compared with CSV.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
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


def _check_column(table_columns: Sequence[str], column: str) -> None:
    if column not in table_columns:
        raise FormatError(f"No column {column!r}; the table has {', '.join(table_columns)}.")
