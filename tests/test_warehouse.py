"""Zone maps and sort keys, distribution styles on a simulated cluster, Spectrum, billing units."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pyarrow as pa
import pytest

from lessons import facts
from lessons.data import DatasetConfig, generate_plays
from lessons.serving import processed, warehouse
from lessons.serving.warehouse import Cluster, DistTable, join_plan


@pytest.fixture(scope="module")
def plays() -> pa.Table:
    return generate_plays(DatasetConfig(rows=600_000, seed=4))


def test_a_sort_key_on_the_filtered_column_skips_more_blocks(plays) -> None:
    day = datetime(2026, 11, 4)
    table = warehouse.blocks_skipped(
        plays, "device_ts", day, day.replace(hour=23), [None, "uuid", "device_ts"]
    ).set_index("sort key")
    assert table.loc["device_ts", "blocks skipped"] > table.loc["uuid", "blocks skipped"]
    assert table.loc["uuid", "blocks skipped"] == 0  # random order: every block spans the week
    assert table["rows matching"].nunique() == 1  # skipping never loses a matching row
    by_device = warehouse.blocks_skipped(
        plays, "device_id", 7, 7, ["device_ts", "device_id"], block_bytes=100_000
    ).set_index("sort key")
    assert by_device.loc["device_id", "blocks read"] < by_device.loc["device_ts", "blocks read"]


def test_block_size_is_the_facts_tables() -> None:
    assert warehouse.rows_per_block(8) == facts.as_bytes("redshift.block_size_mb") // 8
    zones = warehouse.zone_map(np.array([5, 1, 9, 3, 7]), 2)
    assert zones.mins.tolist() == [1, 3, 7] and zones.maxs.tolist() == [5, 9, 7]
    assert zones.blocks_to_read(8, 10).tolist() == [False, True, False]


def _tables(style_fact: str, style_dim: str, other: np.ndarray | None = None):
    rng = np.random.default_rng(0)
    fact_keys = rng.integers(0, 100, 20_000)
    dim_keys = np.arange(100)
    return (
        DistTable("plays", fact_keys, 60.0, style_fact, other),
        DistTable("tracks", dim_keys, 40.0, style_dim),
    )


def test_key_distribution_on_the_join_key_moves_nothing() -> None:
    cluster = Cluster(4, 2)
    plan = join_plan(*_tables("KEY", "KEY"), cluster)
    assert plan.strategy == "DS_DIST_NONE" and plan.bytes_moved == 0


def test_even_moves_more_than_key_and_all_moves_none_but_stores_copies() -> None:
    cluster = Cluster(4, 2)
    key = join_plan(*_tables("KEY", "KEY"), cluster)
    even = join_plan(*_tables("EVEN", "EVEN"), cluster)
    everywhere = join_plan(*_tables("EVEN", "ALL"), cluster)
    assert even.bytes_moved > key.bytes_moved
    assert even.strategy in ("DS_DIST_BOTH", "DS_BCAST_INNER")
    assert everywhere.strategy == "DS_DIST_ALL_NONE" and everywhere.bytes_moved == 0
    dim_bytes = 100 * 40.0
    assert everywhere.stored_bytes - even.stored_bytes == pytest.approx(dim_bytes * 3)


def test_key_on_another_column_is_not_colocated() -> None:
    other = np.arange(20_000) % 51
    plan = join_plan(*_tables("KEY", "KEY", other), Cluster(4, 2))
    assert plan.strategy in ("DS_DIST_OUTER", "DS_BCAST_INNER") and plan.bytes_moved > 0
    assert plan.bytes_moved == min(plan.candidates.values())


def test_one_node_never_moves_data_and_bad_clusters_are_refused() -> None:
    assert join_plan(*_tables("EVEN", "EVEN"), Cluster(1, 4)).bytes_moved == 0
    with pytest.raises(warehouse.WarehouseError):
        Cluster(0)
    with pytest.raises(warehouse.WarehouseError, match="KEY, EVEN or ALL"):
        DistTable("t", np.arange(3), 1.0, "RANDOM")


def test_spectrum_reads_only_the_partitions_and_columns_asked(tmp_path) -> None:
    folder = processed.write_processed_data(tmp_path, DatasetConfig(rows=20_000, seed=2))
    everything = warehouse.spectrum_scan(folder, ["artist_name"], None)
    one_day = warehouse.spectrum_scan(folder, ["artist_name"], ["2026-11-04"])
    wider = warehouse.spectrum_scan(folder, ["artist_name", "uuid"], None)
    assert one_day.files == 1 < everything.files
    assert one_day.bytes_scanned < everything.bytes_scanned < wider.bytes_scanned
    minimum = facts.as_bytes("redshift_spectrum.min_scan_mb")
    assert everything.bytes_billed == minimum  # tiny scans are billed the minimum
    assert warehouse.billed_bytes(minimum + 1) == minimum + 10**6
    with pytest.raises(warehouse.WarehouseError, match="not in the lake"):
        warehouse.spectrum_scan(folder, ["no_such_column"], None)


def test_serverless_bills_busy_hours_and_provisioned_bills_all_hours() -> None:
    units = warehouse.compute_units(2, 3, rpus=8, days=30).set_index("option")["quantity"]
    assert units["provisioned"] == 3 * 24 * 30
    assert units["serverless"] == 8 * 2 * 30
    with pytest.raises(warehouse.WarehouseError):
        warehouse.compute_units(25, 3)
