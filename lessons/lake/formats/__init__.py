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

from lessons.lake.formats.anatomy import (
    column_chunk_bytes,
    column_chunks,
    column_totals,
    row_groups,
)
from lessons.lake.formats.patterns import Access, access_patterns, line_offsets
from lessons.lake.formats.reads import (
    ColumnRead,
    CountingFile,
    layout_cells,
    one_column_reads,
    read_column,
)
from lessons.lake.formats.variants import (
    CODECS,
    COLUMN_FORMATS,
    ROW_FORMATS,
    SUFFIX,
    VARIANTS,
    FormatError,
    Layout,
    Variant,
    processed_plays,
    sizes,
    write_variant,
    write_variants,
)

__all__ = [
    "CODECS",
    "COLUMN_FORMATS",
    "ROW_FORMATS",
    "SUFFIX",
    "VARIANTS",
    "Access",
    "ColumnRead",
    "CountingFile",
    "FormatError",
    "Layout",
    "Variant",
    "access_patterns",
    "column_chunk_bytes",
    "column_chunks",
    "column_totals",
    "layout_cells",
    "line_offsets",
    "one_column_reads",
    "processed_plays",
    "read_column",
    "row_groups",
    "sizes",
    "write_variant",
    "write_variants",
]
