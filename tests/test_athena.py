"""The Athena engine: only catalog-visible partitions are read, bytes scanned and cost as billed."""

from __future__ import annotations

import itertools
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from lessons import facts, localaws
from lessons.errors import LabError
from lessons.lake import catalog, tuning
from lessons.lake.athena import (
    OFFLINE_CONFIG,
    AthenaError,
    Engine,
    billed_bytes,
    query_cost_usd,
    visible_files,
)
from lessons.lake.layout import Lake
from lessons.lake.visibility import PartitionError, java_to_strftime, projected_values

_COUNTER = itertools.count()
ROWS = 20_000


@pytest.fixture(scope="module")
def plays():
    return tuning.plays_with_dt(ROWS, 3)


@pytest.fixture
def lab(tmp_path: Path, plays):
    """A fresh lake and database with parquet (by dt), parquet (flat) and CSV tables."""
    glue = localaws.client("glue")
    lake = Lake(tmp_path / "lake")
    database = f"athena_test_{next(_COUNTER)}"
    stored = {
        v.name: tuning.store_variant(glue, lake, plays, v, database, "t")
        for v in (
            tuning.Variant("by_dt", partitioned=True),
            tuning.Variant("flat"),
            tuning.Variant("csv", "csv", "none"),
        )
    }
    engine = Engine(glue, lake, database=database)
    yield engine, stored, plays
    engine.close()


def plain_duckdb(sql: str) -> list[tuple]:
    con = duckdb.connect(config=OFFLINE_CONFIG)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def days(plays) -> list[str]:
    return sorted(set(plays["dt"].to_pylist()))


def test_results_match_plain_duckdb_on_the_same_files(lab) -> None:
    engine, stored, _ = lab
    folder = engine.lake.path(stored["by_dt"].table.location).as_posix()
    expected = plain_duckdb(
        "SELECT activity_type, count(*), sum(device_temp) FROM "
        f"read_parquet('{folder}/*/*.parquet', hive_partitioning=true) "
        "GROUP BY 1 ORDER BY 1"
    )
    sql = "SELECT activity_type, count(*), sum(device_temp) FROM by_dt GROUP BY 1 ORDER BY 1"
    for table in ("by_dt", "flat", "csv"):
        got = engine.query(sql.replace("by_dt", table)).table
        assert [tuple(r.values()) for r in got.to_pylist()] == expected, table


def test_an_unregistered_folder_is_invisible_until_msck_repair(lab) -> None:
    engine, stored, plays = lab
    info = stored["by_dt"].table
    first, second = days(plays)[:2]
    extra = engine.lake.path(info.location) / "dt=2026-12-01"
    shutil.copytree(engine.lake.path(info.location) / f"dt={first}", extra)
    before = engine.query("SELECT count(*) AS n FROM by_dt").table["n"][0].as_py()
    assert before == ROWS
    assert (
        engine.query("SELECT count(*) AS n FROM by_dt WHERE dt = '2026-12-01'")
        .table["n"][0]
        .as_py()
        == 0
    )
    repaired = engine.query("MSCK REPAIR TABLE by_dt")
    assert repaired.table["added partition"].to_pylist() == ["dt=2026-12-01"]
    assert repaired.cost_usd == 0
    after = engine.query("SELECT count(*) AS n FROM by_dt").table["n"][0].as_py()
    per_day = engine.query(f"SELECT count(*) AS n FROM by_dt WHERE dt = '{first}'")
    assert after == ROWS + per_day.table["n"][0].as_py()
    assert second  # more than one day of data


def test_add_partition_with_a_location_and_drop_partition(lab) -> None:
    engine, stored, plays = lab
    info = stored["by_dt"].table
    day = days(plays)[0]
    source = engine.lake.path(info.location) / f"dt={day}"
    target = engine.lake.path(info.location.replace("/by_dt/", "/late_arrivals/")) / "batch-7"
    shutil.copytree(source, target)
    location = engine.lake.uri(target) + "/"
    n_day = engine.query(f"SELECT count(*) AS n FROM by_dt WHERE dt = '{day}'").table
    engine.query(f"ALTER TABLE by_dt ADD PARTITION (dt='2027-01-01') LOCATION '{location}'")
    moved = engine.query("SELECT count(*) AS n FROM by_dt WHERE dt = '2027-01-01'").table
    assert moved["n"][0].as_py() == n_day["n"][0].as_py()
    with pytest.raises(AthenaError, match="already exists"):
        engine.query("ALTER TABLE by_dt ADD PARTITION (dt='2027-01-01')")
    engine.query("ALTER TABLE by_dt ADD IF NOT EXISTS PARTITION (dt='2027-01-01')")
    engine.query("ALTER TABLE by_dt DROP PARTITION (dt='2027-01-01')")
    shown = engine.query("SHOW PARTITIONS by_dt").table["partition"].to_pylist()
    assert shown == [f"dt={d}" for d in days(plays)]


