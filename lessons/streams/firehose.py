"""Amazon Data Firehose: records buffered into S3 objects by size or by time.

`DeliveryStream` holds a Firehose stream's buffering hints and S3 prefix, validated as the
Firehose API validates them; `simulate_delivery` turns a workload into the objects Firehose would
write to S3 (key, records, bytes, first and last record time, delivery time) and each record's
delivery latency; `deliver_to_local_s3` writes a few of them through the real S3 API of the
local endpoint, so a notebook can list them like any other S3 objects.

Firehose keeps nothing for readers: no retention, no replay, no GetRecords. Once an object is
delivered the stream forgets its records, and reading them again means reading S3 (records it
cannot deliver are kept for firehose.direct_put_retention_hours while it retries: a retry buffer,
not a replay). So `DeliveryStream` has no read method at all; replay belongs to Kinesis Data
Streams or Kafka.

Fidelity: a buffer opens with its first record and flushes when its bytes reach the size hint
(the record that crosses the hint is included) or when the interval since its first record has
elapsed, whichever comes first; delivery is instant at that moment, whereas AWS adds seconds of
delivery time and may flush early or run parallel buffers under heavy traffic. An object's bytes
are its records' bytes concatenated, as Firehose writes them (it adds no delimiter). Keys follow
the default layout: prefix + YYYY/MM/DD/HH/ in UTC, then
`<stream name>-<version>-<YYYY-MM-DD-HH-MM-SS>-<random id>` (+ ".parquet" when converting), the
id drawn from the seeded generator. The hour folders use the arrival time of the object's oldest
record, as AWS documents for evaluating prefix timestamps, so a buffer opened at 00:59 and
delivered at 01:00 lands in hour 00; the time in the name is the delivery time. A custom prefix
with the timestamp namespace (``raw/dt=!{timestamp:yyyy-MM-dd}/``) replaces the default hour
folders, evaluated in UTC with the same oldest-record time; of Java's DateTimeFormatter only the
letters y, M, d, H, m, s and quoted literals are modelled, and the other namespaces (firehose,
partitionKeyFromQuery, partitionKeyFromLambda) are refused. Interval 0
delivers every record alone (AWS's zero buffering still batches what arrives within a few
seconds); that is what moto's Firehose does for every PutRecord and PutRecordBatch call: one
object per call, no buffering, no format conversion, and the wall clock for both times. With
`to_parquet=True` object boundaries stay those of the incoming bytes, and each object's size is
measured by writing it with pyarrow (snappy) when there are at most EXACT_PARQUET_OBJECTS
objects; otherwise that many objects spread over the run are measured and the others estimated
by a line fitted to them (a fixed cost plus a cost per row). AWS's record format conversion also
needs a larger minimum buffer; this model does not enforce it. No retries, failed deliveries,
backup, compression of JSON objects or dynamic partitioning.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lessons import facts, localaws
from lessons.errors import LabError
from lessons.streams.errors import InvalidArgumentException
from lessons.streams.workload import Workload

EXACT_PARQUET_OBJECTS = 64  # objects written with pyarrow to measure their Parquet size
_EXPRESSION = re.compile(r"!\{(?P<namespace>[^:}]*):(?P<value>[^}]*)\}")
_JAVA_TOKEN = re.compile(
    r"'(?P<quoted>[^']*)'|(?P<letters>(?P<letter>[A-Za-z])(?P=letter)*)|(?P<other>.)", re.S
)
# The DateTimeFormatter fields a date-partitioned prefix needs, as strftime directives.
_JAVA_FIELDS = {"yyyy": "%Y", "MM": "%m", "dd": "%d", "HH": "%H", "mm": "%M", "ss": "%S"}


@dataclass(frozen=True)
class Delivery:
    """The S3 objects a delivery stream wrote (one entry per object) and each record's latency."""

    keys: list[str]
    first_record: np.ndarray  # index in the workload of each object's first record
    records: np.ndarray
    bytes: np.ndarray  # object size: the records' bytes, or the Parquet file's size
    first_record_ms: np.ndarray
    last_record_ms: np.ndarray
    delivered_ms: np.ndarray
    by_size: np.ndarray  # bool: the size hint flushed it (else the interval did)
    latency_ms: np.ndarray  # per record: delivery time - send time
    parquet: bool = False

    def __len__(self) -> int:
        return len(self.keys)

    def to_table(self) -> pa.Table:
        """One row per object, for display and charts."""
        return pa.table(
            {
                "key": self.keys,
                "records": self.records,
                "bytes": self.bytes,
                "first_record_ms": self.first_record_ms,
                "last_record_ms": self.last_record_ms,
                "delivered_ms": self.delivered_ms,
                "flushed_by": np.where(self.by_size, "size", "interval"),
            }
        )


