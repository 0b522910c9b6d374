"""Counting the bytes a reader pulls: :class:`CountingFile` hands pyarrow's readers a file that
adds up every byte they ask for, so reading one column shows what each format makes a reader
touch (the footer and one column's chunks, or every line of a text file).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.orc as paorc
import pyarrow.parquet as pq

from lessons.lake.formats.variants import FormatError, Variant, _check_column


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
