"""SQS at volume: a workload's messages through a pool of consumers, standard queue or FIFO.

`simulate_consumers` plays what N consumers do: ReceiveMessage (up to the receive maximum), process
the messages one after another, delete the successes when the batch is done (the usual pattern,
and Lambda's). It counts what a design must cope with: duplicates, events out of order,
dead-lettered messages, latency, and what a consumer that crashes mid-batch leaves behind.
The event loop that plays the consumers is in sqs_engine.

Fidelity: before the loop, FIFO deduplication (the event uuid is the deduplication id) and the
FIFO producer quota per epoch second (messages, batched; AWS meters finer) decide which messages
enter the queue and when. The rules the loop models, and its simplifications, are listed in
sqs_engine. Retention, delays and in-flight limits are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lessons.errors import LabError
from lessons.streams import sqs
from lessons.streams.sqs_engine import _NEVER, _Fifo, _Setup, _Standard, _Trace
from lessons.streams.workload import Workload


@dataclass(frozen=True)
class Latency:
    """Producer send (as the workload wanted it) to the end of the first successful processing."""

    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float


@dataclass(frozen=True)
class CrashReport:
    """Consumer 0 dies in the middle of a batch: what it had done, and when the batch came back."""

    at_ms: float  # after the first send
    batch_size: int
    processed_before_crash: int  # side effects done, never deleted
    invisible_for_ms: float  # after the crash, until the batch's visibility timeout ends
    processed_again: int  # of those processed before the crash, processed again later


@dataclass(frozen=True)
class ConsumerRun:
    """What the consumers saw. Counts are messages unless they say calls."""

    fifo: bool
    sent: int
    enqueued: int  # after FIFO deduplication
    deliveries: int  # handed out by ReceiveMessage, redeliveries included
    processed: int  # successful processings, duplicates included
    duplicates: int  # processings of an event_id that had been processed already
    order_violations: int  # processed after a later event of the same device
    order_violations_at_send: int  # the same count in the order the producer sent
    dead_lettered: int
    receive_calls: int  # calls that returned messages
    throttled_ms: float  # consumer time lost to the FIFO receive-call limit
    send_delay_ms: float  # longest producer wait under the FIFO send limit
    latency: Latency
    crash: CrashReport | None


def out_of_order(device: np.ndarray, event_ms: np.ndarray) -> int:
    """Events handled after a later event of the same device (arrays in handling order)."""
    if len(device) == 0:
        return 0
    by_device = np.argsort(device, kind="stable")
    d, e = device[by_device], event_ms[by_device] - event_ms.min()
    rank = np.concatenate([[0], np.cumsum(d[1:] != d[:-1])])
    key = rank * (int(e.max()) + 1) + e  # one increasing band per device keeps cummax per device
    latest = np.maximum.accumulate(key)
    return int(np.count_nonzero(key[1:] < latest[:-1]))


def fifo_send_times(t_ms: np.ndarray, per_second: float) -> np.ndarray:
    """When a producer held to `per_second` messages per epoch second gets each one out, in order.

    The backlog carried into each second follows Lindley's recursion b' = max(0, b + a - limit),
    computed with cumulative sums; message k leaves in the first second whose departures pass k.
    """
    second = (t_ms // 1000).astype(np.int64)
    spill = int(np.ceil(len(t_ms) / per_second)) + 1  # seconds a backlog may run past the end
    arrivals = np.bincount(second - second[0], minlength=int(second[-1] - second[0]) + spill)
    excess = np.cumsum(arrivals - per_second)
    backlog = excess - np.minimum(np.minimum.accumulate(excess), 0)  # carried out of each second
    departed = np.cumsum(arrivals) - backlog
    leaves = second[0] + np.searchsorted(departed, np.arange(len(t_ms)), side="right")
    return np.maximum(t_ms, leaves * 1000.0)


def deduplicate(event: np.ndarray, send: np.ndarray, window_ms: float) -> np.ndarray:
    """Which sends a FIFO queue keeps when the deduplication id is the event id."""
    keep = np.ones(len(event), dtype=bool)
    repeated = np.flatnonzero(np.bincount(event)[event] > 1)
    first: dict[int, float] = {}
    for i in repeated.tolist():
        seen = first.get(event[i])
        if seen is not None and send[i] < seen + window_ms:
            keep[i] = False
        else:
            first[event[i]] = send[i]
    return keep


def _latency(first_done: np.ndarray, t_ms: np.ndarray) -> Latency:
    wait = first_done - t_ms
    if len(wait) == 0:
        return Latency(*[float("nan")] * 4)
    p50, p90, p99, top = np.percentile(wait, [50, 90, 99, 100])
    return Latency(float(p50), float(p90), float(p99), float(top))


def _crash_report(trace: _Trace, start: float, msg: np.ndarray, done: np.ndarray):
    if trace.crash is None:
        return None
    at, visible, batch, before = trace.crash
    again = np.isin(msg[done > at], before)
    return CrashReport(at - start, len(batch), len(before), max(visible - at, 0.0),
                       len(np.unique(msg[done > at][again])))  # fmt: skip


def _check(consumers: int, processing_ms: float, failure_rate: float, extra: tuple) -> None:
    duplicate_probability, sample_window = extra
    if consumers < 1 or processing_ms < 0 or sample_window < 1:
        raise LabError("Need consumers >= 1, processing_ms >= 0 and sample_window >= 1.")
    if not (0 <= failure_rate < 1 and 0 <= duplicate_probability < 1):
        raise LabError("failure_rate and duplicate_probability must be at least 0 and below 1.")


def fifo_limits(high_throughput: bool) -> tuple[float, float]:
    """A FIFO queue's producer messages per second (batched) and ReceiveMessage calls per second."""
    if high_throughput:  # the fact counts messages in full batches: calls carry the batch maximum
        messages = sqs.limit("sqs.fifo_high_throughput_messages_per_s")
        return messages, messages / sqs.limit("sqs.receive_max_messages")
    return sqs.limit("sqs.fifo_batched_messages_per_s"), sqs.limit("sqs.fifo_ops_per_s")