def test_partition_projection_sees_folders_without_any_registration(lab) -> None:
    engine, stored, plays = lab
    info = stored["by_dt"].table
    all_days = days(plays)
    params = {
        "projection.enabled": "true",
        "projection.dt.type": "date",
        "projection.dt.format": "yyyy-MM-dd",
        "projection.dt.range": f"{all_days[0]},NOW",
        "storage.location.template": info.location + "dt=${dt}/",
    }
    projected = catalog.TableInfo(
        info.database,
        "projected",
        info.location,
        "parquet",
        info.columns,
        info.partition_keys,
        params,
    )
    catalog.put_table(engine.glue, projected)
    assert catalog.get_partitions(engine.glue, projected) == []
    with pytest.raises(PartitionError, match="clock"):
        engine.query("SELECT count(*) FROM projected")
    engine.now = datetime.fromisoformat(all_days[-1])
    assert engine.query("SELECT count(*) AS n FROM projected").table["n"][0].as_py() == ROWS
    engine.now = datetime.fromisoformat(all_days[1])  # the range ends on the second day
    two = engine.query("SELECT count(*) AS n FROM projected").table["n"][0].as_py()
    expected = sum(1 for d in plays["dt"].to_pylist() if d <= all_days[1])
    assert two == expected
    files = visible_files(engine.glue, engine.lake, projected, engine.now)
    assert {spec["dt"] for _, spec in files} == set(all_days[:2])


def test_pruning_on_the_partition_key_reads_fewer_bytes_and_files(lab) -> None:
    engine, _, plays = lab
    day = days(plays)[3]
    everything = engine.query("SELECT sum(device_id) AS s FROM by_dt")
    one_day = engine.query(f"SELECT sum(device_id) AS s FROM by_dt WHERE dt = '{day}'")
    assert one_day.files_read == 1 and everything.files_read == len(days(plays))
    assert one_day.bytes_scanned < everything.bytes_scanned / 3
    in_list = engine.query(
        f"SELECT count(*) AS n FROM by_dt p WHERE p.dt IN ('{day}', '{days(plays)[4]}') "
        "AND device_temp > 30"
    )
    assert in_list.files_read == 2
    ored = engine.query(f"SELECT count(*) AS n FROM by_dt WHERE dt = '{day}' OR device_id = 3")
    assert ored.files_read == len(days(plays))  # OR with a data column cannot prune
    expected = sum(
        1
        for d, dev in zip(plays["dt"].to_pylist(), plays["device_id"].to_pylist(), strict=True)
        if d == day or dev == 3
    )
    assert ored.table["n"][0].as_py() == expected


def test_parquet_reads_only_the_columns_a_query_needs(lab) -> None:
    engine, stored, _ = lab
    one = engine.query("SELECT avg(device_temp) FROM flat")
    every = engine.query("SELECT * FROM flat")
    assert every.bytes_scanned > 10 * one.bytes_scanned
    # Every column chunk, plus the file's tail, which DuckDB fetches to bind and again to scan.
    assert stored["flat"].size_bytes * 0.9 < every.bytes_scanned < stored["flat"].size_bytes * 1.05


def test_csv_scans_the_whole_file_whatever_the_columns(lab) -> None:
    engine, stored, _ = lab
    one = engine.query("SELECT avg(device_temp) FROM csv")
    assert one.bytes_scanned == stored["csv"].size_bytes
    day = engine.query("SELECT count(*) FROM csv WHERE dt = '2026-11-03'")
    assert day.bytes_scanned == stored["csv"].size_bytes


def test_gzip_text_is_billed_on_its_compressed_bytes(lab, tmp_path) -> None:
    engine, stored, plays = lab
    gz = tuning.store_variant(
        engine.glue, engine.lake, plays, tuning.Variant("gz", "csv", "gzip"), engine.database, "t"
    )
    result = engine.query("SELECT count(*) AS n FROM gz")
    assert result.table["n"][0].as_py() == ROWS
    assert result.bytes_scanned == gz.size_bytes < stored["csv"].size_bytes


