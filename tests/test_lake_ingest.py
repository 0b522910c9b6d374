"""Landing plays in the raw zone: Firehose's custom dt= prefix, day by day, schema change kept."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pytest

from lessons.data import SCHEMA_CHANGE_COLUMN, DatasetConfig, generate_plays, generate_tracks
from lessons.lake import ingest, layout
from lessons.lake.layout import Lake
from lessons.streams import firehose
from lessons.streams.errors import InvalidArgumentException
from lessons.streams.firehose import DeliveryStream
from lessons.streams.workload import Workload

CONFIG = DatasetConfig(
    rows=4_000, seed=11, days=3, duplicate_fraction=0.02, late_fraction=0.02, schema_change_day=2
)


@pytest.fixture(scope="module")
def plays():
    return generate_plays(CONFIG)


def _records(lake: Lake) -> list[dict]:
    return [
        json.loads(line)
        for uri in lake.objects(layout.RAW_PLAYS)
        for line in lake.path(uri).read_text().splitlines()
    ]


def _ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)


def test_a_timestamp_prefix_replaces_the_hour_folders_and_uses_the_oldest_record() -> None:
    t = np.array([_ms(2026, 11, 2, 23, 59, 30), _ms(2026, 11, 3, 0, 0, 10)], dtype=np.int64)
    work = Workload(t, t.copy(), np.array(["k", "k"], dtype=object),
                    np.array([100, 100], dtype=np.int32), np.array(["a", "b"], dtype=object),
                    np.zeros(2, dtype=np.int32))  # fmt: skip
    stream = DeliveryStream(
        buffer_size_mib=1, buffer_interval_s=60, prefix="p/dt=!{timestamp:yyyy-MM-dd}/"
    )
    delivery = stream.simulate_delivery(work)
    assert len(delivery) == 1 and delivery.records.tolist() == [2]
    assert delivery.keys[0].startswith("p/dt=2026-11-02/plays-to-s3-1-2026-11-03-00-00-30-")
    assert firehose.evaluate_prefix("x/!{timestamp:yyyy'/'MM}/h=!{timestamp:HH}/", int(t[1])) == (
        "x/2026/11/h=00/"
    )


@pytest.mark.parametrize("prefix", ["raw/!{firehose:random-string}/", "raw/!{timestamp:EEE}/"])
def test_prefix_expressions_outside_the_model_are_refused(prefix: str) -> None:
    with pytest.raises(InvalidArgumentException, match="Prefix"):
        DeliveryStream(prefix=prefix)


def test_landing_day_by_day_writes_the_same_objects_as_landing_everything(
    plays, tmp_path: Path
) -> None:
    days = ingest.available_days(plays)
    assert days == sorted(days) and len(days) >= CONFIG.days
    by_day, at_once = Lake(tmp_path / "a"), Lake(tmp_path / "b")
    landed = [ingest.land_days(plays, by_day, days=[d]) for d in days]
    everything = ingest.land_days(plays, at_once)
    assert [lg.days for lg in landed] == [(d,) for d in days]
    assert sum(lg.records for lg in landed) == everything.records == plays.num_rows
    names = [uri.removeprefix(layout.RAW_PLAYS) for uri in by_day.objects(layout.RAW_PLAYS)]
    assert names == [
        uri.removeprefix(layout.RAW_PLAYS) for uri in at_once.objects(layout.RAW_PLAYS)
    ]
    for uri in by_day.objects(layout.RAW_PLAYS):
        assert by_day.path(uri).read_bytes() == at_once.path(uri).read_bytes()
    assert all(n.split("/")[0].startswith("dt=") for n in names)


def test_each_object_sits_in_the_folder_of_its_oldest_record_s_arrival_day(
    plays, tmp_path: Path
) -> None:
    lake = Lake(tmp_path)
    landing = ingest.land_days(plays, lake)
    for obj in landing.objects:
        lines = lake.path(obj.uri).read_text().splitlines()
        assert len(lines) == obj.records and lake.path(obj.uri).stat().st_size == obj.bytes
        assert json.loads(lines[0])["arrival_ts"][:10] == obj.dt
        assert f"/dt={obj.dt}/" in obj.uri
    frame = landing.to_frame()
    assert frame["records"].sum() == plays.num_rows and frame["objects"].sum() == len(
        landing.objects
    )


def test_raw_records_are_the_plays_and_show_the_schema_change_as_a_missing_key(
    plays, tmp_path: Path
) -> None:
    lake = Lake(tmp_path)
    ingest.land_days(plays, lake)
    records = _records(lake)
    assert sorted(r["uuid"] for r in records) == sorted(plays.column("uuid").to_pylist())
    with_version = [r for r in records if SCHEMA_CHANGE_COLUMN in r]
    expected = plays.num_rows - plays.column(SCHEMA_CHANGE_COLUMN).null_count
    assert len(with_version) == expected > 0
    assert all(r[SCHEMA_CHANGE_COLUMN] is not None for r in with_version)
    change = str(CONFIG.start.replace(day=CONFIG.start.day + CONFIG.schema_change_day))
    assert all(r["device_ts"][:10] >= change for r in with_version)
    assert all(r["device_ts"][:10] < change for r in records if SCHEMA_CHANGE_COLUMN not in r)
    first = next(r for r in records if r["uuid"] == plays.column("uuid")[0].as_py())
    assert set(first) >= {"uuid", "device_ts", "device_id", "device_temp", "track_id",
                          "activity_type", "arrival_ts"}  # fmt: skip


def test_resent_events_land_as_separate_records(plays, tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    ingest.land_days(plays, lake)
    uuids = [r["uuid"] for r in _records(lake)]
    resent = len(uuids) - len(set(uuids))
    assert resent == round(CONFIG.rows * CONFIG.duplicate_fraction) > 0
    assert resent == plays.num_rows - pc.count_distinct(plays.column("uuid")).as_py()


def test_a_day_without_objects_is_a_clear_error(plays, tmp_path: Path) -> None:
    with pytest.raises(ingest.IngestError, match="2030-01-01"):
        ingest.land_days(plays, Lake(tmp_path), days=["2030-01-01"])
    assert not (tmp_path / layout.BUCKET).exists()


def test_tracks_land_as_one_csv_object_with_a_header(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    tracks = generate_tracks()
    uri = ingest.land_tracks(tracks, lake)
    assert uri.startswith(layout.REFERENCE_TRACKS) and lake.objects(layout.REFERENCE_TRACKS) == [
        uri
    ]
    rows = list(csv.DictReader(lake.path(uri).read_text().splitlines()))
    assert rows == tracks.to_pylist()