@dataclass(frozen=True)
class DeliveryStream:
    """A Firehose stream with an S3 destination: buffering hints, prefix and output format."""

    name: str = "plays-to-s3"
    buffer_size_mib: float = field(
        default_factory=lambda: facts.number("firehose.buffer_size_default_mib")
    )
    buffer_interval_s: float = field(
        default_factory=lambda: facts.number("firehose.buffer_interval_default_s")
    )
    prefix: str = "raw/"
    to_parquet: bool = False
    version: int = 1

    def __post_init__(self) -> None:
        _check_prefix(self.prefix)
        _check_range(
            "SizeInMBs",
            self.buffer_size_mib,
            "firehose.buffer_size_min_mib",
            "firehose.buffer_size_max_mib",
        )
        _check_range(
            "IntervalInSeconds",
            self.buffer_interval_s,
            "firehose.buffer_interval_min_s",
            "firehose.buffer_interval_max_s",
        )

    def simulate_delivery(
        self,
        workload: Workload,
        rng: np.random.Generator | None = None,
        records: pa.Table | None = None,
    ) -> Delivery:
        """The objects this stream delivers for the workload, in delivery order.

        `records` (the rows the workload was made from, e.g. the plays) is only used to size
        Parquet objects; without it the workload's own columns are written.
        """
        t, sizes = workload.t_ms.astype(np.int64), workload.size.astype(np.int64)
        _check_records(t, sizes)
        stops, by_size = _flush_points(
            t,
            sizes,
            int(self.buffer_size_mib * facts.BYTES_PER_UNIT["MiB"]),
            int(self.buffer_interval_s * 1000),
        )
        first = np.r_[0, stops[:-1]]
        delivered = np.where(by_size, t[stops - 1], t[first] + int(self.buffer_interval_s * 1000))
        counts = stops - first
        object_bytes = np.add.reduceat(sizes, first)
        if self.to_parquet:
            table = records if records is not None else _workload_table(workload)
            if len(table) != len(workload):
                raise LabError("`records` must hold one row per workload record, in order.")
            object_bytes = _parquet_sizes(table, first, counts)
        rng = rng if rng is not None else np.random.default_rng(0)
        return Delivery(
            keys=_object_keys(self, t[first], delivered, rng),
            first_record=first,
            records=counts,
            bytes=object_bytes,
            first_record_ms=t[first],
            last_record_ms=t[stops - 1],
            delivered_ms=delivered,
            by_size=by_size,
            latency_ms=np.repeat(delivered, counts) - t,
            parquet=self.to_parquet,
        )


def simulate_delivery(
    workload: Workload,
    buffer_size_mib: float | None = None,
    buffer_interval_s: float | None = None,
    prefix: str = "raw/",
    to_parquet: bool = False,
    rng: np.random.Generator | None = None,
    records: pa.Table | None = None,
) -> Delivery:
    """Shorthand: a DeliveryStream with these hints (defaults from the facts) run on a workload."""
    hints = {"buffer_size_mib": buffer_size_mib, "buffer_interval_s": buffer_interval_s}
    given = {name: value for name, value in hints.items() if value is not None}
    stream = DeliveryStream(prefix=prefix, to_parquet=to_parquet, **given)
    return stream.simulate_delivery(workload, rng=rng, records=records)