def test_cost_is_rounded_up_to_a_megabyte_with_a_ten_megabyte_minimum(lab) -> None:
    engine, _, _ = lab
    tiny = engine.query("SELECT count(*) FROM by_dt WHERE dt = '2026-11-03'")
    minimum = facts.as_bytes("athena.min_scan_mb")
    assert 0 < tiny.bytes_scanned < minimum
    assert tiny.billed_bytes == minimum
    price = facts.number("athena.price_per_tb_usd")
    assert tiny.cost_usd == pytest.approx(minimum / 1e12 * price)
    assert billed_bytes(minimum + 1) == minimum + 10**6
    assert query_cost_usd(3 * 10**12) == pytest.approx(3 * price)


def test_ctas_writes_registers_and_is_queryable(lab) -> None:
    engine, _, plays = lab
    created = engine.query(
        "CREATE TABLE by_track WITH (format='PARQUET', write_compression='SNAPPY', "
        "partitioned_by=ARRAY['dt']) AS SELECT track_id, count(*) AS plays, dt "
        "FROM by_dt GROUP BY track_id, dt"
    )
    assert created.bytes_scanned > 0
    info = catalog.get_table(engine.glue, engine.database, "by_track")
    assert [c.name for c in info.partition_keys] == ["dt"]
    assert len(catalog.get_partitions(engine.glue, info)) == len(days(plays))
    total = engine.query("SELECT sum(plays) AS n FROM by_track").table["n"][0].as_py()
    assert total == ROWS
    files = visible_files(engine.glue, engine.lake, info)
    codec = pq.ParquetFile(files[0][0]).metadata.row_group(0).column(0).compression
    assert codec == "SNAPPY"
    with pytest.raises(AthenaError, match="already exists"):
        engine.query("CREATE TABLE by_track AS SELECT 1 AS x FROM by_dt")


def test_ctas_defaults_and_rules(lab, monkeypatch) -> None:
    engine, _, _ = lab
    engine.query("CREATE TABLE defaults AS SELECT device_id, device_temp FROM flat")
    info = catalog.get_table(engine.glue, engine.database, "defaults")
    assert info.classification == facts.value("athena.ctas_default_format").lower()
    path = visible_files(engine.glue, engine.lake, info)[0][0]
    codec = pq.ParquetFile(path).metadata.row_group(0).column(0).compression
    assert codec == facts.value("athena.ctas_default_compression")
    with pytest.raises(AthenaError, match="must be the last columns"):
        engine.query(
            "CREATE TABLE bad WITH (partitioned_by=ARRAY['dt']) AS SELECT dt, device_id FROM flat"
        )
    monkeypatch.setattr(
        facts, "number", lambda i: 5 if i == "athena.ctas_max_partitions" else facts.fact(i).number
    )
    with pytest.raises(AthenaError, match="HIVE_TOO_MANY_OPEN_PARTITIONS"):
        engine.query(
            "CREATE TABLE many WITH (partitioned_by=ARRAY['device_id']) AS "
            "SELECT device_temp, device_id FROM flat"
        )


def test_text_ctas_round_trips(lab) -> None:
    engine, _, _ = lab
    engine.query("CREATE TABLE as_json WITH (format='JSON') AS SELECT device_id, dt FROM flat")
    engine.query(
        "CREATE TABLE as_text WITH (format='TEXTFILE', write_compression='NONE') "
        "AS SELECT device_id, dt FROM flat"
    )
    for name in ("as_json", "as_text"):
        got = engine.query(f"SELECT count(*) AS n, sum(device_id) AS s FROM {name}").table
        want = engine.query("SELECT count(*) AS n, sum(device_id) AS s FROM flat").table
        assert got.to_pylist() == want.to_pylist(), name


@pytest.mark.parametrize(
    "sql, message",
    [
        ("SELECT * FROM no_such_table", "not in the Data Catalog"),
        ("SELEC device_id FROM flat", "not supported|could not be parsed"),
        ("DROP TABLE flat", "not supported"),
        ("SELECT 1; SELECT 2", "one statement"),
        ("SELECT nope FROM flat", "nope"),
        ("SELECT 1", "reads no catalog table"),
        ("   ", "empty"),
        ("MSCK REPAIR TABLE flat", "not partitioned"),
        ("ALTER TABLE by_dt ADD PARTITION (day='x')", "exactly the keys"),
        ("CREATE TABLE x WITH (format='ORC') AS SELECT 1 AS a FROM flat", "not supported"),
        ("CREATE TABLE x WITH (bucketed_by=ARRAY['a']) AS SELECT 1 AS a FROM flat", "bucketed"),
        ("SELECT * FROM flat f, read_csv('/etc/hostname') x", "read_csv\\(\\) is not Athena"),
        ("SELECT (SELECT count(*) FROM read_text('/etc/hostname')) FROM flat", "read_text"),
        ("SELECT getenv('HOME') FROM flat", "getenv"),
        ("ALTER TABLE by_dt ADD PARTITION (dt='x') PARTITION (dt='x')", "same partition twice"),
    ],
)
def test_bad_sql_is_a_clear_lab_error(lab, sql: str, message: str) -> None:
    engine, _, _ = lab
    with pytest.raises(LabError, match=message):
        engine.query(sql)


