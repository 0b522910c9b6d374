"""Land the play events in the lake's raw zone the way Amazon Data Firehose delivers them.

The plays go through the Firehose model (`lessons.streams.firehose`) with a custom S3 prefix
``raw/plays/dt=!{timestamp:yyyy-MM-dd}/``: every delivered object is one JSON-lines file in the
Hive-style folder of the day its oldest record arrived. `land_days` writes only the objects of
the days asked for, so a lesson can land one day, crawl, run a job, then land "the next day".
The delivery is simulated once for all the plays from a seed, so landing day by day writes
exactly the objects (names and bytes) that landing everything at once would write.

The raw records are what the producer sent: the play's fields plus ``arrival_ts``. Before the
schema-change day the app did not know ``app_version``, so those records have no such key at
all (not a null): the change is visible in the raw JSON exactly where it happened. The tracks
reference is written once as a CSV file under ``reference/tracks/``.

Fidelity: object boundaries, names and day folders come from the Firehose model (buffering by
size or interval, the prefix evaluated in UTC at the arrival time of each object's oldest
record, so an object opened at 23:59 lands in that day's folder even if it also holds records
that arrived after midnight). Real Firehose does not add an arrival time to the records; here
``arrival_ts`` (the generator's arrival time) is kept in each record, as a transformation
Lambda copying ``approximateArrivalTimestamp`` would. Objects are written straight to the
local lake folder, not through the S3 API; no compression, no error output prefix.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from lessons.data import SCHEMA_CHANGE_COLUMN
from lessons.errors import LabError
from lessons.lake import layout
from lessons.lake.layout import Lake
from lessons.streams import firehose
from lessons.streams.firehose import Delivery, DeliveryStream
from lessons.streams.workload import workload_from_plays

STREAM_NAME = "plays-to-lake"
DAY_PREFIX = "dt=!{timestamp:yyyy-MM-dd}/"
TRACKS_OBJECT = "tracks.csv"


class IngestError(LabError):
    """Data that cannot be landed as asked (no such day, empty input)."""


@dataclass(frozen=True)
class LandedObject:
    uri: str
    dt: str
    records: int
    bytes: int


@dataclass(frozen=True)
class Landing:
    """The raw objects one `land_days` call wrote."""

    objects: tuple[LandedObject, ...]

    @property
    def days(self) -> tuple[str, ...]:
        return tuple(sorted({o.dt for o in self.objects}))

    @property
    def records(self) -> int:
        return sum(o.records for o in self.objects)

    @property
    def bytes(self) -> int:
        return sum(o.bytes for o in self.objects)

    def to_frame(self) -> pd.DataFrame:
        """One row per day: objects, records and bytes landed."""
        rows = pd.DataFrame(
            [o.__dict__ for o in self.objects], columns=list(LandedObject.__annotations__)
        )
        return (
            rows.groupby("dt", as_index=False)
            .agg(objects=("uri", "size"), records=("records", "sum"), bytes=("bytes", "sum"))
            .astype({"objects": "int64", "records": "int64", "bytes": "int64"})
        )


def plays_stream(**hints: float) -> DeliveryStream:
    """The delivery stream into the raw zone (buffer hints default to Firehose's defaults)."""
    _, key = layout.split_uri(layout.RAW_PLAYS)
    return DeliveryStream(name=STREAM_NAME, prefix=key + DAY_PREFIX, **hints)


def plan_delivery(
    plays: pa.Table, stream: DeliveryStream | None = None, seed: int = 0
) -> tuple[Delivery, list[str]]:
    """The objects Firehose delivers for all the plays, and each object's dt folder."""
    if plays.num_rows == 0:
        raise IngestError("There are no plays to land.")
    stream = stream or plays_stream()
    delivery = stream.simulate_delivery(workload_from_plays(plays), rng=np.random.default_rng(seed))
    return delivery, [_dt_of(key) for key in delivery.keys]


def available_days(
    plays: pa.Table, stream: DeliveryStream | None = None, seed: int = 0
) -> list[str]:
    """The dt folders the plays would land in (arrival days), sorted."""
    return sorted(set(plan_delivery(plays, stream, seed)[1]))


def land_days(
    plays: pa.Table,
    lake: Lake,
    days: Iterable[str | date] | None = None,
    stream: DeliveryStream | None = None,
    seed: int = 0,
) -> Landing:
    """Write the raw objects of `days` (all days when None) into the lake; returns what landed.

    Landing a day twice rewrites the same objects with the same bytes.
    """
    delivery, dts = plan_delivery(plays, stream, seed)
    wanted = sorted(set(dts)) if days is None else sorted({str(d) for d in days})
    arrival_days = sorted(set(dts))
    unknown = [d for d in wanted if d not in arrival_days]
    if unknown:
        raise IngestError(
            f"No objects arrive on {', '.join(unknown)}; "
            f"the plays land on {', '.join(arrival_days)}."
        )
    bucket_uri = layout.SCHEME + layout.BUCKET + "/"
    landed = []
    for index, (key, dt) in enumerate(zip(delivery.keys, dts, strict=True)):
        if dt not in wanted:
            continue
        body = firehose.object_body(delivery, index, plays, omit_null=(SCHEMA_CHANGE_COLUMN,))
        uri = bucket_uri + key
        path = lake.path(uri)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        landed.append(LandedObject(uri, dt, int(delivery.records[index]), len(body)))
    return Landing(tuple(landed))


def land_tracks(tracks: pa.Table, lake: Lake) -> str:
    """Write the tracks reference as one CSV object (header, unquoted fields); returns its URI."""
    if tracks.num_rows == 0:
        raise IngestError("The tracks reference is empty.")
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(tracks.column_names)
    writer.writerows(zip(*(tracks.column(c).to_pylist() for c in tracks.column_names), strict=True))
    uri = layout.join(layout.REFERENCE_TRACKS, TRACKS_OBJECT)
    path = lake.path(uri)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.getvalue(), encoding="utf-8")
    return uri


def _dt_of(key: str) -> str:
    folder = next((part for part in key.split("/") if part.startswith("dt=")), None)
    if folder is None:
        raise IngestError(
            f"Object key {key!r} has no dt= folder; use a prefix with {DAY_PREFIX!r}."
        )
    return folder[len("dt=") :]
