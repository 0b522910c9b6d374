"""SQS at volume: a workload's messages through a pool of consumers, standard queue or FIFO.

`simulate_consumers` plays what N consumers do: ReceiveMessage (up to the receive maximum), process
the messages one after another, delete the successes when the batch is done (the usual pattern,
and Lambda's). It counts what a design must cope with: duplicates, events out of order,
dead-lettered messages, latency, and what a consumer that crashes mid-batch leaves behind.

Fidelity: an event loop, exact to the millisecond for the rules it models: visibility timeout and
redelivery, deletes that count only with the latest receipt handle, redrive once a receive would
exceed maxReceiveCount, FIFO groups locked while in flight, FIFO deduplication (the event uuid is
the deduplication id), and the FIFO quotas per epoch second (producer messages, batched; receive
calls across consumers, which DeleteMessageBatch calls match one for one; AWS meters finer).
Standard receives sample the oldest `sample_window` visible messages and a delete misses with
`duplicate_probability` (AWS gives no numbers). Consumers long-poll, so empty receives are not
counted; processing takes a fixed time per message; a failure leaves the message for
redelivery, and on FIFO the consumer stops its group's share of the batch there, as AWS advises.
Retention, delays and in-flight limits are left out.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lessons.errors import LabError
from lessons.streams import sqs
from lessons.streams.workload import Workload

_NEVER = float("inf")
# Not an AWS limit: a run that redelivers this many times per message is going round in circles.
RUNAWAY_DELIVERIES_PER_MESSAGE = 50


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


@dataclass(frozen=True)
class _Setup:
    consumers: int
    processing_ms: float
    failure_rate: float
    visibility_ms: int
    max_receives: float  # infinite without a dead-letter queue
    batch: int
    crash_ms: float | None  # absolute
    duplicate_probability: float
    sample_window: int
    calls_per_s: float  # ReceiveMessage calls per epoch second (FIFO); infinite for standard


@dataclass
class _Trace:
    done_msg: list[int] = field(default_factory=list)
    done_ms: list[float] = field(default_factory=list)
    deliveries: int = 0
    receive_calls: int = 0
    dead: int = 0
    throttled_ms: float = 0.0
    crash: tuple[float, float, list[int], list[int]] | None = None  # at, visible, batch, done


def _uniforms(rng: np.random.Generator) -> Iterator[float]:
    # Drawn in blocks: one generator call per 65,536 decisions keeps the loop fast.
    while True:
        yield from rng.random(1 << 16).tolist()


class _Consumers:
    """Consumers, clock and visibility bookkeeping shared by the standard and FIFO loops."""

    stop_on_failure = False

    def __init__(self, send: list[float], setup: _Setup, rng: np.random.Generator) -> None:
        self.send, self.s, self.n = send, setup, len(send)
        self.count = [0] * self.n  # receives so far (the latest receipt handle's number)
        self.gone = bytearray(self.n)  # 1 deleted, 2 dead-lettered
        self.u, self.trace, self.now = _uniforms(rng), _Trace(), 0.0
        self.free = [(0.0, c) for c in range(setup.consumers)]  # (busy until, consumer)
        self.late: list[tuple[float, int, tuple]] = []  # (end, consumer, batch) to settle
        self.next_call, self.second, self.calls = 0.0, -1, 0  # the per-second call quota

    def run(self) -> _Trace:
        free, late, visible, receive = self.free, self.late, self.next_visible, self.receive
        while True:
            ready, c = free[0]  # the consumer free the longest
            seen = visible()  # when it can next get a message: consumers long-poll
            t = max(ready, seen, self.now)
            waited = self.next_call - t  # the FIFO per-action call quota
            t = self.next_call if waited > 0 else t
            if t == _NEVER:
                return self.trace
            if late and late[0][0] <= t:  # deletes due at a batch's end go first
                self.finish(heapq.heappop(late)[2], early=False)
                continue
            if waited > 0:
                self.trace.throttled_ms += waited
            heapq.heappop(free)
            self.now = t
            parts = receive(t)
            if parts:
                self.start(c, t, parts)
            else:  # only dead-lettered or stale entries were due: look again
                heapq.heappush(free, (t, c))

    def start(self, c: int, t: float, parts: list) -> None:
        """Consumer `c` got `parts` at `t`: count the call, plan its work, schedule its end."""
        s, trace = self.s, self.trace
        second = t // 1000
        self.calls, self.second = (self.calls + 1 if second == self.second else 1), second
        if self.calls >= s.calls_per_s:  # this second's quota is used up
            self.next_call = (second + 1) * 1000
        trace.receive_calls += 1
        mark = len(trace.done_ms)
        counts, ok, end = self._process(t, parts)
        crashed = c == 0 and s.crash_ms is not None and trace.crash is None and end > s.crash_ms
        if crashed:
            end = self._crash(t, parts, mark)
        batch = (t, end, parts, counts, ok, crashed)
        if end <= t + s.visibility_ms:
            # No one can see these messages before the batch ends: settling it now is the same.
            self.finish(batch, early=True)
        else:  # the batch reappears while still in process; its deletes come at its end
            self.expose(t, parts, counts)
            heapq.heappush(self.late, (end, c, batch))
        heapq.heappush(self.free, (end, c))

    def _process(self, t: float, parts: list) -> tuple[list, list, float]:
        """Receive counts, the successes (drawn now, settled later) and when the work ends."""
        count, u, s, trace = self.count, self.u, self.s, self.trace
        proc, rate, stop, clock = s.processing_ms, s.failure_rate, self.stop_on_failure, t
        done_msg, done_ms, counts, ok = trace.done_msg, trace.done_ms, [], []
        for _, msgs in parts:
            ks, good, failed = [], [], False
            for i in msgs:
                k = count[i] = count[i] + 1
                ks.append(k)
                if failed:  # FIFO: the rest of this group's share waits for redelivery
                    continue
                clock += proc
                if rate and next(u) < rate:
                    failed = stop
                    continue
                good.append(i)
                done_msg.append(i)
                done_ms.append(clock)
            counts.append(ks)
            ok.append(good)
            trace.deliveries += len(msgs)
        if trace.deliveries > RUNAWAY_DELIVERIES_PER_MESSAGE * self.n:
            raise LabError(
                "Messages keep coming back: batches outlast the visibility timeout "
                f"({s.visibility_ms / 1000:g} s). Lengthen it or set max_receive_count."
            )
        return counts, ok, clock

    def _crash(self, t: float, parts: list, mark: int) -> float:
        """Consumer 0 dies: work finished before the crash happened, and nothing is deleted."""
        end, done_msg, done_ms = max(self.s.crash_ms, t), self.trace.done_msg, self.trace.done_ms
        while len(done_ms) > mark and done_ms[-1] > end:
            done_msg.pop()
            done_ms.pop()
        batch = [i for _, msgs in parts for i in msgs]
        self.trace.crash = (end, t + self.s.visibility_ms, batch, done_msg[mark:])
        return end


class _Standard(_Consumers):
    """Visible messages in a pool; receives sample among the oldest; redeliveries in a heap."""

    def __init__(self, send: list[float], setup: _Setup, rng: np.random.Generator) -> None:
        super().__init__(send, setup, rng)
        self.pool: list[int] = []
        self.head = self.arrived = 0  # pool[head:] is visible; send[:arrived] is in the pool
        self.redo: list[tuple[float, int, int]] = []  # (visible again at, message, receive no.)

    def next_visible(self) -> float:
        redo = self.redo
        while redo and (self.gone[redo[0][1]] or self.count[redo[0][1]] != redo[0][2]):
            heapq.heappop(redo)  # deleted or received again since: not a wake-up
        if len(self.pool) > self.head:
            return self.now
        arrival = self.send[self.arrived] if self.arrived < self.n else _NEVER
        return redo[0][0] if redo and redo[0][0] < arrival else arrival

    def _reveal(self, t: float) -> None:
        """Messages whose visibility timeout has ended go back among the oldest visible."""
        redo, pool = self.redo, self.pool
        while redo and redo[0][0] <= t:
            _, i, k = heapq.heappop(redo)
            if self.gone[i] or self.count[i] != k:
                continue
            if k >= self.s.max_receives:  # this receive would exceed maxReceiveCount
                self.gone[i], self.trace.dead = 2, self.trace.dead + 1
            elif self.head:
                self.head -= 1
                pool[self.head] = i
            else:
                pool.insert(0, i)

    def receive(self, t: float) -> list:
        if self.redo and self.redo[0][0] <= t:
            self._reveal(t)
        pool, arrived, send = self.pool, self.arrived, self.send
        if arrived < self.n and send[arrived] <= t:
            self.arrived = bisect_right(send, t, arrived)
            pool.extend(range(arrived, self.arrived))
        head = self.head
        visible = len(pool) - head
        if not visible:
            return []
        take = min(visible, self.s.batch)
        window = max(take, min(visible, self.s.sample_window))
        u = self.u
        for j in range(take if window > 1 else 0):  # partial shuffle: a sample of the window
            r = head + j + int(next(u) * (window - j))
            pool[head + j], pool[r] = pool[r], pool[head + j]
        self.head = head + take
        batch = pool[head : self.head]
        if self.head > 1 << 16 and self.head * 2 > len(pool):
            del pool[: self.head]  # keep the pool from growing with the whole history
            self.head = 0
        return [(None, batch)]

    def expose(self, t: float, parts: list, counts: list) -> None:
        for i, k in zip(parts[0][1], counts[0], strict=True):
            heapq.heappush(self.redo, (t + self.s.visibility_ms, i, k))

    def finish(self, batch: tuple, early: bool) -> None:
        t0, _, parts, counts, ok, crashed = batch
        good = () if crashed else ok[0]
        p, u, again = self.s.duplicate_probability, self.u, t0 + self.s.visibility_ms
        for i, k in zip(parts[0][1], counts[0], strict=True):
            if self.gone[i] or self.count[i] != k:
                continue  # received again since: this handle is stale and deletes nothing
            if i in good and not (p and next(u) < p):
                self.gone[i] = 1
            elif early:  # failed, crashed or a missed delete: visible when the timeout ends
                heapq.heappush(self.redo, (again, i, k))


class _Fifo(_Consumers):
    """Message groups in send order; a group is offered again only when nothing is in flight."""

    stop_on_failure = True

    def __init__(self, send: list[float], groups: np.ndarray, setup: _Setup, rng) -> None:
        super().__init__(send, setup, rng)
        self.order = np.argsort(groups, kind="stable").tolist()
        bounds = np.concatenate([[0], np.cumsum(np.bincount(groups))]).tolist()
        self.head, self.end = bounds[:-1], bounds[1:]  # positions in self.order per group
        self.token = [0] * len(self.head)  # bumped whenever a group changes hands
        self.offers = [(send[self.order[h]], g, 0) for g, h in enumerate(self.head)]
        heapq.heapify(self.offers)  # (available from, group, token)

    def next_visible(self) -> float:
        offers, token = self.offers, self.token
        while offers and offers[0][2] != token[offers[0][1]]:
            heapq.heappop(offers)
        return offers[0][0] if offers else _NEVER

    def _offer(self, g: int, not_before: float = 0.0) -> None:
        self.token[g] += 1
        if self.head[g] < self.end[g]:
            when = max(self.send[self.order[self.head[g]]], not_before)
            heapq.heappush(self.offers, (when, g, self.token[g]))

    def receive(self, t: float) -> list:
        parts, room, order, send = [], self.s.batch, self.order, self.send
        while room and self.offers and self.offers[0][0] <= t:
            _, g, tok = heapq.heappop(self.offers)
            if tok != self.token[g]:
                continue
            h, end = self.head[g], self.end[g]
            while h < end and self.count[order[h]] >= self.s.max_receives:
                self.gone[order[h]], self.trace.dead, h = 2, self.trace.dead + 1, h + 1
            stop = h
            while stop < end and stop - h < room and send[order[stop]] <= t:
                stop += 1
            self.head[g] = h
            if stop == h:
                self._offer(g)
                continue
            self.token[g] += 1
            parts.append(((g, self.token[g]), order[h:stop]))
            room -= stop - h
        return parts

    def expose(self, t: float, parts: list, counts: list) -> None:
        for g, tok in (tag for tag, _ in parts):
            heapq.heappush(self.offers, (t + self.s.visibility_ms, g, tok))

    def finish(self, batch: tuple, early: bool) -> None:
        t0, end, parts, _, ok, crashed = batch
        for ((g, tok), msgs), good in zip(parts, ok, strict=True):
            if self.token[g] != tok:
                continue  # the group was received again: these handles are stale
            done = 0 if crashed else len(good)  # successes are a prefix: we stop at a failure
            for i in msgs[:done]:
                self.gone[i] = 1
            self.head[g] += done
            if done == len(msgs):
                self._offer(g, end)
            elif early:
                heapq.heappush(self.offers, (t0 + self.s.visibility_ms, g, tok))


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
