"""The dashboard's visuals as pure functions over a DuckDB source, with filters and security.

Four visuals over processed_data: plays per ``artist_name`` and plays per (``device_id``,
``track_name``) — the two queries the course notes use to test the Quick Sight dashboard — plus
plays over time and plays by activity type. Each takes a :class:`Source` (a connection and the
relation to read, built by lessons.serving.spice for SPICE or direct query), :class:`Filters`
(dates, artists, devices) and a principal whose row and column rules are applied first.

Every source exposes the same *fact* columns (:data:`FACT_COLUMNS`): one row per group of plays
with a ``plays`` count, so a raw event table (``plays`` = 1) and a pre-aggregated SPICE import
answer with the same SQL.

Fidelity: the visuals are the aggregations a Quick Sight analysis would send (group, count,
sort descending); filters are applied in the query as Quick Sight pushes them down. Rendering,
drill-downs and calculated fields are left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from lessons.errors import LabError
from lessons.serving.access import EVERYONE, AccessError, Principal

FACT_COLUMNS = ("dt", "hour", "device_id", "artist_name", "track_name", "activity_type", "plays")
GRAINS = ("hour", "day")


class FilterError(LabError):
    """A dashboard filter that cannot be applied."""


class ColumnHiddenError(AccessError):
    """A visual or filter needs columns the principal may not see; ``columns`` names them."""

    def __init__(self, principal: str, columns: tuple[str, ...]) -> None:
        super().__init__(
            f"{principal} may not see {', '.join(columns)}: "
            "this visual or filter is hidden by column-level security."
        )
        self.principal = principal
        self.columns = columns


@dataclass(frozen=True)
class Filters:
    """Dashboard filters: event dates (inclusive), artists and devices; empty means all."""

    start: date | None = None
    end: date | None = None
    artists: tuple[str, ...] = ()
    devices: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, date):
                raise FilterError(f"The {name} date must be a date, not {value!r}.")
        if self.start and self.end and self.start > self.end:
            raise FilterError(f"The start date {self.start} is after the end date {self.end}.")
        if any(not isinstance(a, str) or not a for a in self.artists):
            raise FilterError("Artists must be non-empty names.")
        if any(isinstance(d, bool) or not isinstance(d, int) or d < 0 for d in self.devices):
            raise FilterError("Devices must be non-negative integer device ids.")

    def columns(self) -> list[str]:
        """The columns these filters read (a principal must be allowed to see them)."""
        used = [("dt", self.start or self.end), ("artist_name", self.artists),
                ("device_id", self.devices)]  # fmt: skip
        return [column for column, active in used if active]

    def where(self) -> tuple[str, dict[str, object]]:
        """A WHERE clause with named parameters ("TRUE" when nothing is filtered)."""
        clauses, params = [], {}
        if self.start:
            clauses.append("dt >= $start")
            params["start"] = self.start
        if self.end:
            clauses.append("dt <= $end")
            params["end"] = self.end
        if self.artists:
            clauses.append("list_contains($artists, artist_name)")
            params["artists"] = list(self.artists)
        if self.devices:
            clauses.append("list_contains($devices, device_id)")
            params["devices"] = list(self.devices)
        return (" AND ".join(clauses) or "TRUE"), params


@dataclass(frozen=True)
class Source:
    """A relation with the fact columns on a connection; ``relation`` is trusted SQL."""

    con: duckdb.DuckDBPyConnection
    relation: str
    params: dict[str, object] = field(default_factory=dict)
    columns: tuple[str, ...] = FACT_COLUMNS

    def secured(self, principal: Principal) -> Source:
        """The same source as `principal` sees it: its columns only, its rows only."""
        visible = tuple(c for c in self.columns if principal.may_see(c) or c == "plays")
        rows = principal.row_filter or "TRUE"
        relation = f"SELECT {', '.join(visible)} FROM ({self.relation}) WHERE {rows}"
        return Source(self.con, relation, self.params, visible)


def _run(source: Source, select: str, group: str, order: str, filters: Filters,
         principal: Principal) -> pd.DataFrame:  # fmt: skip
    needed = [c.strip() for c in group.split(",")] + filters.columns()
    hidden = principal.hidden(needed)
    if hidden:
        raise ColumnHiddenError(principal.name, tuple(sorted(set(hidden))))
    secured = source.secured(principal)
    where, params = filters.where()
    sql = (
        f"SELECT {select}, CAST(sum(plays) AS BIGINT) AS plays FROM ({secured.relation}) "
        f"WHERE {where} GROUP BY {group} ORDER BY {order}"
    )
    frame = source.con.execute(sql, {**source.params, **params}).df()
    # Dictionary-encoded (ENUM) columns arrive as pandas categories; hand back plain text.
    for column in frame.columns[frame.dtypes == "category"]:
        frame[column] = frame[column].astype(str)
    return frame


def plays_per_artist(
    source: Source, filters: Filters = Filters(), principal: Principal = EVERYONE
) -> pd.DataFrame:
    """Plays per artist_name, most played first (the first Quick Sight test query)."""
    return _run(source, "artist_name", "artist_name", "plays DESC, artist_name", filters,
                principal)  # fmt: skip


def plays_per_device_track(
    source: Source, filters: Filters = Filters(), principal: Principal = EVERYONE
) -> pd.DataFrame:
    """Plays per (device_id, track_name), most played first (the second test query)."""
    return _run(source, "device_id, track_name", "device_id, track_name",
                "plays DESC, device_id, track_name", filters, principal)  # fmt: skip


def plays_over_time(
    source: Source,
    filters: Filters = Filters(),
    principal: Principal = EVERYONE,
    grain: str = "hour",
) -> pd.DataFrame:
    """Plays per hour or per day of event time, in time order."""
    if grain not in GRAINS:
        raise FilterError(f"grain must be one of {', '.join(GRAINS)}, not {grain!r}.")
    column = "hour" if grain == "hour" else "dt"
    return _run(source, f"{column} AS time", column, "time", filters, principal)


def plays_by_activity(
    source: Source, filters: Filters = Filters(), principal: Principal = EVERYONE
) -> pd.DataFrame:
    """Plays per activity_type, most played first."""
    return _run(source, "activity_type", "activity_type", "plays DESC, activity_type", filters,
                principal)  # fmt: skip


VISUALS: dict[str, Callable[..., pd.DataFrame]] = {
    "plays_per_artist": plays_per_artist,
    "plays_per_device_track": plays_per_device_track,
    "plays_over_time": plays_over_time,
    "plays_by_activity": plays_by_activity,
}


@dataclass(frozen=True)
class DashboardView:
    """Every visual as one principal sees it; a hidden visual maps to the columns it needed
    that the principal may not see (data, so the app words the reason in either language)."""

    principal: str
    visuals: dict[str, pd.DataFrame]
    hidden: dict[str, tuple[str, ...]]

    @property
    def total_plays(self) -> int:
        """Plays the principal can see under the filters (from the activity visual)."""
        frame = self.visuals.get("plays_by_activity")
        return int(frame["plays"].sum()) if frame is not None else 0


def render(
    source: Source, filters: Filters = Filters(), principal: Principal = EVERYONE
) -> DashboardView:
    """All visuals for one interaction; a visual needing a hidden column is hidden, not an error.

    A filter on a column the principal may not see is refused (FilterError) before any query.
    """
    refused = principal.hidden(filters.columns())
    if refused:
        raise FilterError(
            f"{principal.name} cannot filter on {', '.join(refused)}: the column is hidden."
        )
    visuals, hidden = {}, {}
    for name, visual in VISUALS.items():
        try:
            visuals[name] = visual(source, filters, principal)
        except ColumnHiddenError as reason:
            hidden[name] = reason.columns
    return DashboardView(principal.name, visuals, hidden)


def fact_sql(table: str = "processed_data") -> str:
    """The fact columns over raw processed_data rows (each row is one play)."""
    return (
        "SELECT CAST(device_ts AS DATE) AS dt, date_trunc('hour', device_ts) AS hour, device_id, "
        f"artist_name, track_name, activity_type, 1 AS plays FROM {table}"
    )
