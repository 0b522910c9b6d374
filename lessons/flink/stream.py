"""The play events as a Flink source sees them: in arrival order, with an event time each.

`EventStream` holds the columns the window lessons need as numpy arrays sharing one index, in
the order the stream delivers them (lessons.data sorts plays by `arrival_ts`). Event time is
`device_ts`, the moment the play happened on the phone; processing time is `arrival_ts`. Most
events arrive within a second or two, so the stream is only slightly out of order. The dataset's
`late_fraction` option holds back some events by one minute up to `late_max_minutes` (phones
that were offline): those arrive long after later plays and are what watermarks must deal with.

Fidelity: a real source reads shards or partitions in parallel and interleaves them; here the
whole stream is one ordered sequence (parallelism 1), which is what a single Flink subtask sees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lessons.errors import LabError

KEY_CHOICES = ("device_id", "artist_name")


class StreamError(LabError):
    """The events cannot be turned into a stream as asked."""


@dataclass(frozen=True)
class EventStream:
    """Events in arrival order; times are epoch milliseconds; `key` indexes `key_names`."""

    event_ms: np.ndarray  # int64: device_ts, the event time
    arrival_ms: np.ndarray  # int64: arrival_ts, the processing time at which the source reads it
    key: np.ndarray  # int64: code of the key (device or artist) of each event
    key_names: tuple[str, ...]  # label of each key code
    device: np.ndarray  # int64: device_id (anomaly detection is per device whatever the key)
    temp: np.ndarray  # float64: device_temp

    def __len__(self) -> int:
        return len(self.event_ms)

    def slice(self, start: int, stop: int) -> EventStream:
        """Events [start, stop) in arrival order: what a source reads between two offsets."""
        return EventStream(
            self.event_ms[start:stop], self.arrival_ms[start:stop], self.key[start:stop],
            self.key_names, self.device[start:stop], self.temp[start:stop],
        )  # fmt: skip

    def with_temperatures(self, temp: np.ndarray) -> EventStream:
        """The same events carrying other temperature readings."""
        if len(temp) != len(self):
            raise StreamError("Need one temperature per event.")
        return EventStream(
            self.event_ms, self.arrival_ms, self.key, self.key_names, self.device,
            np.asarray(temp, dtype=np.float64),
        )  # fmt: skip


def _ms(column: pa.ChunkedArray) -> np.ndarray:
    return column.cast(pa.timestamp("ms")).cast(pa.int64()).to_numpy().astype(np.int64)


def _artist_codes(plays: pa.Table, tracks: pa.Table) -> tuple[np.ndarray, tuple[str, ...]]:
    """Each play's artist as a code: plays carry an int track_id, the reference a text one."""
    track_ids = pc.cast(tracks["track_id"], pa.int64()).to_numpy()
    names = tracks["artist_name"].to_pylist()
    artists = tuple(sorted(set(names)))
    code_of = {name: i for i, name in enumerate(artists)}
    lookup = np.full(int(track_ids.max()) + 1, -1, dtype=np.int64)
    lookup[track_ids] = [code_of[n] for n in names]
    played = plays["track_id"].to_numpy().astype(np.int64)
    if played.max() >= len(lookup) or (lookup[played] < 0).any():
        raise StreamError("Some plays have a track_id that is not in the tracks reference.")
    return lookup[played], artists


def stream_from_plays(
    plays: pa.Table, key: str = "device_id", tracks: pa.Table | None = None
) -> EventStream:
    """The plays (in arrival order, as lessons.data makes them) keyed by device or artist."""
    if key not in KEY_CHOICES:
        raise StreamError(f"key must be one of {KEY_CHOICES}, not {key!r}.")
    if not len(plays):
        raise StreamError("The play table is empty: there is nothing to stream.")
    device = plays["device_id"].to_numpy().astype(np.int64)
    if key == "artist_name":
        if tracks is None:
            raise StreamError("Keying by artist needs the tracks reference (tracks=...).")
        codes, names = _artist_codes(plays, tracks)
    else:
        names = tuple(str(d) for d in range(int(device.max()) + 1))
        codes = device
    arrival = _ms(plays["arrival_ts"])
    if (np.diff(arrival) < 0).any():
        raise StreamError("The plays must be in arrival order (as generate_plays returns them).")
    return EventStream(
        _ms(plays["device_ts"]), arrival, codes, names, device,
        plays["device_temp"].to_numpy().astype(np.float64),
    )  # fmt: skip


def disorder_ms(stream: EventStream) -> np.ndarray:
    """How far each event's time is behind the newest event time read before it (0 if newest).

    This is what a bounded-out-of-orderness watermark must cover: an event is late for a
    watermark delay smaller than its disorder (when its window ends before the newest time).
    """
    newest_before = np.maximum.accumulate(stream.event_ms)
    newest_before = np.concatenate([[stream.event_ms[0]], newest_before[:-1]])
    return np.maximum(newest_before - stream.event_ms, 0)


def max_disorder_ms(stream: EventStream) -> int:
    """The largest disorder in the stream: a watermark delay at least this drops nothing."""
    return int(disorder_ms(stream).max()) if len(stream) else 0
