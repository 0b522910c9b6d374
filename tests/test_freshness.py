"""Stream vs batch model: freshness and work on hand-made arrivals with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from lessons.errors import LabError
from lessons.streams.freshness import Schedule, answer_over_time, compare, run_schedule

# Three events at 0.5 s, 1.5 s and 2.5 s past a whole hour; two artists.
HOUR = 3_600_000
ARRIVAL = np.array([HOUR + 500, HOUR + 1_500, HOUR + 2_500], dtype=np.int64)
ARTISTS = np.array(["Ada", "Bo", "Ada"], dtype=object)


def test_an_event_shows_when_the_next_run_after_it_finishes() -> None:
    every_second = Schedule("s", "stream", interval_s=1, startup_s=0, records_per_s=1e12)
    result = run_schedule(ARRIVAL, ARTISTS, every_second)
    assert result.runs == 3
    assert result.latency_p50_s == pytest.approx(0.5)
    hourly = Schedule("h", "batch-incremental", interval_s=3600, startup_s=60, records_per_s=1e12)
    slow = run_schedule(ARRIVAL, ARTISTS, hourly)
    assert slow.runs == 1
    assert slow.latency_p50_s == pytest.approx(3600 - 1.5 + 60, abs=0.01)


def test_full_recompute_rereads_and_incremental_reads_once() -> None:
    full = run_schedule(ARRIVAL, ARTISTS, Schedule("f", "batch-full", 1, 0))
    incremental = run_schedule(ARRIVAL, ARTISTS, Schedule("i", "batch-incremental", 1, 0))
    assert full.records_read == 1 + 2 + 3
    assert incremental.records_read == 3


def test_a_stream_is_paid_for_its_whole_deployment_a_batch_only_while_running() -> None:
    stream = run_schedule(ARRIVAL, ARTISTS, Schedule("s", "stream", 1, startup_s=0.1))
    batch = run_schedule(ARRIVAL, ARTISTS, Schedule("b", "batch-incremental", 1, startup_s=0.1))
    assert stream.paid_seconds == pytest.approx(3.0)
    assert batch.paid_seconds == pytest.approx(batch.job_seconds)
    assert stream.paid_seconds > batch.paid_seconds


def test_every_schedule_converges_to_the_same_counts() -> None:
    rng = np.random.default_rng(5)
    arrival = np.sort(rng.integers(0, 3 * 86_400_000, 5_000))
    artists = rng.choice(np.array(["Ada", "Bo", "Cy"], dtype=object), 5_000)
    table = compare(arrival, artists)
    assert table["freshness p50 (s)"].is_monotonic_decreasing
    expected = {name: int((artists == name).sum()) for name in ("Ada", "Bo", "Cy")}
    for schedule in (Schedule("d", "batch-full", 86_400, 60), Schedule("s", "stream", 1, 0)):
        assert run_schedule(arrival, artists, schedule).final_counts.to_dict() == expected


def test_answer_over_time_counts_one_artist_per_run() -> None:
    frame = answer_over_time(ARRIVAL, ARTISTS, "Ada", Schedule("s", "stream", 1, 0))
    assert frame["plays"].tolist() == [1, 1, 2]


@pytest.mark.parametrize(
    "kwargs", [{"kind": "weekly"}, {"interval_s": 0}, {"startup_s": -1}, {"records_per_s": 0}]
)
def test_bad_schedules_are_clear_errors(kwargs: dict) -> None:
    settings = {"name": "x", "kind": "stream", "interval_s": 1, "startup_s": 0, **kwargs}
    with pytest.raises(LabError):
        Schedule(**settings)


def test_no_events_is_a_clear_error() -> None:
    with pytest.raises(LabError, match="no events"):
        run_schedule(
            np.array([], dtype=np.int64), np.array([], dtype=object), Schedule("s", "stream", 1, 0)
        )
