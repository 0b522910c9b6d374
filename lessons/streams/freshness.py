"""Stream vs batch: the same question answered on a schedule, measured for freshness and work.

The question is "plays per artist so far". A batch job runs every `interval` and either recounts
everything that has arrived (full recompute) or only what arrived since its last run
(incremental); a streaming job is the same idea with a tiny interval and a cheap, always-running
process. For every event we measure how long after its arrival it shows in the answer
(freshness), and for every schedule how much work it did (records read, job runs). Once all data
has arrived, every schedule gives the same counts: streaming and batch differ in *when*, not in
*what*.

Fidelity: a job run takes a fixed start-up time plus time proportional to the records it reads;
real engines vary (Glue and EMR start in tens of seconds to minutes, a running Flink job has no
start-up), and the defaults below are illustrative assumptions of this lesson, not AWS figures.
A batch job is paid while it runs; a streaming job is paid for as long as it is deployed, so its
paid time is the whole span even when it is idle.
Arrival order and times come from the dataset; nothing here depends on the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from lessons.errors import LabError

KINDS = ("batch-full", "batch-incremental", "stream")


@dataclass(frozen=True)
class Schedule:
    """How often a job answers, and what one run costs (assumptions, see Fidelity)."""

    name: str
    kind: str
    interval_s: float
    startup_s: float
    records_per_s: float = 2_000_000.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise LabError(f"kind must be one of {', '.join(KINDS)}")
        if self.interval_s <= 0 or self.startup_s < 0 or self.records_per_s <= 0:
            raise LabError("interval must be positive; start-up and rate non-negative/positive")


DEFAULT_SCHEDULES = (
    Schedule("daily batch (full)", "batch-full", 86_400, startup_s=60),
    Schedule("hourly batch (full)", "batch-full", 3_600, startup_s=60),
    Schedule("hourly batch (incremental)", "batch-incremental", 3_600, startup_s=60),
    Schedule("15-minute batch (incremental)", "batch-incremental", 900, startup_s=60),
    Schedule("micro-batch stream (10 s)", "stream", 10, startup_s=0.2),
    Schedule("stream (1 s)", "stream", 1, startup_s=0.05),
)


@dataclass(frozen=True)
class ScheduleResult:
    """What one schedule cost and how fresh its answers were."""

    schedule: Schedule
    runs: int
    records_read: int
    job_seconds: float
    paid_seconds: float  # a streaming job runs (and is paid for) all the time, busy or not
    latency_p50_s: float
    latency_p95_s: float
    final_counts: pd.Series  # plays per artist after the last run


def arrivals_and_artists(con: duckdb.DuckDBPyConnection) -> tuple[np.ndarray, np.ndarray]:
    """Arrival times (epoch ms) and artist names of every play, in arrival order."""
    events = con.sql(
        "SELECT epoch_ms(arrival_ts) AS arrival_ms, artist_name FROM processed_data "
        "ORDER BY arrival_ts"
    ).df()
    return events["arrival_ms"].to_numpy(), events["artist_name"].to_numpy()


def _run_times(start_ms: int, end_ms: int, interval_ms: int) -> np.ndarray:
    """Scheduled run times (aligned to the interval) from the first arrival past the last."""
    first = (start_ms // interval_ms + 1) * interval_ms
    last = (end_ms // interval_ms + 1) * interval_ms
    return np.arange(first, last + 1, interval_ms, dtype=np.int64)


def _records_read(kind: str, seen_by_run: np.ndarray) -> np.ndarray:
    """Records each run reads: everything so far (full) or only what is new (incremental)."""
    if kind == "batch-full":
        return seen_by_run
    return np.diff(seen_by_run, prepend=0)


def run_schedule(arrival_ms: np.ndarray, artists: np.ndarray, schedule: Schedule) -> ScheduleResult:
    """Measure one schedule on events sorted by arrival (ms) with their artist names."""
    if len(arrival_ms) == 0:
        raise LabError("no events to process")
    runs = _run_times(int(arrival_ms[0]), int(arrival_ms[-1]), round(schedule.interval_s * 1000))
    seen_by_run = np.searchsorted(arrival_ms, runs, side="right")
    read = _records_read(schedule.kind, seen_by_run)
    duration_s = schedule.startup_s + read / schedule.records_per_s
    finished_ms = runs + np.round(duration_s * 1000).astype(np.int64)
    # An event shows in the answer when the first run scheduled at or after its arrival finishes.
    first_run = np.searchsorted(runs, arrival_ms, side="left")
    latency_s = (finished_ms[first_run] - arrival_ms) / 1000
    counts = pd.Series(artists[: seen_by_run[-1]]).value_counts().sort_index()
    return ScheduleResult(
        schedule=schedule,
        runs=len(runs),
        records_read=int(read.sum()),
        job_seconds=float(duration_s.sum()),
        paid_seconds=float(
            (runs[-1] - runs[0]) / 1000 + schedule.interval_s
            if schedule.kind == "stream"
            else duration_s.sum()
        ),
        latency_p50_s=float(np.percentile(latency_s, 50)),
        latency_p95_s=float(np.percentile(latency_s, 95)),
        final_counts=counts,
    )


def compare(
    arrival_ms: np.ndarray, artists: np.ndarray, schedules: tuple[Schedule, ...] = DEFAULT_SCHEDULES
) -> pd.DataFrame:
    """One row per schedule: runs, records read, job seconds, freshness p50/p95."""
    rows = []
    for schedule in schedules:
        result = run_schedule(arrival_ms, artists, schedule)
        rows.append(
            {
                "schedule": schedule.name,
                "kind": schedule.kind,
                "runs": result.runs,
                "records read": result.records_read,
                "busy seconds": round(result.job_seconds, 1),
                "paid seconds": round(result.paid_seconds, 1),
                "freshness p50 (s)": round(result.latency_p50_s, 2),
                "freshness p95 (s)": round(result.latency_p95_s, 2),
            }
        )
    return pd.DataFrame(rows)


def answer_over_time(
    arrival_ms: np.ndarray, artists: np.ndarray, artist: str, schedule: Schedule
) -> pd.DataFrame:
    """The count for one artist as each run of `schedule` reports it (time, plays)."""
    runs = _run_times(int(arrival_ms[0]), int(arrival_ms[-1]), round(schedule.interval_s * 1000))
    mine = arrival_ms[artists == artist]
    seen = np.searchsorted(arrival_ms, runs, side="right")
    read = _records_read(schedule.kind, seen)
    finished = runs + np.round((schedule.startup_s + read / schedule.records_per_s) * 1000)
    return pd.DataFrame(
        {
            "time": pd.to_datetime(finished.astype(np.int64), unit="ms"),
            "plays": np.searchsorted(mine, runs, side="right"),
            "schedule": schedule.name,
        }
    )
