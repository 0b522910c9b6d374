"""The Athena tuning experiment: variants, measurements and ratios against the CSV baseline."""

from __future__ import annotations

from pathlib import Path

import pytest

from lessons import charts, facts, localaws
from lessons.lake import tuning
from lessons.lake.layout import Lake


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> tuning.Experiment:
    lake = Lake(tmp_path_factory.mktemp("tuning") / "lake")
    return tuning.run_experiment(
        localaws.client("glue"),
        lake,
        rows=30_000,
        seed=5,
        repeats=1,
        database="tuning_test",
        small_object_rows=500,
    )


def test_every_variant_answers_every_query_the_same(experiment: tuning.Experiment) -> None:
    assert set(experiment.runs["variant"]) == {v.name for v in tuning.default_variants(1)}
    assert len(experiment.runs) == 7 * len(experiment.queries)
    assert all(tuning.same_answers(experiment.runs).values())


def test_parquet_is_smaller_and_scans_far_less_than_csv(experiment: tuning.Experiment) -> None:
    single = experiment.summary("single-column aggregate").set_index("variant")
    assert single.loc["csv", "size saving"] == 0 and single.loc["csv", "speedup"] == 1
    for name in ("parquet_snappy", "parquet_zstd", "parquet_gzip"):
        assert single.loc[name, "size saving"] > 0.4
        assert single.loc[name, "scanned saving"] > 0.95
    csv = single.loc["csv"]
    assert csv["data scanned (bytes)"] == csv["size on S3 (bytes)"]


def test_zstd_and_gzip_store_smaller_than_snappy(experiment: tuning.Experiment) -> None:
    sizes = experiment.summary().set_index("variant")["size on S3 (bytes)"]
    assert sizes["parquet_zstd"] < sizes["parquet_snappy"]
    assert sizes["parquet_gzip"] < sizes["parquet_snappy"]
    assert sizes["csv_gzip"] < sizes["csv"]


def test_partitioning_prunes_the_date_filter(experiment: tuning.Experiment) -> None:
    runs = experiment.runs.set_index(["variant", "query"])
    by_dt = runs.loc[("parquet_by_dt", "filtered by date")]
    whole = runs.loc[("parquet_by_dt", "single-column aggregate")]
    assert by_dt["files read"] == 1 < whole["files read"]
    assert by_dt["data scanned (bytes)"] < whole["data scanned (bytes)"]


def test_small_objects_are_many_and_firehose_sized(experiment: tuning.Experiment) -> None:
    sizes = experiment.summary().set_index("variant")["objects"]
    assert sizes["parquet_small_objects"] > sizes["parquet_by_dt"]
    plays = tuning.plays_with_dt(2_000, 5)
    per_row = tuning.json_bytes_per_row(plays)
    rows = tuning.firehose_object_rows(plays)
    buffer = facts.as_bytes("firehose.buffer_size_default_mib")
    assert rows * per_row <= buffer < (rows + 1) * per_row


def test_costs_respect_the_minimum_and_ratios_are_consistent(experiment) -> None:
    runs = experiment.runs
    minimum = facts.as_bytes("athena.min_scan_mb") / 1e12 * facts.number("athena.price_per_tb_usd")
    assert (runs["cost (USD)"] >= minimum - 1e-15).all()
    base = runs[runs["variant"] == "csv"].set_index("query")["data scanned (bytes)"]
    expected = 1 - runs["data scanned (bytes)"] / runs["query"].map(base)
    assert (runs["scanned saving"] - expected).abs().max() < 1e-12


def test_display_table_and_charts_render(experiment: tuning.Experiment) -> None:
    summary = experiment.summary()
    shown = tuning.display_table(summary)
    assert shown["variant"].iloc[0] == "CSV uncompressed"
    assert shown["speedup"].iloc[0] == "1.0x"
    fig = charts.athena_scanned_and_cost(summary, "scanned and cost")
    assert len(fig.data) == 2
    bars = charts.athena_variant_bars(summary, "run time (s)", "time", "seconds")
    assert list(bars.data[0].x) == list(summary["label"])


def test_bad_options_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(tuning.TuningError, match="Format must be"):
        tuning.Variant("x", "orc")
    with pytest.raises(tuning.TuningError, match="CSV files"):
        tuning.Variant("x", "csv", "zstd")
    with pytest.raises(tuning.TuningError, match="baseline"):
        tuning.run_experiment(
            localaws.client("glue"),
            Lake(tmp_path),
            rows=100,
            variants=[tuning.Variant("only_parquet")],
        )
