"""Glue crawler, Data Catalog and ETL job with bookmarks, against data written in the test."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from lessons import facts, localaws
from lessons.data import DatasetConfig, generate_plays, generate_tracks
from lessons.datafiles import connect_tables
from lessons.lake import catalog, glue, ingest, layout
from lessons.lake.layout import DATABASE, Lake

CONFIG = DatasetConfig(
    rows=3_000, seed=7, days=3, duplicate_fraction=0.02, late_fraction=0.03, schema_change_day=2
)
RAW_COLUMNS = [("uuid", "string"), ("device_ts", "string"), ("device_id", "bigint"),
               ("device_temp", "bigint"), ("track_id", "bigint"), ("activity_type", "string"),
               ("arrival_ts", "string")]  # fmt: skip
DAY0, DAY1, DAY2 = "2026-11-02", "2026-11-03", "2026-11-04"


@pytest.fixture(scope="module")
def plays():
    return generate_plays(CONFIG)


@pytest.fixture
def api():
    localaws.reset()
    yield localaws.client("glue")
    localaws.reset()


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    lake = Lake(tmp_path / "lake")
    ingest.land_tracks(generate_tracks(), lake)
    return lake


def columns(api, table: str) -> list[tuple[str, str]]:
    raw = api.get_table(DatabaseName=DATABASE, Name=table)["Table"]
    return [(c["Name"], c["Type"]) for c in raw["StorageDescriptor"]["Columns"]]


def partitions(api, table: str) -> dict[str, tuple[str, int]]:
    found = api.get_partitions(DatabaseName=DATABASE, TableName=table)["Partitions"]
    return {p["Values"][0]: (p["StorageDescriptor"]["Location"],
                             len(p["StorageDescriptor"]["Columns"])) for p in found}  # fmt: skip


def crawl_all(api, lake: Lake) -> None:
    glue.crawl(api, lake, layout.RAW_PLAYS)
    glue.crawl(api, lake, layout.REFERENCE_TRACKS)


def raw_records(lake: Lake) -> list[dict]:
    return [
        json.loads(line)
        for uri in lake.objects(layout.RAW_PLAYS)
        for line in lake.path(uri).read_text().splitlines()
    ]


def processed_rows(lake: Lake) -> list[tuple]:
    folder = lake.path(layout.PROCESSED).as_posix()
    return duckdb.sql(
        f"SELECT * FROM read_parquet('{folder}/*/*.parquet', hive_partitioning=true, "
        "hive_types_autocast=false) ORDER BY uuid, arrival_ts"
    ).fetchall()


# --- crawler ----------------------------------------------------------------------------------


def test_crawl_registers_the_raw_table_with_inferred_types_and_dt_partitions(plays, api, lake):
    landed = ingest.land_days(plays, lake, days=[DAY0, DAY1])
    report = glue.crawl(api, lake, layout.RAW_PLAYS)
    assert (
        report.table == glue.RAW_TABLE and report.table_created and report.classification == "json"
    )
    assert report.objects_read == len(landed.objects) and report.records_read == landed.records
    keys_written = {key for record in raw_records(lake) for key in record}
    expected = RAW_COLUMNS + [("app_version", "string")] * ("app_version" in keys_written)
    assert columns(api, "plays") == expected
    raw = api.get_table(DatabaseName=DATABASE, Name="plays")["Table"]
    assert [k["Name"] for k in raw["PartitionKeys"]] == ["dt"]
    assert raw["Parameters"]["classification"] == "json"
    assert raw["StorageDescriptor"]["Location"] == layout.RAW_PLAYS
    assert partitions(api, "plays") == {
        day: (f"{layout.RAW_PLAYS}dt={day}/", len(expected)) for day in (DAY0, DAY1)
    }
    policy = api.get_crawler(Name=report.crawler)["Crawler"]["SchemaChangePolicy"]
    assert policy == {
        "UpdateBehavior": "UPDATE_IN_DATABASE",
        "DeleteBehavior": "DEPRECATE_IN_DATABASE",
    }


def test_a_rerun_after_the_schema_change_adds_the_column_and_the_new_partitions(plays, api, lake):
    ingest.land_days(plays, lake, days=[DAY0])  # arrived before the change day: no app_version
    glue.crawl(api, lake, layout.RAW_PLAYS)
    assert columns(api, "plays") == RAW_COLUMNS
    ingest.land_days(plays, lake, days=[DAY1, DAY2])
    report = glue.crawl(api, lake, layout.RAW_PLAYS)
    assert not report.table_created and report.table_updated
    assert report.columns_added == ("app_version",) and report.types_changed == ()
    assert report.partitions_added == 2
    assert columns(api, "plays") == [*RAW_COLUMNS, ("app_version", "string")]
    found = partitions(api, "plays")
    assert {day: n for day, (_, n) in found.items()} == {DAY0: 7, DAY1: 8, DAY2: 8}
    again = glue.crawl(api, lake, layout.RAW_PLAYS)
    assert not again.table_updated and again.partitions_added == 0 and again.columns_added == ()


def test_csv_and_parquet_tables_get_their_own_types(plays, api, lake):
    report = glue.crawl(api, lake, layout.REFERENCE_TRACKS)
    assert report.classification == "csv" and report.partition_keys == ()
    assert columns(api, "tracks") == [("track_id", "bigint"), ("track_name", "string"),
                                      ("artist_name", "string")]  # fmt: skip
    assert (
        api.get_table(DatabaseName=DATABASE, Name="tracks")["Table"]["Parameters"][
            "skip.header.line.count"
        ]
        == "1"
    )
    assert partitions(api, "tracks") == {}
    ingest.land_days(plays, lake, days=[DAY0])
    glue.crawl(api, lake, layout.RAW_PLAYS)
    glue.run_job(api, lake)
    registered_by_job = columns(api, "processed_data")
    crawled = glue.crawl(api, lake, layout.PROCESSED)
    assert crawled.classification == "parquet" and not crawled.table_updated
    assert columns(api, "processed_data") == registered_by_job
    assert dict(registered_by_job)["device_ts"] == "timestamp"
    assert dict(registered_by_job)["device_id"] == "int"


def write_objects(lake: Lake, prefix: str, objects: dict[str, str]) -> None:
    for name, text in objects.items():
        path = lake.path(layout.join(prefix, name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_types_widen_across_objects_and_conflicts_become_string(api, lake):
    prefix = f"s3://{layout.BUCKET}/raw/probe/"
    write_objects(lake, prefix, {
        "dt=2026-01-01/a": '{"n":1,"x":1,"flag":true,"z":null}\n',
        "dt=2026-01-02/b": '{"n":2.5,"x":"one","flag":false,"z":null,"extra":[1]}\n',
    })  # fmt: skip
    report = glue.crawl(api, lake, prefix)
    assert report.table == "probe"
    assert columns(api, "probe") == [("n", "double"), ("x", "string"), ("flag", "boolean"),
                                     ("z", "string"), ("extra", "string")]  # fmt: skip
    assert glue.widen("int", "bigint") == "bigint" and glue.widen(None, "double") == "double"
    assert glue.widen("boolean", "bigint") == "string"


def test_folders_that_are_not_key_value_become_numbered_partition_keys(api, lake):
    prefix = f"s3://{layout.BUCKET}/raw/firehose-default/"
    write_objects(lake, prefix, {"2026/11/02/a": '{"v":1}\n', "2026/11/03/b": '{"v":2}\n'})
    report = glue.crawl(api, lake, prefix)
    assert report.partition_keys == ("partition_0", "partition_1", "partition_2")
    found = api.get_partitions(DatabaseName=DATABASE, TableName="firehose-default")["Partitions"]
    values = sorted(p["Values"] for p in found)
    assert values == [["2026", "11", "02"], ["2026", "11", "03"]]


def test_crawling_a_missing_prefix_is_a_clear_error_and_writes_nothing(api, lake):
    with pytest.raises(glue.CrawlerError, match="no objects under"):
        glue.crawl(api, lake, f"s3://{layout.BUCKET}/raw/nothing-here/")
    assert api.get_databases()["DatabaseList"] == []


def test_a_broken_json_object_is_named_and_the_catalog_is_left_alone(plays, api, lake):
    ingest.land_days(plays, lake, days=[DAY0])
    glue.crawl(api, lake, layout.RAW_PLAYS)
    bad = layout.join(layout.RAW_PLAYS, f"dt={DAY1}", "broken-object")
    write_objects(
        lake, layout.RAW_PLAYS, {f"dt={DAY1}/broken-object": '{"uuid": "a"}\n{"uuid": \n'}
    )
    with pytest.raises(glue.CrawlerError, match=f"{bad}.*line 2"):
        glue.crawl(api, lake, layout.RAW_PLAYS)
    assert list(partitions(api, "plays")) == [DAY0]
    assert columns(api, "plays") == RAW_COLUMNS


# --- ETL job ----------------------------------------------------------------------------------


def expected_processed(plays) -> list[tuple]:
    """The processed rows computed independently: the datafiles view, first arrival per uuid."""
    con = connect_tables(plays, generate_tracks())
    return con.execute(
        """
        SELECT *, strftime(device_ts, '%Y-%m-%d') AS dt FROM processed_data
        QUALIFY row_number() OVER (PARTITION BY uuid ORDER BY arrival_ts) = 1
        ORDER BY uuid, arrival_ts
        """
    ).fetchall()


def test_the_job_output_equals_an_independent_join_without_resent_events(plays, api, lake):
    ingest.land_days(plays, lake)
    crawl_all(api, lake)
    run = glue.run_job(api, lake)
    assert processed_rows(lake) == expected_processed(plays)
    assert run.rows_in == plays.num_rows
    assert run.duplicates_dropped == round(CONFIG.rows * CONFIG.duplicate_fraction)
    assert run.rows_out == plays.num_rows - run.duplicates_dropped and run.rows_unmatched == 0
    assert run.objects_read == run.objects_available == len(lake.objects(layout.RAW_PLAYS))
    assert list(partitions(api, "processed_data")) == list(run.partitions_written)
    assert columns(api, "processed_data") == [
        (f.name, glue.processed_table().columns[i].type)
        for i, f in enumerate(glue.PROCESSED_SCHEMA)
    ]


def test_build_processed_data_is_the_whole_pipeline_in_one_call(plays, api, lake):
    run = glue.build_processed_data(api, lake, plays)
    assert run.objects_read == len(lake.objects(layout.RAW_PLAYS)) > 0
    assert processed_rows(lake) == expected_processed(plays)
    assert catalog.list_tables(api, DATABASE) == ["plays", "processed_data", "tracks"]


def test_bookmarks_process_only_new_objects(plays, api, lake):
    days = ingest.available_days(plays)
    runs = []
    for day in days:
        landed = ingest.land_days(plays, lake, days=[day])
        crawl_all(api, lake)
        runs.append(glue.run_job(api, lake))
        assert runs[-1].objects_read == len(landed.objects)
        idle = glue.run_job(api, lake)
        assert idle.objects_read == idle.rows_out == 0 and idle.files_written == ()
    assert [r.run_number for r in runs] == list(range(1, 2 * len(days), 2))
    # No resend crosses a day here, so the incremental runs equal one run over everything.
    by_uuid_day = {}
    for uri in lake.objects(layout.RAW_PLAYS):
        for line in lake.path(uri).read_text().splitlines():
            by_uuid_day.setdefault(json.loads(line)["uuid"], set()).add(uri.split("/dt=")[1][:10])
    assert all(len(d) == 1 for d in by_uuid_day.values())
    assert processed_rows(lake) == expected_processed(plays)
    assert sum(r.rows_out for r in runs) == len(by_uuid_day)


def test_a_new_day_is_invisible_to_the_job_until_the_crawler_registers_it(plays, api, lake):
    ingest.land_days(plays, lake, days=[DAY0])
    crawl_all(api, lake)
    glue.run_job(api, lake)
    landed = ingest.land_days(plays, lake, days=[DAY1])
    assert glue.run_job(api, lake).objects_read == 0
    glue.crawl(api, lake, layout.RAW_PLAYS)
    assert glue.run_job(api, lake).objects_read == len(landed.objects)


def test_disable_pause_missing_commit_and_reset(plays, api, lake):
    ingest.land_days(plays, lake, days=[DAY0])
    crawl_all(api, lake)
    first = glue.run_job(api, lake, commit=False)  # a script without job.commit()
    assert glue.bookmark(lake) == ()
    again = glue.run_job(api, lake)
    assert again.objects_read == first.objects_read > 0
    assert len(processed_rows(lake)) == 2 * first.rows_out, "reprocessed rows are appended twice"
    assert glue.run_job(api, lake, bookmark_option="job-bookmark-disable").objects_read == (
        first.objects_read
    )
    before = glue.bookmark(lake)
    landed = ingest.land_days(plays, lake, days=[DAY1])
    glue.crawl(api, lake, layout.RAW_PLAYS)
    paused = glue.run_job(api, lake, bookmark_option="job-bookmark-pause")
    assert paused.objects_read == len(landed.objects) and glue.bookmark(lake) == before
    glue.reset_job_bookmark(lake)
    assert glue.run_job(api, lake).objects_read == paused.objects_available
    with pytest.raises(glue.JobError, match="bookmark option"):
        glue.run_job(api, lake, bookmark_option="job-bookmark-sometimes")


def test_the_job_refuses_to_run_before_the_crawler(plays, api, lake):
    ingest.land_days(plays, lake, days=[DAY0])
    with pytest.raises(glue.JobError, match="crawler"):
        glue.run_job(api, lake)
    assert not lake.path(layout.PROCESSED).exists()


def test_a_broken_raw_object_stops_the_job_before_anything_is_written(plays, api, lake):
    ingest.land_days(plays, lake, days=[DAY0])
    crawl_all(api, lake)
    bad = layout.join(layout.RAW_PLAYS, f"dt={DAY0}", "zz-broken")
    lake.path(bad).write_text('{"uuid": "x"}\nnot json\n')
    with pytest.raises(glue.JobError, match=f"{bad}: line 2"):
        glue.run_job(api, lake)
    assert not lake.path(layout.PROCESSED).exists() and glue.bookmark(lake) == ()
    with pytest.raises(catalog.CatalogError):
        catalog.get_table(api, DATABASE, "processed_data")


def test_cost_bills_at_least_the_glue_minimum(plays, api, lake):
    minimum = facts.as_seconds("glue.job_min_billing_minutes")
    price = facts.number("glue.dpu_hour_price_usd")
    short = glue.job_cost(minimum / 10, dpus=2)
    assert short.billed_seconds == minimum and short.usd == pytest.approx(
        2 * minimum / 3600 * price
    )
    long = glue.job_cost(minimum * 3, dpus=4)
    assert long.dpu_hours == pytest.approx(4 * minimum * 3 / 3600)
    ingest.land_days(plays, lake, days=[DAY0])
    crawl_all(api, lake)
    ticks = iter([100.0, 100.0 + 2.5 * minimum])
    run = glue.run_job(api, lake, glue.JobSpec(workers=5), clock=lambda: next(ticks))
    assert run.cost.seconds == run.cost.billed_seconds == 2.5 * minimum
    assert run.cost.dpu_hours == pytest.approx(5 * 2.5 * minimum / 3600)
    with pytest.raises(glue.JobError):
        glue.job_cost(-1, 2)
