"""The anatomy of a Parquet file, read from its footer: row groups, column chunks with their
codec, encodings, dictionary page, sizes and min/max statistics, and the bytes each column
takes over the whole file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from lessons.lake.formats.variants import _check_column


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


def column_chunk_bytes(path: Path, column: str) -> int:
    """The compressed bytes of one column's chunks, summed over every row group."""
    chunks = column_chunks(path)
    _check_column(list(chunks["column"].unique()), column)
    return int(chunks.loc[chunks["column"] == column, "compressed_bytes"].sum())
