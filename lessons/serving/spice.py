"""SPICE vs direct query: the same dashboard from an in-memory import or from the lake.

A :class:`SpiceDataset` imports processed_data into memory when a refresh runs (scheduled by a
:class:`RefreshSchedule`, or manual through :meth:`SpiceDataset.create_ingestion`) and answers
every interaction from that copy: fast, but only as fresh as the last refresh. A
:class:`DirectQuery` reads the lake's Parquet files on every interaction: always current, paid
in latency (and, on AWS, in Athena scans). Time is an explicit clock in seconds since the epoch:
the lake "holds" the plays whose ``arrival_ts`` is at or before the clock, so staleness is
measured on the data (plays the SPICE copy does not show yet), not only computed.

Fidelity: schedule limits come from the facts table (a full refresh at most hourly, incremental
ones down to the shortest interval, manual refreshes capped per 24 hours by edition). The
import uses SPICE's "Aggregate" data-prep step: it keeps one row per (hour, device, track,
activity) with a ``plays`` count, so visuals read a fraction of the rows; real SPICE also
compresses and indexes columns, which DuckDB's in-memory table stands in for. A refresh is
instantaneous here unless a duration is given; real refreshes take minutes and the old copy
serves until the new one is ready, which :func:`snapshot_at` models.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import numpy as np
import pandas as pd

from lessons import facts
from lessons.errors import LabError
from lessons.serving.access import EVERYONE, Principal
from lessons.serving.dashboard import Filters, Source, render

KINDS = ("full", "incremental")
EDITIONS = ("enterprise", "standard")
_EPOCH = datetime(1970, 1, 1)
_DAY_S = facts.SECONDS_PER_UNIT["days"]
_ENCODED = ("artist_name", "track_name", "activity_type")


class RefreshError(LabError):
    """A refresh schedule or ingestion Quick Sight would refuse."""


def min_interval_s(kind: str) -> int:
    """The shortest schedule interval Quick Sight accepts for this kind of refresh."""
    if kind not in KINDS:
        raise RefreshError(f"Refresh kind must be one of {', '.join(KINDS)}, not {kind!r}.")
    fact_id = (
        "quicksight.full_refresh_min_interval_minutes"
        if kind == "full"
        else "quicksight.incremental_refresh_min_interval_minutes"
    )
    return facts.as_seconds(fact_id)


@dataclass(frozen=True)
class RefreshSchedule:
    """Refreshes every `interval_s` from `first_at_s`; each takes `duration_s` to finish."""

    interval_s: float
    first_at_s: float = 0.0
    duration_s: float = 0.0
    kind: str = "full"

    def __post_init__(self) -> None:
        shortest = min_interval_s(self.kind)
        if self.interval_s < shortest:
            raise RefreshError(
                f"A {self.kind} refresh can be scheduled at most every {shortest // 60} minutes "
                f"(asked for every {self.interval_s / 60:g})."
            )
        if not 0 <= self.duration_s < self.interval_s:
            raise RefreshError("A refresh must take less time than the interval between two.")

    def refreshes_per_day(self) -> int:
        return math.floor(_DAY_S / self.interval_s)

    def worst_staleness_s(self) -> float:
        """Oldest the data on screen gets: just before a refresh finishes."""
        return self.interval_s + self.duration_s

    def mean_staleness_s(self) -> float:
        """Average age of the data on screen over time."""
        return self.duration_s + self.interval_s / 2


def snapshot_at(schedule: RefreshSchedule, now_s: float) -> float | None:
    """When the data on screen was read: the start of the last refresh finished by now_s."""
    done = math.floor((now_s - schedule.first_at_s - schedule.duration_s) / schedule.interval_s)
    return None if done < 0 else schedule.first_at_s + done * schedule.interval_s


def staleness_s(schedule: RefreshSchedule, now_s: float) -> float | None:
    """Age of the SPICE data at now_s (None before the first refresh finishes)."""
    taken = snapshot_at(schedule, now_s)
    return None if taken is None else now_s - taken


def as_timestamp(clock_s: float) -> datetime:
    """A clock value (seconds since the epoch) as the naive UTC timestamps the data uses."""
    return _EPOCH + timedelta(seconds=clock_s)


def clock_of(moment: datetime | pd.Timestamp) -> float:
    """The clock value of a naive UTC timestamp."""
    return (pd.Timestamp(moment) - pd.Timestamp(_EPOCH)).total_seconds()


def _connect() -> duckdb.DuckDBPyConnection:
    return duckdb.connect(config={"autoinstall_known_extensions": False})


def lake_sql(lake_glob: str) -> str:
    """Fact columns read straight from the lake's Parquet, limited to what has arrived by $as_of."""
    path = lake_glob.replace("'", "''")
    return (
        "SELECT dt, date_trunc('hour', device_ts) AS hour, device_id, artist_name, track_name, "
        f"activity_type, 1 AS plays FROM read_parquet('{path}', hive_partitioning = true) "
        "WHERE arrival_ts <= $as_of"
    )