def simulate_consumers(
    workload: Workload,
    fifo: bool,
    consumers: int,
    processing_ms: float,
    failure_rate: float,
    visibility_timeout_s: int,
    max_receive_count: int | None,
    rng: np.random.Generator,
    *,
    crash_at_s: float | None = None,
    high_throughput: bool = False,
    duplicate_probability: float = sqs.DUPLICATE_PROBABILITY,
    sample_window: int = sqs.SAMPLE_WINDOW,
) -> ConsumerRun:
    """Send the workload to one queue and let `consumers` receive, process and delete it.

    A FIFO queue gets `workload.key` as MessageGroupId and the event uuid as deduplication id.
    `crash_at_s` (after the first send) kills consumer 0 in the batch it is working on then (or
    as it receives its next one); it starts again at once. `max_receive_count=None` means no
    dead-letter queue.
    """
    _check(consumers, processing_ms, failure_rate, (duplicate_probability, sample_window))
    if len(workload) == 0:
        raise LabError("The workload is empty.")
    top = sqs.limit("sqs.visibility_max_hours")
    visibility_ms = sqs.checked_int("VisibilityTimeout", visibility_timeout_s, 0, top) * 1000
    receives = _NEVER
    if max_receive_count is not None:
        policy = {"deadLetterTargetArn": "dlq", "maxReceiveCount": max_receive_count}
        receives = sqs.parse_redrive(policy).max_receive_count
    t_ms = workload.t_ms.astype(np.float64)
    event = pd.factorize(workload.event_id)[0]
    send, keep, calls = t_ms, np.ones(len(t_ms), dtype=bool), _NEVER
    if fifo:
        per_message, per_call = fifo_limits(high_throughput)
        send = fifo_send_times(t_ms, per_message)
        keep = deduplicate(event, send, sqs.limit("sqs.fifo_dedup_window_minutes") * 1000)
        calls = per_call
    crash = None if crash_at_s is None else float(t_ms[0]) + crash_at_s * 1000
    setup = _Setup(consumers, processing_ms, failure_rate, visibility_ms, receives,
                   sqs.limit("sqs.receive_max_messages"), crash, duplicate_probability,
                   sample_window, calls)  # fmt: skip
    idx = np.flatnonzero(keep)
    queue_send = send[idx].tolist()
    if fifo:
        engine = _Fifo(queue_send, pd.factorize(workload.key[idx])[0], setup, rng)
    else:
        engine = _Standard(queue_send, setup, rng)
    return _summarise(workload, fifo, engine.run(), idx, event, float(np.max(send - t_ms)))


def _summarise(
    w: Workload, fifo: bool, trace: _Trace, idx: np.ndarray, event: np.ndarray, delay: float
) -> ConsumerRun:
    msg = np.asarray(trace.done_msg, dtype=np.int64)
    done = np.asarray(trace.done_ms, dtype=np.float64)
    by_time = np.argsort(done, kind="stable")
    msg, done = msg[by_time], done[by_time]
    rows = idx[msg]
    firsts, at = np.unique(msg, return_index=True)
    start = float(w.t_ms[0])
    return ConsumerRun(
        fifo=fifo,
        sent=len(w),
        enqueued=len(idx),
        deliveries=trace.deliveries,
        processed=len(msg),
        duplicates=len(msg) - int(np.count_nonzero(np.bincount(event[rows]))),
        order_violations=out_of_order(w.device_id[rows], w.event_ms[rows]),
        order_violations_at_send=out_of_order(w.device_id[idx], w.event_ms[idx]),
        dead_lettered=trace.dead,
        receive_calls=trace.receive_calls,
        throttled_ms=trace.throttled_ms,
        send_delay_ms=delay,
        latency=_latency(done[at], w.t_ms[idx[firsts]]),
        crash=_crash_report(trace, start, msg, done),
    )