def test_java_date_patterns() -> None:
    assert java_to_strftime("yyyy-MM-dd") == "%Y-%m-%d"
    assert java_to_strftime("yyyy/MM/dd/HH") == "%Y/%m/%d/%H"
    with pytest.raises(PartitionError):
        java_to_strftime("yyyy-QQ")


def projected_table(info: catalog.TableInfo, name: str, params: dict) -> catalog.TableInfo:
    """`info`'s data and schema under another name, with projection `params`."""
    template = {
        "projection.enabled": "true",
        "storage.location.template": info.location + "dt=${dt}/",
    }
    return catalog.TableInfo(
        info.database, name, info.location, "parquet", info.columns, info.partition_keys,
        {**template, **params},
    )  # fmt: skip


def test_projection_ignores_partitions_registered_in_the_catalog(lab) -> None:
    engine, stored, plays = lab
    first = days(plays)[0]
    table = projected_table(
        stored["by_dt"].table,
        "enum_projected",
        {"projection.dt.type": "enum", "projection.dt.values": first},
    )
    catalog.put_table(engine.glue, table)
    second = days(plays)[1]
    catalog.add_partitions(
        engine.glue, table, [catalog.Partition((second,), table.partition_location((second,)))]
    )
    shown = engine.query("SELECT count(*) AS n, min(dt) AS lo, max(dt) AS hi FROM enum_projected")
    assert shown.table.to_pylist() == [
        {"n": plays["dt"].to_pylist().count(first), "lo": first, "hi": first}
    ]


def test_injected_projection_takes_its_values_from_the_where_clause(lab) -> None:
    engine, stored, plays = lab
    table = projected_table(stored["by_dt"].table, "injected", {"projection.dt.type": "injected"})
    catalog.put_table(engine.glue, table)
    a, b = days(plays)[1:3]
    both = engine.query(f"SELECT count(*) AS n FROM injected WHERE dt IN ('{a}', '{b}')")
    assert both.files_read == 2
    assert both.table["n"][0].as_py() == sum(1 for d in plays["dt"].to_pylist() if d in (a, b))
    one = engine.query(f"SELECT count(*) AS n FROM injected i WHERE i.dt = '{a}' AND device_id > 0")
    assert one.files_read == 1
    for where in ("", f"WHERE dt > '{a}'", f"WHERE dt = '{a}' AND dt >= '{b}'"):
        with pytest.raises(PartitionError, match="CONSTRAINT_VIOLATION"):
            engine.query(f"SELECT count(*) FROM injected {where}")


def test_projection_settings_follow_athena() -> None:
    def values(**params: str) -> list[str]:
        props = {f"projection.k.{name.replace('__', '.')}": v for name, v in params.items()}
        table = catalog.TableInfo(
            "d", "t", "s3://b/t/", "parquet", (), (catalog.Column("k", "string"),), props
        )
        return projected_values(table, "k")  # fmt: skip

    assert values(type="enum", values="a, b") == ["a", " b"]  # white space is part of a value
    assert values(type="integer", range="1,5", interval="2", digits="2") == ["01", "03", "05"]
    month_ends = values(type="date", format="yyyy-MM-dd", range="2026-01-31,2026-04-30",
                        interval="1", interval__unit="MONTHS")  # fmt: skip
    assert month_ends == ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"]
    assert values(type="date", format="yyyy-MM", range="2026-11,2027-01") == [
        "2026-11", "2026-12", "2027-01"
    ]  # fmt: skip
    with pytest.raises(PartitionError, match=r"interval\.unit"):
        values(type="date", format="yyyy-MM-dd-HH", range="2026-11-01-00,2026-11-01-05")
    with pytest.raises(PartitionError, match="positive whole number"):
        values(type="integer", range="1,5", interval="zero")