@dataclass(frozen=True)
class Ingestion:
    """One SPICE refresh: when it read the lake, rows imported, plays they stand for."""

    snapshot_s: float
    rows: int
    plays: int
    manual: bool


class SpiceDataset:
    """A SPICE dataset over processed_data, refreshed on a schedule or by hand."""

    def __init__(
        self, lake_glob: str, schedule: RefreshSchedule, edition: str = "enterprise"
    ) -> None:
        if edition not in EDITIONS:
            raise RefreshError(f"Edition must be one of {', '.join(EDITIONS)}.")
        self.lake_glob = lake_glob
        self.schedule = schedule
        self.edition = edition
        self.con = _connect()
        self.ingestions: list[Ingestion] = []

    @property
    def snapshot_s(self) -> float | None:
        return self.ingestions[-1].snapshot_s if self.ingestions else None

    def manual_limit(self) -> int:
        return int(facts.number(f"quicksight.manual_refresh_{self.edition}_per_24h"))

    def _ingest(self, as_of_s: float, manual: bool) -> Ingestion:
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE staged AS SELECT dt, hour, device_id, artist_name, "
            "track_name, activity_type, CAST(count(*) AS INTEGER) AS plays "
            f"FROM ({lake_sql(self.lake_glob)}) GROUP BY ALL",
            {"as_of": as_timestamp(as_of_s)},
        )
        # Text columns become dictionary codes (DuckDB ENUMs), as SPICE encodes them: grouping
        # on small integers instead of strings is what keeps clicks fast at millions of rows.
        self.con.execute("DROP TABLE IF EXISTS spice")
        casts = []
        for column in _ENCODED:
            self.con.execute(f"DROP TYPE IF EXISTS {column}_codes")
            self.con.execute(
                f"CREATE TYPE {column}_codes AS ENUM "
                f"(SELECT DISTINCT {column} FROM staged WHERE {column} IS NOT NULL ORDER BY 1)"
            )
            casts.append(f"CAST({column} AS {column}_codes) AS {column}")
        self.con.execute(
            f"CREATE TABLE spice AS SELECT dt, hour, device_id, {', '.join(casts)}, plays "
            "FROM staged ORDER BY hour"
        )
        self.con.execute("DROP TABLE staged")
        rows, plays = self.con.execute("SELECT count(*), sum(plays) FROM spice").fetchone()
        ingestion = Ingestion(as_of_s, int(rows), int(plays or 0), manual)
        self.ingestions.append(ingestion)
        return ingestion

    def create_ingestion(self, now_s: float) -> Ingestion:
        """A manual refresh now; refused past the edition's manual refreshes per 24 hours."""
        recent = [i for i in self.ingestions if i.manual and now_s - i.snapshot_s < _DAY_S]
        if len(recent) >= self.manual_limit():
            raise RefreshError(
                f"LimitExceededException: {self.edition} edition allows {self.manual_limit()} "
                "manual refreshes per dataset in 24 hours; wait, or schedule refreshes."
            )
        return self._ingest(now_s, manual=True)

    def tick(self, now_s: float) -> Ingestion | None:
        """Run the scheduled refresh due by now_s, if it has not run yet."""
        due = snapshot_at(self.schedule, now_s)
        if due is None or (self.snapshot_s is not None and due <= self.snapshot_s):
            return None
        return self._ingest(due, manual=False)

    def source(self) -> Source:
        if not self.ingestions:
            raise RefreshError("The SPICE dataset has not been imported yet (no refresh ran).")
        return Source(self.con, "SELECT * FROM spice")

    def staleness_s(self, now_s: float) -> float:
        if self.snapshot_s is None:
            raise RefreshError("No refresh has run yet, so the dataset has no data.")
        return now_s - self.snapshot_s


