"""The dashboard's visuals, SPICE staleness and refresh limits, and row/column security."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from lessons import facts
from lessons.data import DatasetConfig
from lessons.errors import DatasetError
from lessons.serving import access, dashboard, processed, spice
from lessons.serving.dashboard import Filters

START = spice.clock_of("2026-11-02")
END = spice.clock_of("2026-11-10")  # after every play has arrived


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("lake")
    processed.write_processed_data(root, DatasetConfig(rows=30_000, seed=9, late_fraction=0.1))
    return processed.processed_glob(root)


@pytest.fixture(scope="module")
def raw(lake: str) -> duckdb.DuckDBPyConnection:
    """An independent connection over the same files, queried with plain SQL."""
    con = duckdb.connect()
    con.execute(f"CREATE VIEW p AS SELECT * FROM read_parquet('{lake}', hive_partitioning=true)")
    return con


def spice_at(lake: str, now_s: float, interval_s: int = 3600) -> spice.SpiceDataset:
    dataset = spice.SpiceDataset(lake, spice.RefreshSchedule(interval_s, first_at_s=START))
    dataset.tick(now_s)
    return dataset


def test_the_test_queries_equal_independent_sql_in_both_modes(lake, raw) -> None:
    expected_artist = raw.sql(
        "SELECT artist_name, count(*) AS plays FROM p GROUP BY 1 ORDER BY 2 DESC, 1"
    ).df()
    expected_pair = raw.sql(
        "SELECT device_id, track_name, count(*) AS plays FROM p GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"
    ).df()
    for source in (spice_at(lake, END).source(), spice.DirectQuery(lake).source(END)):
        artist = dashboard.plays_per_artist(source)
        pair = dashboard.plays_per_device_track(source)
        assert artist.values.tolist() == expected_artist.values.tolist()
        assert pair.values.tolist() == expected_pair.values.tolist()


def test_filters_match_sql_with_the_same_where(lake, raw) -> None:
    day = date(2026, 11, 4)
    top_artist = raw.sql("SELECT artist_name FROM p GROUP BY 1 ORDER BY count(*) DESC").fetchone()[
        0
    ]
    filters = Filters(day, day, (top_artist,), (0, 1, 2, 3, 4))
    expected = raw.execute(
        "SELECT activity_type, count(*) FROM p WHERE dt = ? AND artist_name = ? "
        "AND device_id BETWEEN 0 AND 4 GROUP BY 1 ORDER BY 2 DESC, 1",
        [day, top_artist],
    ).fetchall()
    got = dashboard.plays_by_activity(spice_at(lake, END).source(), filters)
    assert [tuple(r) for r in got.values.tolist()] == expected
    daily = dashboard.plays_over_time(spice.DirectQuery(lake).source(END), grain="day")
    assert daily["plays"].sum() == raw.sql("SELECT count(*) FROM p").fetchone()[0]


def test_spice_misses_what_arrived_after_its_refresh(lake, raw) -> None:
    now = START + 3 * 86_400 + 30 * 60  # 30 minutes after a refresh
    dataset = spice_at(lake, now)
    assert dataset.staleness_s(now) == 30 * 60
    arrived = raw.execute(
        "SELECT count(*) FILTER (WHERE arrival_ts <= ?), count(*) FILTER (WHERE arrival_ts <= ?) "
        "FROM p",
        [spice.as_timestamp(now - 30 * 60), spice.as_timestamp(now)],
    ).fetchone()
    spice_view = dashboard.render(dataset.source())
    direct_view = dashboard.render(spice.DirectQuery(lake).source(now))
    assert (spice_view.total_plays, direct_view.total_plays) == arrived
    assert direct_view.total_plays > spice_view.total_plays


def test_staleness_math_follows_the_schedule() -> None:
    schedule = spice.RefreshSchedule(3600, first_at_s=1000, duration_s=600)
    assert spice.snapshot_at(schedule, 1000 + 599) is None  # first refresh not finished
    assert spice.staleness_s(schedule, 1000 + 600) == 600
    assert spice.staleness_s(schedule, 1000 + 3600 + 599) == 3600 + 599  # old copy still served
    assert spice.staleness_s(schedule, 1000 + 3600 + 600) == 600
    assert schedule.worst_staleness_s() == 4200 and schedule.mean_staleness_s() == 2400
    assert schedule.refreshes_per_day() == 24


def test_refresh_limits_come_from_the_facts_table(lake) -> None:
    hourly = facts.as_seconds("quicksight.full_refresh_min_interval_minutes")
    with pytest.raises(spice.RefreshError, match="at most every"):
        spice.RefreshSchedule(hourly - 1)
    quarter = facts.as_seconds("quicksight.incremental_refresh_min_interval_minutes")
    assert spice.RefreshSchedule(quarter, kind="incremental").interval_s == quarter
    with pytest.raises(spice.RefreshError, match="less time"):
        spice.RefreshSchedule(hourly, duration_s=hourly)
    dataset = spice.SpiceDataset(lake, spice.RefreshSchedule(hourly), edition="standard")
    limit = int(facts.number("quicksight.manual_refresh_standard_per_24h"))
    for i in range(limit):
        dataset.create_ingestion(START + i)
    with pytest.raises(spice.RefreshError, match="LimitExceededException"):
        dataset.create_ingestion(START + limit)
    assert dataset.create_ingestion(START + 86_400).manual  # the window has slid


def test_rls_hides_rows_and_cls_hides_columns(lake, raw) -> None:
    artists = [r[0] for r in raw.sql("SELECT DISTINCT artist_name FROM p").fetchall()]
    people = access.default_principals(artists)
    source = spice_at(lake, END).source()
    north = dashboard.render(source, principal=people["label_north"])
    south = dashboard.render(source, principal=people["label_south"])
    everyone = dashboard.render(source)
    assert north.total_plays + south.total_plays == everyone.total_plays
    assert set(north.visuals["plays_per_artist"]["artist_name"]).isdisjoint(
        south.visuals["plays_per_artist"]["artist_name"]
    )
    assert "plays_per_device_track" in north.hidden and not everyone.hidden
    # Hidden visuals carry the columns, not English prose, so the app can word them in Korean.
    assert north.hidden["plays_per_device_track"] == ("device_id",)
    assert people["label_north"].role == "label_manager"
    assert set(people["label_north"].scope) | set(people["label_south"].scope) == set(artists)
    assert people["device_support"].scope == ("0", "1", "2")
    with pytest.raises(access.AccessError, match="device_id"):
        dashboard.plays_per_device_track(source, principal=people["label_north"])
    with pytest.raises(dashboard.FilterError, match="cannot filter on device_id"):
        dashboard.render(source, Filters(devices=(1,)), people["label_north"])
    support = dashboard.render(source, principal=people["device_support"])
    assert set(support.visuals["plays_per_device_track"]["device_id"]) <= {0, 1, 2}


def test_lake_formation_style_grants_become_principals() -> None:
    class Grant:
        principal, columns, row_filter = "analyst_eu", ["dt", "artist_name", "plays"], "TRUE"

    with pytest.raises(access.AccessError, match="role"):
        access.Principal("someone", role="boss")
    found = access.from_grants([Grant()])
    assert found["analyst_eu"].hidden(["device_id", "artist_name"]) == ["device_id"]
    with pytest.raises(access.AccessError):
        access.from_grants([object()])


def test_the_lake_lessons_principals_see_what_lake_formation_grants(lake, raw) -> None:
    from lessons.lake import demo

    people = access.lake_formation_principals()
    assert set(people) == set(demo.PRINCIPALS)
    source = spice_at(lake, END).source()
    admin = dashboard.render(source, principal=people["admin"])
    analyst = dashboard.render(source, principal=people["analyst"])
    partner = dashboard.render(source, principal=people["partner"])
    assert (
        admin.total_plays == analyst.total_plays == raw.sql("SELECT count(*) FROM p").fetchone()[0]
    )
    assert not admin.hidden and "plays_per_device_track" in analyst.hidden
    assert {p.role for p in people.values()} == {"lake_formation"}
    running = raw.sql(
        "SELECT count(*) FROM p WHERE activity_type = ?", params=[demo.PARTNER_ACTIVITY]
    ).fetchone()[0]
    assert 0 < partner.total_plays == running < admin.total_plays
    assert set(partner.visuals["plays_by_activity"]["activity_type"]) == {demo.PARTNER_ACTIVITY}


@pytest.mark.parametrize(
    "make, problem",
    [
        (lambda: Filters(date(2026, 11, 5), date(2026, 11, 4)), "after the end date"),
        (lambda: Filters(devices=(-1,)), "non-negative"),
        (lambda: Filters(artists=("",)), "non-empty"),
        (lambda: Filters(start="2026-11-04"), "must be a date"),
    ],
)
def test_bad_filters_are_clear_errors(make, problem: str) -> None:
    with pytest.raises(dashboard.FilterError, match=problem):
        make()


def test_missing_lake_and_unrefreshed_spice_are_clear_errors(tmp_path: Path, lake) -> None:
    with pytest.raises(DatasetError, match="No processed_data Parquet"):
        processed.processed_glob(tmp_path)
    with pytest.raises(spice.RefreshError, match="not been imported"):
        spice.SpiceDataset(lake, spice.RefreshSchedule(3600)).source()
    with pytest.raises(dashboard.FilterError, match="grain"):
        dashboard.plays_over_time(spice.DirectQuery(lake).source(END), grain="week")


def test_the_serving_writer_gives_the_glue_jobs_rows(tmp_path: Path) -> None:
    from lessons import localaws
    from lessons.data import generate_plays, generate_tracks
    from lessons.lake import glue
    from lessons.lake.layout import Lake

    config = DatasetConfig(rows=4_000, seed=3, duplicate_fraction=0.02, late_fraction=0.05)
    plays, tracks = generate_plays(config), generate_tracks(config)
    lake = Lake(tmp_path / "glue-lake")
    run = glue.build_processed_data(localaws.client("glue"), lake, plays, tracks)
    assert run.duplicates_dropped > 0
    written = tmp_path / "serving-lake"
    processed.write_processed_data(written, config)
    key = "uuid, track_name, artist_name, dt"
    query = f"SELECT {key} FROM read_parquet('{{}}', hive_partitioning = true) ORDER BY {key}"
    con = duckdb.connect()
    from_glue = con.sql(query.format(lake.path(glue.processed_table().location) / "dt=*/*.parquet"))
    from_writer = con.sql(query.format(processed.processed_glob(written)))
    assert from_glue.fetchall() == from_writer.fetchall()


def test_every_visual_has_a_figure_with_its_rows(lake) -> None:
    from lessons.serving import figures

    view = dashboard.render(spice_at(lake, END).source())
    for name, frame in view.visuals.items():
        fig = figures.visual(name, frame, name)
        shown = len(fig.data[0].x if name == "plays_over_time" else fig.data[0].y)
        expected = (
            min(len(frame), figures.TOP_PAIRS) if name == "plays_per_device_track" else len(frame)
        )
        assert shown == expected, name
    empty = view.visuals["plays_per_artist"].head(0)
    assert len(figures.visual("plays_per_artist", empty, "none").data[0].y) == 0
