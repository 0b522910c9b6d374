"""Storage formats: sizes, Parquet anatomy, bytes read per column, OLTP vs OLAP access."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from lessons.data import DatasetConfig
from lessons.errors import LabError
from lessons.lake import charts_formats, formats
from lessons.lake.formats import Layout, Variant, patterns

PARQUET = Variant("parquet", "zstd")


@pytest.fixture(scope="module")
def table() -> pa.Table:
    return formats.processed_plays(DatasetConfig(rows=8_000, seed=11))


@pytest.fixture(scope="module")
def files(table: pa.Table, tmp_path_factory: pytest.TempPathFactory) -> dict[Variant, Path]:
    folder = tmp_path_factory.mktemp("formats")
    return formats.write_variants(table, folder, layout=Layout(row_group_rows=2_000))


def test_processed_plays_is_the_join_and_reproducible(table: pa.Table) -> None:
    assert {"track_name", "artist_name", "device_ts"} <= set(table.column_names)
    assert table.equals(formats.processed_plays(DatasetConfig(rows=8_000, seed=11)))


def test_every_variant_holds_the_same_rows(files: dict[Variant, Path], table: pa.Table) -> None:
    expected = pc.sum(table.column("track_id")).as_py()
    for variant, path in files.items():
        read = formats.read_column(path, variant, "track_id")
        assert len(read.values) == table.num_rows, variant.name
        assert pc.sum(read.values).as_py() == expected, variant.name


def test_columnar_files_are_smaller_than_text(files: dict[Variant, Path]) -> None:
    sizes = formats.sizes(files).set_index("variant")["bytes"]
    assert sizes["parquet-snappy"] < sizes["csv"] < sizes["jsonl"]
    assert sizes["parquet-zstd"] < sizes["parquet-none"]
    assert sizes["orc-zstd"] < sizes["csv"]


def test_row_groups_and_chunks_describe_the_file(files: dict[Variant, Path], table) -> None:
    path = files[PARQUET]
    groups = formats.row_groups(path)
    assert groups["rows"].sum() == table.num_rows
    assert len(groups) == 4  # 8,000 rows in row groups of 2,000
    chunks = formats.column_chunks(path)
    assert len(chunks) == 4 * table.num_columns
    assert set(chunks["codec"]) == {"zstd"}
    first = chunks[(chunks["row_group"] == 0) & (chunks["column"] == "track_id")].iloc[0]
    in_group = table.column("track_id").slice(0, 2_000)
    assert first["min"] == pc.min(in_group).as_py()
    assert first["max"] == pc.max(in_group).as_py()
    assert first["dictionary"] and "RLE_DICTIONARY" in first["encodings"]


def test_few_distinct_values_compress_better_than_unique_ones(files: dict[Variant, Path]) -> None:
    totals = formats.column_totals(files[PARQUET]).set_index("column")
    per_value = totals["compressed_bytes"]
    assert per_value["activity_type"] < per_value["uuid"] / 10
    assert totals["share_of_file"].sum() <= 1.0


def test_one_column_read_touches_only_that_columns_chunks(files: dict[Variant, Path]) -> None:
    path = files[PARQUET]
    read = formats.read_column(path, PARQUET, "track_id")
    assert read.data_bytes == formats.column_chunk_bytes(path, "track_id")
    assert read.data_bytes < path.stat().st_size / 10
    assert read.footer_bytes > 0, "the footer is read first, to find the chunks"


def test_text_formats_read_the_whole_file_for_one_column(files: dict[Variant, Path]) -> None:
    reads = formats.one_column_reads(files, "track_id").set_index("variant")
    for name in ("csv", "jsonl"):
        assert reads.loc[name, "bytes_read"] == reads.loc[name, "file_bytes"]
    data_share = reads["data_bytes"] / reads["file_bytes"]
    assert data_share["parquet-zstd"] < 0.1
    assert data_share["orc-zstd"] < 0.1


def test_layout_cells_mark_what_one_column_needs(table: pa.Table) -> None:
    cells = formats.layout_cells(table, "track_id", rows=3)
    assert len(cells) == 2 * 3 * table.num_columns
    column = cells[cells["layout"] == "column"]
    assert set(column.loc[column["touched"], "column"]) == {"track_id"}
    touched = column.loc[column["touched"], "position"].tolist()
    assert touched == list(range(touched[0], touched[0] + 3)), "a column is one contiguous run"
    assert cells[cells["layout"] == "row"]["touched"].all()


def test_oltp_favours_rows_and_olap_favours_columns(files, table: pa.Table) -> None:
    ticks = iter(range(10**6))
    access = formats.access_patterns(files, table, lookups=5, repeats=1, timer=lambda: next(ticks))
    by = access.set_index(["variant", "pattern"])["bytes_read"]
    oltp, olap = "OLTP: one row by id", "OLAP: sum(track_id)"
    assert by["csv", oltp] * 100 < by["parquet-zstd", oltp]
    assert by["parquet-zstd", olap] * 10 < by["csv", olap]
    assert by["jsonl", oltp] < 1_000  # one line of JSON
    assert set(access["pattern"]) == {oltp, olap} and len(access) == 2 * len(files)
    # A clock that ticks once per call: each measured action takes one tick.
    seconds = access.set_index(["variant", "pattern"])["seconds"]
    assert seconds["csv", oltp] == 1 / 5 and seconds["csv", olap] == 1


def test_the_same_table_writes_the_same_bytes(table: pa.Table, tmp_path: Path) -> None:
    """Byte counts in the lesson are reproducible only if every writer is deterministic."""
    first = formats.write_variants(table, tmp_path / "a", layout=Layout(row_group_rows=2_000))
    second = formats.write_variants(table, tmp_path / "b", layout=Layout(row_group_rows=2_000))
    for variant, path in first.items():
        assert path.read_bytes() == second[variant].read_bytes(), variant.name
    reads = [
        formats.one_column_reads(f, "track_id")["bytes_read"].tolist() for f in (first, second)
    ]
    assert reads[0] == reads[1]


def test_row_fetch_returns_the_row_with_that_id(files, table: pa.Table) -> None:
    n = 1234
    wanted = table.slice(n, 1).to_pylist()[0]
    for variant in (Variant("jsonl"), Variant("csv"), PARQUET, Variant("orc", "zstd")):
        fetch = (patterns._row_fetcher if variant.layout == "row" else patterns._columnar_fetcher)(
            files[variant], variant
        )
        row, read = fetch(n)
        assert str(row["uuid"]) == wanted["uuid"], variant.name
        assert read > 0


def test_line_offsets_index_every_row(files, table: pa.Table) -> None:
    offsets = formats.line_offsets(files[Variant("csv")], header=True)
    assert len(offsets) == table.num_rows + 1


def test_bad_input_gets_a_lab_error(files: dict[Variant, Path], table: pa.Table) -> None:
    with pytest.raises(LabError, match="Unknown format 'xlsx'"):
        Variant("xlsx")
    with pytest.raises(LabError, match="cannot use codec 'brotli'"):
        Variant("parquet", "brotli")
    for variant in (PARQUET, Variant("csv"), Variant("jsonl"), Variant("orc", "zstd")):
        with pytest.raises(LabError, match="No column 'nope'"):
            formats.read_column(files[variant], variant, "nope")
    with pytest.raises(LabError, match="No column"):
        formats.layout_cells(table, "nope")


def test_parquet_written_is_readable_by_pyarrow(files: dict[Variant, Path], table) -> None:
    assert pq.read_table(files[PARQUET]).num_rows == table.num_rows


def test_charts_build(files: dict[Variant, Path], table: pa.Table) -> None:
    sizes = formats.sizes(files)
    assert len(charts_formats.format_sizes(sizes, "sizes").data[0].x) == len(files)
    totals = formats.column_totals(files[PARQUET])
    assert len(charts_formats.column_bytes(totals, "columns").data) == 2
    cells = formats.layout_cells(table, "track_id", rows=2)
    assert len(charts_formats.layout_strip(cells, "layout").data) == 2
    access = formats.access_patterns(files, table, lookups=2, repeats=1)
    assert len(charts_formats.access_costs(access, "bytes_read", "access").data) == 2