def _check_range(parameter: str, value: float, low_fact: str, high_fact: str) -> None:
    """Outside the API's range the Firehose API answers InvalidArgumentException."""
    low, high = facts.number(low_fact), facts.number(high_fact)
    if not low <= value <= high:
        raise InvalidArgumentException(
            f"BufferingHints.{parameter} is {value:g}; it must be {low:g} to {high:g}."
        )


def _strftime_pattern(java_pattern: str) -> str:
    """A Java DateTimeFormatter pattern (the subset Firehose prefixes need) as a strftime one."""
    out = []
    for token in _JAVA_TOKEN.finditer(java_pattern):
        if token["letters"] is not None:
            if token["letters"] not in _JAVA_FIELDS:
                raise InvalidArgumentException(
                    f"Prefix timestamp pattern {java_pattern!r}: {token['letters']!r} is not "
                    f"modelled; use {', '.join(_JAVA_FIELDS)} and literal text."
                )
            out.append(_JAVA_FIELDS[token["letters"]])
        else:
            literal = token["quoted"] if token["quoted"] is not None else token["other"]
            out.append(literal.replace("%", "%%"))
    return "".join(out)


def _check_prefix(prefix: str) -> None:
    for expression in _EXPRESSION.finditer(prefix):
        if expression["namespace"] != "timestamp":
            raise InvalidArgumentException(
                f"Prefix expression {expression[0]!r}: only the timestamp namespace is modelled."
            )
        _strftime_pattern(expression["value"])


def evaluate_prefix(prefix: str, oldest_ms: int) -> str:
    """A custom prefix with its !{timestamp:...} expressions evaluated at `oldest_ms` (UTC)."""
    when = datetime.fromtimestamp(oldest_ms / 1000, tz=UTC)
    return _EXPRESSION.sub(lambda m: when.strftime(_strftime_pattern(m["value"])), prefix)


def _check_records(t: np.ndarray, sizes: np.ndarray) -> None:
    if not len(t):
        raise LabError("The workload is empty: there is nothing to deliver.")
    if np.any(np.diff(t) < 0):
        raise LabError("The workload's records must be in send order (t_ms not decreasing).")
    most = facts.as_bytes("firehose.record_max_kib")
    if int(sizes.max()) > most:
        raise InvalidArgumentException(f"A record is larger than {most} bytes.")


def _flush_points(
    t: np.ndarray, sizes: np.ndarray, size_bytes: int, interval_ms: int
) -> tuple[np.ndarray, np.ndarray]:
    """Index after each object's last record, and whether the size hint (not time) flushed it."""
    if interval_ms == 0:  # every buffer is due as soon as it opens
        return np.arange(1, len(t) + 1), sizes >= size_bytes
    total = np.cumsum(sizes)
    stops, by_size = [], []
    start = 0
    while start < len(t):
        before = int(total[start - 1]) if start else 0
        timed = int(np.searchsorted(t, t[start] + interval_ms, side="left"))
        full = int(np.searchsorted(total, before + size_bytes, side="left")) + 1
        stops.append(min(timed, full, len(t)))
        by_size.append(full <= min(timed, len(t)))
        start = stops[-1]
    return np.asarray(stops, dtype=np.int64), np.asarray(by_size, dtype=bool)


def _object_keys(
    stream: DeliveryStream,
    oldest_ms: np.ndarray,
    delivered_ms: np.ndarray,
    rng: np.random.Generator,
) -> list[str]:
    """Object keys: the evaluated custom prefix or the default UTC hour folders, then a name."""
    if _EXPRESSION.search(stream.prefix):  # a custom timestamp prefix replaces the hour folders
        folders = [evaluate_prefix(stream.prefix, int(ms)) for ms in oldest_ms.tolist()]
    else:
        hours = np.datetime_as_string(oldest_ms.astype("datetime64[ms]"), unit="h").tolist()
        folders = [f"{stream.prefix}{h.replace('-', '/').replace('T', '/')}/" for h in hours]
    stamps = np.datetime_as_string(delivered_ms.astype("datetime64[ms]"), unit="s").tolist()
    hexes = rng.bytes(16 * len(stamps)).hex()
    ids = (hexes[32 * i : 32 * i + 32] for i in range(len(stamps)))
    name = f"{stream.name}-{stream.version}-"
    end = ".parquet" if stream.to_parquet else ""
    return [
        f"{f}{name}{s.replace('T', '-').replace(':', '-')}-{_uuid_text(h)}{end}"
        for f, s, h in zip(folders, stamps, ids, strict=True)
    ]


