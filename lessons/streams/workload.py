"""A stream workload: the music play events as records a producer sends, in arrival order.

Every streaming model takes a `Workload`, so the same events can go through Kinesis, Firehose,
SQS and Kafka and the results compare like for like.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lessons.errors import LabError

# What a producer can use as the partition key (Kinesis), message group (SQS FIFO) or key (Kafka).
KEY_CHOICES = ("device_id", "track_id", "artist_name", "random", "device_id_suffix")


@dataclass(frozen=True)
class Workload:
    """Records in arrival order. Arrays share one index; times are epoch milliseconds."""

    t_ms: np.ndarray  # int64: when the producer sends the record (the event's arrival time)
    event_ms: np.ndarray  # int64: when it happened (device_ts)
    key: np.ndarray  # object (str): partition key / message group / Kafka key
    size: np.ndarray  # int32: payload bytes (the event as JSON)
    event_id: np.ndarray  # object (str): the event's uuid (resent events share it)
    device_id: np.ndarray  # int32: for per-device ordering checks

    def __len__(self) -> int:
        return len(self.t_ms)

    @property
    def duration_s(self) -> float:
        return max(float(self.t_ms[-1] - self.t_ms[0]) / 1000, 0.001) if len(self) else 0.0

    def slice(self, start: int, stop: int) -> Workload:
        return Workload(*(getattr(self, f)[start:stop] for f in self.__dataclass_fields__))


def _json_sizes(plays: pa.Table) -> np.ndarray:
    """Bytes of each event as compact JSON, computed without serialising every row."""
    fixed = len(
        '{"uuid":"","device_ts":"","device_id":,"device_temp":,"track_id":,"activity_type":""}'
    )
    digits = [
        pc.utf8_length(pc.cast(plays.column(c), pa.string())).to_numpy()
        for c in ("device_id", "device_temp", "track_id")
    ]
    activity = pc.utf8_length(plays.column("activity_type")).to_numpy()
    return (fixed + 36 + 23 + sum(digits) + activity).astype(np.int32)


def workload_from_plays(
    plays: pa.Table,
    key: str = "device_id",
    tracks: pa.Table | None = None,
    suffixes: int = 10,
    seed: int = 0,
    speedup: float = 1.0,
) -> Workload:
    """Turn play events into producer records keyed by `key` (one of KEY_CHOICES).

    `speedup` compresses time (a week of plays sent in an hour is speedup=168), the usual way to
    turn a small sample into a realistic load. `device_id_suffix` appends a random suffix 0..n-1
    to the device id: the classic fix for a hot key (at the price of per-device order).
    """
    if key not in KEY_CHOICES:
        raise LabError(f"Unknown key {key!r}; choose one of {', '.join(KEY_CHOICES)}")
    if speedup <= 0:
        raise LabError("speedup must be positive")
    rng = np.random.default_rng(seed)
    arrival = plays.column("arrival_ts").cast(pa.int64()).to_numpy()
    start = int(arrival[0]) if len(arrival) else 0
    t_ms = start + ((arrival - start) / speedup).astype(np.int64)
    device = plays.column("device_id").to_numpy().astype(np.int32)
    if key == "artist_name":
        if tracks is None:
            raise LabError("keying by artist_name needs the tracks reference")
        artist_of = dict(zip(map(int, tracks.column("track_id").to_pylist()),
                             tracks.column("artist_name").to_pylist(), strict=True))  # fmt: skip
        keys = np.array([artist_of[t] for t in plays.column("track_id").to_pylist()], dtype=object)
    elif key == "random":
        keys = np.char.mod("%032x", rng.integers(0, 2**62, len(device))).astype(object)
    elif key == "device_id_suffix":
        suffix = rng.integers(0, suffixes, len(device))
        keys = np.char.add(np.char.add(device.astype(str), "-"), suffix.astype(str)).astype(object)
    else:
        keys = plays.column(key).cast(pa.string()).to_numpy(zero_copy_only=False).astype(object)
    return Workload(
        t_ms=t_ms,
        event_ms=plays.column("device_ts").cast(pa.int64()).to_numpy(),
        key=keys,
        size=_json_sizes(plays),
        event_id=plays.column("uuid").to_numpy(zero_copy_only=False),
        device_id=device,
    )


def order_violations(group: np.ndarray, done: np.ndarray) -> int:
    """Records (in producer order) processed before an earlier record of the same group.

    The yardstick every service comparison uses: per device (or per key), does the consumer see
    records in the order the producer sent them?
    """
    latest_so_far = pd.Series(done).groupby(group, sort=False).cummax().to_numpy()
    return int((latest_so_far > done).sum())
