"""Iceberg: snapshots and time travel, schema evolution, hidden partitioning, compaction."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from pyiceberg.types import BooleanType

from lessons.data import DatasetConfig
from lessons.errors import LabError
from lessons.lake import charts_formats, formats, iceberg
from lessons.lake.iceberg import TimeRange


@pytest.fixture(scope="module")
def rows() -> pa.Table:
    return formats.processed_plays(DatasetConfig(rows=6_000, seed=21))


def _split_last_day(rows: pa.Table) -> tuple[pa.Table, pa.Table]:
    days = pc.cast(rows.column("device_ts"), pa.date32())
    last = pa.scalar(pc.max(days).as_py(), pa.date32())
    return rows.filter(pc.less(days, last)), rows.filter(pc.equal(days, last))


def _table(tmp_path: Path, rows: pa.Table, name: str = "processed_data"):
    return iceberg.create_table(iceberg.open_catalog(tmp_path / "lake"), rows.schema, name=name)


def test_append_makes_snapshots_and_time_travel_reads_the_old_one(
    tmp_path: Path, rows: pa.Table, no_network: list
) -> None:
    table = _table(tmp_path, rows)
    earlier, last_day = _split_last_day(rows)
    first = iceberg.append(table, earlier)
    second = iceberg.append(table, last_day)
    history = iceberg.snapshot_history(table)
    assert history["snapshot_id"].tolist() == [first, second]
    assert history["parent_id"].iloc[1] == first
    assert history["operation"].tolist() == ["append", "append"]
    assert history["added_files"].iloc[1] == 1
    assert history["total_records"].tolist() == [earlier.num_rows, rows.num_rows]
    assert iceberg.read_snapshot(table, first).num_rows == earlier.num_rows
    assert iceberg.read_snapshot(table).num_rows == rows.num_rows
    con = iceberg.duckdb_connection()
    old = iceberg.profile(con, f"SELECT count(*) FROM {iceberg.iceberg_source(table, first)}")
    now = iceberg.profile(con, f"SELECT count(*) FROM {iceberg.iceberg_source(table)}")
    assert old.result == [(earlier.num_rows,)]
    assert now.result == [(rows.num_rows,)]
    snapshots = iceberg.iceberg_snapshots(con, table)
    assert snapshots["snapshot_id"].tolist() == [first, second]


def test_data_files_are_one_per_day_partition(tmp_path: Path, rows: pa.Table) -> None:
    table = _table(tmp_path, rows)
    iceberg.append(table, rows)
    files = iceberg.data_files(table)
    days = pc.unique(pc.cast(rows.column("device_ts"), pa.date32())).to_pylist()
    assert len(files) == len(days)
    assert files["records"].sum() == rows.num_rows
    assert all(f.startswith("data/device_ts_day=") for f in files["file"])
    assert files["partition"].tolist() == [str(d) for d in sorted(days)]
    assert all(p in f for p, f in zip(files["partition"], files["file"], strict=True))


def test_schema_evolution_leaves_data_files_byte_identical(tmp_path: Path, rows) -> None:
    table = _table(tmp_path, rows)
    iceberg.append(table, rows)
    before = iceberg.data_files(table)
    snapshots_before = len(table.snapshots())
    iceberg.add_column(table, "liked", BooleanType())
    after = iceberg.data_files(table)
    assert after.equals(before), "same paths, sizes and checksums"
    assert len(table.snapshots()) == snapshots_before, "a schema change is not a data commit"
    con = iceberg.duckdb_connection()
    counted = iceberg.profile(
        con, f"SELECT count(*), count(liked) FROM {iceberg.iceberg_source(table)}"
    )
    assert counted.result == [(rows.num_rows, 0)]
    # New rows carry the new column; old files still read as null.
    liked = rows.slice(0, 10).append_column("liked", pa.array([True] * 10))
    iceberg.append(table, liked)
    assert pc.sum(iceberg.read_snapshot(table).column("liked")).as_py() == 10
    with pytest.raises(LabError, match="already exists"):
        iceberg.add_column(table, "liked", BooleanType())


def test_hidden_partitioning_prunes_on_the_timestamp_filter(tmp_path: Path, rows) -> None:
    table = _table(tmp_path, rows)
    iceberg.append(table, rows)
    hive = iceberg.write_hive(rows, tmp_path / "hive")
    day = TimeRange("one day", datetime(2026, 11, 4), datetime(2026, 11, 5))
    result = iceberg.pruning_comparison(table, hive, [day]).set_index("table")
    assert result["rows"].nunique() == 1 and result["sum"].nunique() == 1, "same answer"
    assert result.loc["Iceberg, WHERE device_ts", "files_read"] == 1
    assert result.loc["Hive, WHERE device_ts", "files_read"] == len(hive)
    assert result.loc["Hive, WHERE device_ts AND dt", "files_read"] == 1
    assert (result["files_read"] == result["files_expected"]).all(), "DuckDB agrees with plan"
    bytes_ = result["column_bytes_in_files"]
    assert bytes_["Iceberg, WHERE device_ts"] < bytes_["Hive, WHERE device_ts"]
    assert len(charts_formats.pruning(result.reset_index(), "pruning").data) == 3


def test_compaction_reduces_files_and_keeps_rows(tmp_path: Path, rows: pa.Table) -> None:
    table = _table(tmp_path, rows)
    ids = iceberg.append_in_batches(table, rows, batches=12)
    assert len(ids) == 12
    con = iceberg.duckdb_connection()
    before = iceberg.scan_cost(con, table, repeats=1)
    result = iceberg.compact(table)
    after = iceberg.scan_cost(con, table, repeats=1)
    days = pc.unique(pc.cast(rows.column("device_ts"), pa.date32()))
    assert result.files_before > result.files_after == len(days)
    assert result.rows_before == result.rows_after == rows.num_rows
    assert before["files_read"] == result.files_before
    assert after["files_read"] == result.files_after
    assert after["rows"] == before["rows"] == rows.num_rows
    history = iceberg.snapshot_history(table)
    assert history["operation"].iloc[-1] == "overwrite"
    assert history["deleted_files"].iloc[-1] == result.files_before
    assert iceberg.read_snapshot(table, ids[-1]).num_rows == rows.num_rows, "old snapshot kept"
    assert len(charts_formats.snapshot_growth(history, "files").data[0].x) == len(history)


def test_expired_snapshots_can_no_longer_be_read(tmp_path: Path, rows: pa.Table) -> None:
    table = _table(tmp_path, rows)
    earlier, last_day = _split_last_day(rows)
    first = iceberg.append(table, earlier)
    iceberg.append(table, last_day)
    assert iceberg.expire_snapshots(table, keep_last=1) == [first]
    with pytest.raises(LabError, match="not in the table"):
        iceberg.read_snapshot(table, first)
    con = iceberg.duckdb_connection()
    with pytest.raises(LabError, match="DuckDB could not run"):
        iceberg.profile(con, f"SELECT count(*) FROM {iceberg.iceberg_source(table, first)}")
    assert iceberg.read_snapshot(table).num_rows == rows.num_rows
    with pytest.raises(LabError, match="at least 1"):
        iceberg.expire_snapshots(table, keep_last=0)


def test_clear_errors(tmp_path: Path, rows: pa.Table) -> None:
    catalog = iceberg.open_catalog(tmp_path / "lake")
    with pytest.raises(LabError, match="No table"):
        iceberg.load_table(catalog)
    table = iceberg.create_table(catalog, rows.schema)
    with pytest.raises(LabError, match="already exists"):
        iceberg.create_table(catalog, rows.schema)
    with pytest.raises(LabError, match="Nothing to append"):
        iceberg.append(table, rows.slice(0, 0))
    with pytest.raises(LabError, match="no data files"):
        iceberg.compact(table)
    assert iceberg.snapshot_history(table).empty