def _uuid_text(hex32: str) -> str:
    return f"{hex32[:8]}-{hex32[8:12]}-{hex32[12:16]}-{hex32[16:20]}-{hex32[20:]}"


def _workload_table(workload: Workload) -> pa.Table:
    return pa.table(
        {
            "uuid": pa.array(workload.event_id, pa.string()),
            "device_ts": pa.array(workload.event_ms, pa.timestamp("ms")),
            "device_id": pa.array(workload.device_id, pa.int32()),
            "key": pa.array(workload.key, pa.string()),
        }
    )


def _parquet_bytes(table: pa.Table) -> int:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="snappy")
    return sink.getvalue().size


def _parquet_sizes(table: pa.Table, first: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Each object's Parquet size: measured for a spread of objects, a fitted line for the rest."""
    picked = np.unique(np.linspace(0, len(counts) - 1, EXACT_PARQUET_OBJECTS).astype(np.int64))
    measured = np.array(
        [_parquet_bytes(table.slice(first[i], counts[i])) for i in picked], dtype=np.int64
    )
    if len(picked) == len(counts):
        return measured
    if np.ptp(counts[picked]) == 0:
        sizes = np.full(len(counts), measured.mean())
    else:  # a fixed cost (footer, schema, page headers) plus a cost per row
        per_row, fixed = np.polyfit(counts[picked], measured, 1)
        sizes = fixed + per_row * counts
    sizes = np.round(sizes).astype(np.int64)
    sizes[picked] = measured
    return sizes


def _json_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="milliseconds")
    raise TypeError(f"Cannot write {type(value).__name__} as JSON")


def object_body(
    delivery: Delivery, index: int, records: pa.Table, omit_null: Collection[str] = ()
) -> bytes:
    """The bytes of one delivered object: its records as JSON lines, or one Parquet file.

    Keys named in `omit_null` are left out of a JSON record whose value is null: the producer
    did not send that field at all (e.g. a column older app versions do not know).
    """
    rows = records.slice(int(delivery.first_record[index]), int(delivery.records[index]))
    if delivery.parquet:
        sink = pa.BufferOutputStream()
        pq.write_table(rows, sink, compression="snappy")
        return sink.getvalue().to_pybytes()
    dicts = rows.to_pylist()
    if omit_null:
        dicts = [{k: v for k, v in r.items() if v is not None or k not in omit_null} for r in dicts]
    lines = (json.dumps(r, separators=(",", ":"), default=_json_value) for r in dicts)
    return "".join(line + "\n" for line in lines).encode("utf-8")


def deliver_to_local_s3(
    delivery: Delivery, bucket: str, records: pa.Table, max_objects: int = 20
) -> list[str]:
    """Write the first `max_objects` delivered objects to S3 (local endpoint); returns their keys.

    `records` are the rows behind the workload, in the same order (e.g. the plays table, minus
    columns the producer would not send). Each API call takes milliseconds: keep it small.
    """
    needed = int(delivery.first_record[-1] + delivery.records[-1]) if len(delivery) else 0
    if len(records) < needed:
        raise LabError("`records` has fewer rows than the workload that was delivered.")
    s3 = localaws.client("s3")
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=bucket)
    written = delivery.keys[:max_objects]
    for index, key in enumerate(written):
        s3.put_object(Bucket=bucket, Key=key, Body=object_body(delivery, index, records))
    return written
