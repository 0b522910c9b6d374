"""The music dataset generator: shapes, options, determinism, and clear errors."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc
import pytest

from lessons.data import (
    ACTIVITY_TYPES,
    SCHEMA_CHANGE_COLUMN,
    TEMPERATURES,
    ConfigError,
    DatasetConfig,
    generate_plays,
    generate_tracks,
    hourly_rhythm,
)

SMALL = DatasetConfig(rows=20_000, seed=3)


def column(table, name) -> np.ndarray:
    return table.column(name).to_numpy()


def test_default_ranges_follow_the_workshop_template() -> None:
    plays = generate_plays(SMALL)
    assert plays.num_rows == 20_000
    assert set(column(plays, "device_id")) <= set(range(51))
    assert set(column(plays, "track_id")) <= set(range(31))
    assert set(column(plays, "device_temp")) == set(TEMPERATURES)
    assert set(plays.column("activity_type").to_pylist()) == set(ACTIVITY_TYPES)


def test_same_seed_same_data_and_different_seed_different_data() -> None:
    assert generate_plays(SMALL).equals(generate_plays(SMALL))
    assert not generate_plays(SMALL).equals(generate_plays(SMALL.replace(seed=4)))


def test_uuids_are_unique_version_4_without_duplicates_option() -> None:
    uuids = generate_plays(SMALL).column("uuid").to_pylist()
    assert len(set(uuids)) == len(uuids)
    assert all(len(u) == 36 and u[14] == "4" and u[19] in "89ab" for u in uuids[:1000])


def test_events_are_in_arrival_order_and_arrive_after_they_happen() -> None:
    plays = generate_plays(SMALL.replace(late_fraction=0.05))
    arrival = column(plays, "arrival_ts")
    assert np.all(np.diff(arrival.astype("int64")) >= 0)
    assert np.all(arrival >= column(plays, "device_ts"))


def test_late_fraction_controls_how_many_arrive_over_a_minute_late() -> None:
    plays = generate_plays(DatasetConfig(rows=50_000, late_fraction=0.1))
    delay = column(plays, "arrival_ts") - column(plays, "device_ts")
    late_share = np.mean(delay > np.timedelta64(60, "s"))
    assert 0.09 < late_share < 0.11
    on_time = generate_plays(DatasetConfig(rows=50_000))
    on_time_delay = column(on_time, "arrival_ts") - column(on_time, "device_ts")
    assert np.mean(on_time_delay > np.timedelta64(60, "s")) == 0


def test_duplicates_are_resent_copies_with_the_same_uuid_arriving_later() -> None:
    plays = generate_plays(SMALL.replace(duplicate_fraction=0.02)).to_pandas()
    resent = plays[plays.duplicated("uuid", keep=False)].sort_values(["uuid", "arrival_ts"])
    assert len(resent) == 2 * 400
    firsts, seconds = resent.iloc[::2], resent.iloc[1::2]
    for name in ("device_ts", "device_id", "track_id", "activity_type", "device_temp"):
        assert (firsts[name].to_numpy() == seconds[name].to_numpy()).all()
    assert (seconds["arrival_ts"].to_numpy() > firsts["arrival_ts"].to_numpy()).all()


def test_track_popularity_is_zipf_like_and_uniform_when_skew_is_zero() -> None:
    counts = np.sort(np.bincount(column(generate_plays(SMALL), "track_id"), minlength=31))[::-1]
    assert counts[0] > 8 * counts[-1]
    flat = np.bincount(column(generate_plays(SMALL.replace(track_skew=0)), "track_id"))
    assert flat.max() < 1.3 * flat.min()


def test_a_few_devices_are_very_active() -> None:
    counts = np.sort(np.bincount(column(generate_plays(SMALL), "device_id")))[::-1]
    assert counts[:3].sum() / counts.sum() == pytest.approx(0.25, abs=0.02)
    assert counts[2] > 4 * counts[3]


def test_daily_rhythm_peaks_in_the_evening() -> None:
    weights = hourly_rhythm()
    assert weights.sum() == pytest.approx(1)
    assert np.argmax(weights) == 19 and np.argmin(weights) == 7
    hours = pc.hour(generate_plays(SMALL).column("device_ts")).to_numpy()
    by_hour = np.bincount(hours, minlength=24)
    assert by_hour[18:22].mean() > 3 * by_hour[4:8].mean()


def test_schema_change_adds_a_column_from_the_change_day_on() -> None:
    config = SMALL.replace(schema_change_day=4)
    plays = generate_plays(config)
    days = (
        column(plays, "device_ts").astype("datetime64[D]") - np.datetime64(config.start)
    ).astype(int)
    present = plays.column(SCHEMA_CHANGE_COLUMN).is_valid().to_numpy(zero_copy_only=False)
    assert np.array_equal(present, days >= 4)


def test_tracks_reference_stores_track_id_as_text_with_unique_names() -> None:
    tracks = generate_tracks()
    assert tracks.num_rows == 100
    assert str(tracks.schema.field("track_id").type) == "string"
    assert tracks.column("track_id").to_pylist() == [str(i) for i in range(100)]
    names = tracks.column("track_name").to_pylist()
    assert len(set(names)) == len(names)
    assert tracks.equals(generate_tracks(SMALL.replace(seed=99))), "independent of the event seed"
    artist_tracks = np.sort(tracks.to_pandas()["artist_name"].value_counts().to_numpy())[::-1]
    assert artist_tracks[0] >= 3 * artist_tracks[-1], "some artists own many more tracks"


def test_chunked_generation_keeps_ids_unique_across_chunks(monkeypatch) -> None:
    import lessons.data as data

    whole = generate_plays(DatasetConfig(rows=3_000))
    monkeypatch.setattr(data, "CHUNK_ROWS", 1_000)
    chunked = generate_plays(DatasetConfig(rows=3_000))
    assert chunked.num_rows == whole.num_rows == 3_000
    assert len(set(chunked.column("uuid").to_pylist())) == 3_000


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"rows": 0}, "rows"),
        ({"days": 0}, "days"),
        ({"duplicate_fraction": 0.9}, "duplicate_fraction"),
        ({"late_fraction": -0.1}, "late_fraction"),
        ({"schema_change_day": 7}, "schema_change_day"),
        ({"event_tracks": 101}, "event_tracks"),
        ({"track_skew": -1}, "track_skew"),
    ],
)
def test_bad_options_give_one_clear_message(changes: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        DatasetConfig(**changes)
