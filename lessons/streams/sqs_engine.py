"""The event loop behind `sqs_sim.simulate_consumers`: consumers, their clock, queue bookkeeping.

`_Standard(send, setup, rng)` and `_Fifo(send, groups, setup, rng)` take the send times of the
messages that entered the queue; `run()` plays the consumers' receive, process and delete until
nothing is left and returns a `_Trace` of what happened, which sqs_sim summarises.

Fidelity: an event loop, exact to the millisecond for the rules it models: visibility timeout and
redelivery, deletes that count only with the latest receipt handle, redrive once a receive would
exceed maxReceiveCount, FIFO groups locked while in flight, and the FIFO quota of receive calls
per epoch second across consumers, which DeleteMessageBatch calls match one for one (AWS meters
finer). Standard receives sample the oldest `sample_window` visible messages and a delete misses
with `duplicate_probability` (AWS gives no numbers). Consumers long-poll, so empty receives are
not counted; processing takes a fixed time per message; a failure leaves the message for
redelivery, and on FIFO the consumer stops its group's share of the batch there, as AWS advises.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from lessons.errors import LabError

_NEVER = float("inf")
# Not an AWS limit: a run that redelivers this many times per message is going round in circles.
RUNAWAY_DELIVERIES_PER_MESSAGE = 50


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
