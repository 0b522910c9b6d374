"""processed_data in the lake: plays joined with tracks, Parquet, partitioned by ``dt``.

The serving lessons need the Glue ETL's rows without running the Glue lesson's crawler and catalog
first, so :func:`write_processed_data` writes the same table (the columns of the
``processed_data`` view of :func:`lessons.datafiles.connect_tables`, plus the ``dt`` partition)
under :data:`lessons.lake.layout.PROCESSED`; tests/test_dashboard.py checks it row for row against
lessons.lake.glue's output. Everything else reads it through :func:`processed_glob`.

Fidelity: the layout is the contract's (Hive-style ``dt=YYYY-MM-DD/`` folders of Parquet under
the processed prefix) and the rows are the Glue job's (same join, same de-duplication); this
writer skips the raw JSON landing, the crawler and the catalog so a 10M-row dashboard benchmark
can set up in seconds.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds

from lessons.data import DatasetConfig, generate_plays, generate_tracks
from lessons.datafiles import connect_tables
from lessons.errors import DatasetError
from lessons.lake import layout

# Small enough to keep a day's partition in a few row groups, as the ETL would.
ROW_GROUP_ROWS = 128 * 1024


def processed_table(plays: pa.Table, tracks: pa.Table) -> pa.Table:
    """The processed_data view materialised, with its ``dt`` (event date) partition column.

    Resent events are dropped by uuid, first arrival kept: the Glue job's rule, so the dashboard
    counts plays, not deliveries (tests compare the two outputs row for row).
    """
    con = connect_tables(plays, tracks)
    try:
        return con.sql(
            """
            SELECT * EXCLUDE (copy), strftime(device_ts, '%Y-%m-%d') AS dt FROM (
                SELECT *, row_number() OVER (PARTITION BY uuid ORDER BY arrival_ts) AS copy
                FROM processed_data
            ) WHERE copy = 1 ORDER BY device_ts
            """
        ).to_arrow_table()
    finally:
        con.close()


def write_processed_data(lake_root: Path | str, config: DatasetConfig | None = None) -> Path:
    """Generate plays (seeded) and write processed_data Parquet by dt; return its folder."""
    config = config or DatasetConfig()
    table = processed_table(generate_plays(config), generate_tracks(config))
    folder = layout.Lake(Path(lake_root)).path(layout.PROCESSED)
    folder.mkdir(parents=True, exist_ok=True)
    ds.write_dataset(
        table,
        folder,
        format="parquet",
        partitioning=ds.partitioning(pa.schema([("dt", pa.string())]), flavor="hive"),
        existing_data_behavior="delete_matching",
        basename_template="part-{i}.parquet",
        max_rows_per_group=ROW_GROUP_ROWS,
        min_rows_per_group=min(ROW_GROUP_ROWS, max(1, table.num_rows)),
    )
    return folder


def processed_glob(lake_root: Path | str) -> str:
    """The glob DuckDB reads processed_data from; a clear error if nothing was written yet."""
    folder = layout.Lake(Path(lake_root)).path(layout.PROCESSED)
    if not any(folder.glob("dt=*/*.parquet")):
        raise DatasetError(
            f"No processed_data Parquet under {folder}. Write it first with "
            "lessons.serving.processed.write_processed_data(lake_root)."
        )
    return (folder / "dt=*" / "*.parquet").as_posix()