class DirectQuery:
    """Direct query: every interaction reads the lake's Parquet as it is at the clock."""

    def __init__(self, lake_glob: str) -> None:
        self.lake_glob = lake_glob
        self.con = _connect()

    def source(self, now_s: float) -> Source:
        return Source(self.con, lake_sql(self.lake_glob), {"as_of": as_timestamp(now_s)})


@dataclass(frozen=True)
class ModeMeasurement:
    """Latency of repeated interactions in one mode, and what its data leaves out."""

    mode: str
    latencies_s: tuple[float, ...]
    plays_shown: int
    staleness_s: float

    @property
    def median_ms(self) -> float:
        return float(np.median(self.latencies_s)) * 1000

    @property
    def p95_ms(self) -> float:
        return float(np.percentile(self.latencies_s, 95)) * 1000


def time_interactions(
    source: Source,
    interactions: Sequence[Filters],
    principal: Principal = EVERYONE,
    timer: Callable[[], float] = time.perf_counter,
) -> tuple[list[float], int]:
    """Seconds per interaction (all visuals re-rendered), and plays shown by the first one."""
    seconds, shown = [], 0
    for i, filters in enumerate(interactions):
        began = timer()
        view = render(source, filters, principal)
        seconds.append(timer() - began)
        if i == 0:
            shown = view.total_plays
    return seconds, shown


def compare_modes(
    spice: SpiceDataset,
    direct: DirectQuery,
    now_s: float,
    interactions: Sequence[Filters],
    principal: Principal = EVERYONE,
    timer: Callable[[], float] = time.perf_counter,
) -> pd.DataFrame:
    """The same interactions in both modes: latency, plays shown, staleness, side by side."""
    results = []
    for mode, source, stale in (
        ("SPICE", spice.source(), spice.staleness_s(now_s)),
        ("direct query", direct.source(now_s), 0.0),
    ):
        seconds, shown = time_interactions(source, interactions, principal, timer)
        results.append(ModeMeasurement(mode, tuple(seconds), shown, stale))
    newest = max(r.plays_shown for r in results)
    return pd.DataFrame(
        [
            {
                "mode": r.mode,
                "median ms": round(r.median_ms, 1),
                "p95 ms": round(r.p95_ms, 1),
                "plays shown": r.plays_shown,
                "plays not shown yet": newest - r.plays_shown,
                "staleness min": round(r.staleness_s / 60, 1),
            }
            for r in results
        ]
    )


def sample_interactions(
    artists: Sequence[str], devices: Sequence[int], days: Sequence, count: int, seed: int
) -> list[Filters]:
    """A seeded mix of filter changes a learner might click through (first one unfiltered)."""
    rng = np.random.default_rng(seed)
    picks = [Filters()]
    for _ in range(count - 1):
        kind = rng.integers(0, 4)
        day = days[int(rng.integers(0, len(days)))]
        picks.append(
            Filters(
                start=day if kind in (1, 3) else None,
                end=day if kind in (1, 3) else None,
                artists=(str(artists[int(rng.integers(0, len(artists)))]),) if kind == 2 else (),
                devices=tuple(int(d) for d in rng.choice(devices, 3, replace=False))
                if kind == 3
                else (),
            )
        )
    return picks
