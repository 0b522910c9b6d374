"""The Flink-style window operators: assignment, watermarks, lateness, sessions, recovery."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lessons import facts
from lessons.data import DatasetConfig, generate_plays, generate_tracks
from lessons.errors import LabError
from lessons.flink import anomaly, recovery, reference, service
from lessons.flink.stream import (
    EventStream,
    StreamError,
    disorder_ms,
    max_disorder_ms,
    stream_from_plays,
)
from lessons.flink.windows import (
    DROPPED,
    LATE,
    ON_TIME,
    Watermarks,
    WindowError,
    WindowSpec,
    assign_windows,
    processing_time_counts,
    run_windows,
)

MIN = 60_000
HOUR = 60 * MIN


def make_stream(event_ms: list[int], key: list[int] | None = None) -> EventStream:
    """Events in the given arrival order, one millisecond apart."""
    n = len(event_ms)
    keys = np.asarray(key if key is not None else [0] * n, dtype=np.int64)
    return EventStream(
        np.asarray(event_ms, dtype=np.int64), np.arange(n, dtype=np.int64) + 10**12, keys,
        tuple(str(k) for k in range(int(keys.max()) + 1)), keys, np.full(n, 30.0),
    )  # fmt: skip


@pytest.fixture(scope="module")
def plays():
    return generate_plays(DatasetConfig(rows=30_000, seed=11, late_fraction=0.03))


@pytest.fixture(scope="module")
def stream(plays) -> EventStream:
    return stream_from_plays(plays)


# -- assignment ---------------------------------------------------------------------------------
def test_tumbling_assigns_each_event_to_the_window_holding_it() -> None:
    event, start = assign_windows(np.array([0, 9, 10, 25]), WindowSpec.tumbling(10))
    assert event.tolist() == [0, 1, 2, 3]
    assert start.tolist() == [0, 0, 10, 20]


def test_sliding_assigns_size_over_slide_windows_each_containing_the_event() -> None:
    t = np.array([7, 30])
    event, start = assign_windows(t, WindowSpec.sliding(30, 10))
    pairs = sorted(zip(event.tolist(), start.tolist(), strict=True))
    assert pairs == [(0, -20), (0, -10), (0, 0), (1, 10), (1, 20), (1, 30)]
    assert all(s <= t[e] < s + 30 for e, s in pairs)


# -- watermarks and lateness ------------------------------------------------------------------
def test_watermark_trails_the_newest_event_time_by_the_delay() -> None:
    run = run_windows(make_stream([100, 50, 300, 200]), WindowSpec.tumbling(1000),
                      Watermarks(delay_ms=40))  # fmt: skip
    assert run.watermark_ms.tolist() == [59, 59, 259, 259]
    assert np.all(np.diff(run.watermark_ms) >= 0), "the watermark never goes back"


def test_a_window_fires_once_the_watermark_passes_its_end() -> None:
    # Window [0, 10) fires when the watermark reaches 9: at the event with time 15 (15 - 5 - 1).
    run = run_windows(make_stream([1, 2, 12, 15, 30]), WindowSpec.tumbling(10), Watermarks(5))
    first = run.firings.iloc[0]
    assert (first["window_start"], first["count"], first["kind"]) == (0, 2, "on-time")
    assert first["offset"] == 4, "fired after the 4th event pushed the watermark to 9"


def test_late_event_is_dropped_without_allowed_lateness_and_sent_to_side_output() -> None:
    events = [1, 20, 3, 25]  # 3 arrives after the watermark (20 - 0 - 1 = 19) passed 9
    marks = Watermarks(delay_ms=0, side_output=True)
    run = run_windows(make_stream(events), WindowSpec.tumbling(10), marks)
    assert run.event_status.tolist() == [ON_TIME, ON_TIME, DROPPED, ON_TIME]
    assert run.side_output.tolist() == [2]
    assert run.results.set_index("window_start")["count"].to_dict() == {0: 1, 20: 2}
    assert run_windows(make_stream(events), WindowSpec.tumbling(10), Watermarks(0)).side_output \
        is None  # fmt: skip


def test_allowed_lateness_counts_the_late_event_with_a_late_firing() -> None:
    run = run_windows(make_stream([1, 20, 3, 25]), WindowSpec.tumbling(10),
                      Watermarks(delay_ms=0, allowed_lateness_ms=15))  # fmt: skip
    assert run.event_status.tolist() == [ON_TIME, ON_TIME, LATE, ON_TIME]
    window0 = run.firings[run.firings["window_start"] == 0]
    assert window0[["count", "kind"]].values.tolist() == [[1, "on-time"], [2, "late"]]
    assert run.results.set_index("window_start")["count"].to_dict() == {0: 2, 20: 2}
    assert run.late_firings == 1


def test_state_is_purged_after_the_lateness_so_later_stragglers_drop() -> None:
    # Lateness 15: window [0,10) state lives until the watermark reaches 9 + 15 = 24.
    run = run_windows(make_stream([1, 30, 4]), WindowSpec.tumbling(10),
                      Watermarks(delay_ms=0, allowed_lateness_ms=15))  # fmt: skip
    assert run.event_status.tolist() == [ON_TIME, ON_TIME, DROPPED]


def test_a_larger_watermark_delay_drops_fewer_events(stream) -> None:
    spec = WindowSpec.tumbling(30 * MIN)
    dropped = [run_windows(stream, spec, Watermarks(d * MIN)).dropped_events for d in (0, 10, 60)]
    assert dropped[0] > dropped[1] > dropped[2]


def test_disorder_is_measured_against_the_newest_earlier_event() -> None:
    s = make_stream([10, 30, 5, 40, 39])
    assert disorder_ms(s).tolist() == [0, 0, 25, 0, 1]
    assert max_disorder_ms(s) == 25


# -- agreement with DuckDB --------------------------------------------------------------------
@pytest.mark.parametrize(
    "spec",
    [WindowSpec.tumbling(HOUR), WindowSpec.sliding(HOUR, 15 * MIN), WindowSpec.session(30 * MIN)],
    ids=["tumbling", "sliding", "session"],
)
def test_with_delay_at_least_the_max_lateness_counts_equal_duckdb_group_by(stream, spec) -> None:
    run = run_windows(stream, spec, Watermarks(delay_ms=max_disorder_ms(stream)))
    assert run.dropped_events == 0 and run.late_firings == 0
    sql = reference.sql_window_counts(stream, spec)
    pd.testing.assert_frame_equal(run.results, sql)


@pytest.mark.parametrize("spec", [WindowSpec.tumbling(HOUR), WindowSpec.session(30 * MIN)],
                         ids=["tumbling", "session"])  # fmt: skip
def test_short_delay_undercounts_by_exactly_the_dropped_events(stream, spec) -> None:
    run = run_windows(stream, spec, Watermarks(delay_ms=MIN))
    sql = reference.sql_window_counts(stream, spec)
    assert run.dropped_events > 0
    assert int(sql["count"].sum()) - int(run.results["count"].sum()) == run.dropped_events


def test_allowed_lateness_covering_the_disorder_restores_the_sql_counts(stream) -> None:
    spec = WindowSpec.tumbling(HOUR)
    run = run_windows(stream, spec, Watermarks(MIN, allowed_lateness_ms=max_disorder_ms(stream)))
    assert run.dropped_events == 0 and run.late_firings > 0
    pd.testing.assert_frame_equal(run.results, reference.sql_window_counts(stream, spec))
    first = run.first_results["count"].sum()
    assert first < run.results["count"].sum(), "first firings miss what arrives late"


def test_processing_time_windows_put_late_plays_in_the_wrong_window(stream) -> None:
    by_arrival = processing_time_counts(stream, HOUR)
    by_event = reference.sql_window_counts(stream, WindowSpec.tumbling(HOUR))
    both = reference.agreement(by_arrival.assign(window_end=by_arrival.window_start + HOUR),
                               by_event)  # fmt: skip
    assert both["count_stream"].sum() == both["count_sql"].sum() == len(stream)
    assert (both["difference"] != 0).any()


def test_artist_key_joins_the_tracks_reference(plays) -> None:
    s = stream_from_plays(plays, "artist_name", generate_tracks())
    assert len(set(s.key.tolist())) > 1 and len(s.key_names) >= len(set(s.key.tolist()))
    run = run_windows(s, WindowSpec.tumbling(HOUR), Watermarks(max_disorder_ms(s)))
    assert int(run.results["count"].sum()) == len(s)


# -- sessions ---------------------------------------------------------------------------------
def test_sessions_split_on_a_gap_and_a_late_event_bridges_two_sessions() -> None:
    spec = WindowSpec.session(10)
    apart = run_windows(make_stream([0, 5, 40, 45]), spec, Watermarks(100))
    assert apart.results[["window_start", "window_end", "count"]].values.tolist() == [
        [0, 15, 2], [40, 55, 2]]  # fmt: skip
    # Late events 14, 24 and 30 each touch the session before them: one session remains.
    bridged = run_windows(make_stream([0, 5, 40, 45, 14, 24, 30]), spec, Watermarks(100))
    assert bridged.results[["window_start", "window_end", "count"]].values.tolist() == [[0, 55, 7]]


def test_sessions_are_per_key() -> None:
    run = run_windows(make_stream([0, 3, 6], key=[0, 1, 0]), WindowSpec.session(10), Watermarks(0))
    assert run.results[["key", "count"]].values.tolist() == [[0, 2], [1, 1]]


# -- checkpoints and failures -----------------------------------------------------------------
def test_restore_from_checkpoint_gives_the_failure_free_counts_exactly(stream) -> None:
    spec, marks = WindowSpec.tumbling(HOUR), Watermarks(10 * MIN, allowed_lateness_ms=2 * HOUR)
    clean = run_windows(stream, spec, marks)
    n = len(stream)
    failed = recovery.run_exactly_once(stream, spec, marks, 60, (n // 3, 2 * n // 3),
                                       speedup=1_008)  # fmt: skip
    assert failed.checkpoints >= 5 and failed.replayed_events > 0 and failed.aborted_firings > 0
    pd.testing.assert_frame_equal(failed.results, clean.results)
    pd.testing.assert_frame_equal(failed.committed, clean.firings, check_dtype=False)


def test_at_least_once_without_checkpoints_double_counts_the_replayed_events(stream) -> None:
    spec = WindowSpec.tumbling(HOUR)
    n = len(stream)
    loose = recovery.run_at_least_once(stream, spec, 60, (n // 2,), speedup=1_008)
    true = reference.sql_window_counts(stream, spec)
    extra = int(loose.counts["count"].sum()) - int(true["count"].sum())
    assert loose.double_counted == extra == loose.replayed_events > 0
    commits = recovery.checkpoint_offsets(stream, 60, 1_008)
    assert loose.replayed_events == n // 2 - commits[commits < n // 2].max()


def test_checkpoints_follow_the_interval_of_processing_time(stream) -> None:
    assert recovery.default_interval_s() == facts.as_seconds("flink.checkpoint_interval_default_s")
    few = recovery.checkpoint_offsets(stream, 120, 1_008)
    many = recovery.checkpoint_offsets(stream, 30, 1_008)
    assert 0 < len(few) < len(many)
    assert np.all(np.diff(many) > 0)


# -- anomaly band -----------------------------------------------------------------------------
def test_an_overheating_device_is_flagged_and_healthy_devices_are_not(stream) -> None:
    start = int(stream.event_ms.min()) + 3 * 24 * HOUR
    hot = anomaly.inject_overheating(stream, device=7, from_ms=start, rise=25)
    band = anomaly.rolling_band(hot, window=100, k=3.0)
    alerts = anomaly.alerts_per_device(band).set_index("device")["alerts"]
    assert alerts[7] > 0
    assert alerts.drop(7).sum() == 0
    flagged = band[band["alert"]]
    assert (flagged["event_ms"] >= start).all(), "no alert before the device heats up"
    assert anomaly.rolling_band(stream, 100, 3.0)["alert"].sum() == 0


def test_the_band_uses_only_earlier_readings() -> None:
    s = make_stream(list(range(6))).with_temperatures(np.array([30, 30, 31, 30, 31, 60.0]))
    band = anomaly.rolling_band(s, window=4, k=3.0)
    assert band["alert"].tolist() == [False] * 5 + [True]
    assert band["high"].iloc[5] < 60 and np.isnan(band["high"].iloc[3])


# -- determinism, capacity and errors ---------------------------------------------------------
def test_same_seed_gives_the_same_results() -> None:
    def counts(seed: int) -> pd.DataFrame:
        s = stream_from_plays(generate_plays(DatasetConfig(rows=5_000, seed=seed,
                                                           late_fraction=0.05)))  # fmt: skip
        return run_windows(s, WindowSpec.tumbling(HOUR), Watermarks(5 * MIN)).results

    pd.testing.assert_frame_equal(counts(3), counts(3))
    assert not counts(3).equals(counts(4))


def test_kpus_follow_parallelism_per_kpu_and_add_the_orchestration_kpu() -> None:
    default = service.kpu_plan()
    assert default.task_kpus == 1 and default.billed_kpus == 1 + facts.number(
        "flink.orchestration_kpus")  # fmt: skip
    plan = service.kpu_plan(parallelism=10, parallelism_per_kpu=4)
    assert plan.task_kpus == 3
    assert plan.memory_gb == 3 * facts.number("flink.kpu_memory_gb")
    minimum_h = facts.as_seconds("flink.min_charge_minutes") / 3600
    assert plan.kpu_hours(0.01) == plan.billed_kpus * minimum_h
    with pytest.raises(service.CapacityError, match="ParallelismPerKPU"):
        service.kpu_plan(4, int(facts.number("flink.parallelism_per_kpu_max")) + 1)
    with pytest.raises(service.CapacityError, match="limit"):
        service.kpu_plan(int(facts.number("flink.max_kpus_default")) + 1, 1)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: WindowSpec.tumbling(0), "size greater than zero"),
        (lambda: WindowSpec.sliding(10, 0), "slide greater than zero"),
        (lambda: WindowSpec.sliding(10, 20), "slide is larger"),
        (lambda: WindowSpec.session(0), "gap greater than zero"),
        (lambda: WindowSpec("hopping"), "must be one of"),
        (lambda: Watermarks(-1), "cannot be negative"),
        (lambda: Watermarks(0, allowed_lateness_ms=-5), "lateness cannot be negative"),
        (lambda: anomaly.rolling_band(make_stream([1, 2]), window=1), "at least 2"),
        (lambda: recovery.checkpoint_offsets(make_stream([1, 2]), 0), "must be positive"),
        (lambda: recovery.run_exactly_once(make_stream([1, 2, 3]), WindowSpec.tumbling(10),
                                           Watermarks(0), 1, (7,)), "offset between"),
    ],
)  # fmt: skip
def test_bad_settings_are_clear_lab_errors(make, message: str) -> None:
    with pytest.raises(LabError, match=message):
        make()


def test_bad_stream_inputs_are_clear_errors(plays) -> None:
    with pytest.raises(StreamError, match="tracks reference"):
        stream_from_plays(plays, "artist_name")
    with pytest.raises(StreamError, match="key must be one of"):
        stream_from_plays(plays, "track_name")
    with pytest.raises(WindowError, match="empty"):
        run_windows(make_stream([1]).slice(0, 0), WindowSpec.tumbling(10), Watermarks(0))
