"""Checkpoints, a failure mid-stream, restore and replay: exactly-once against at-least-once.

A checkpoint is a consistent snapshot of the operator state together with the source offset it
corresponds to. After a failure Flink restores the latest completed checkpoint and rewinds the
source to that offset (Kinesis sequence numbers, Kafka offsets), so every event affects the state
exactly once. A transactional (two-phase commit) sink makes the output exactly-once too: what
was written since the last checkpoint is aborted and written again by the replay.

Without checkpointed state, a consumer that adds to counters in a database as it reads, and
commits its source position every so often, replays the events read since its last commit after
a crash: their increments are applied twice. `run_at_least_once` measures that double count.

Time: checkpoints are taken every `interval_s` of processing time while the stream is replayed
`speedup` times faster than it was recorded (a week of plays in minutes), so a lesson can take
a handful of checkpoints instead of one per minute of a week.

Fidelity: checkpoints are taken between events and complete at once (Flink injects barriers,
snapshots asynchronously, and honours the minimum pause between checkpoints); the operator state
snapshot is the immutable `WindowState` value itself. A failure loses everything not in the last
completed checkpoint; restart delays and the job's restart strategy are not modelled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lessons import facts
from lessons.errors import LabError
from lessons.flink.stream import EventStream
from lessons.flink.windows import (
    Watermarks,
    WindowSpec,
    WindowState,
    assign_windows,
    finish,
    step,
)


class RecoveryError(LabError):
    """A checkpoint or failure setting that cannot be run."""


def default_interval_s() -> float:
    """Managed Service for Apache Flink's checkpoint interval with the DEFAULT configuration."""
    return facts.as_seconds("flink.checkpoint_interval_default_s")


def checkpoint_offsets(stream: EventStream, interval_s: float, speedup: float = 1.0) -> np.ndarray:
    """Source offsets where checkpoints are taken: every interval of (replayed) processing time."""
    if interval_s <= 0 or speedup <= 0:
        raise RecoveryError("The checkpoint interval and the replay speed-up must be positive.")
    if not len(stream):
        return np.zeros(0, dtype=np.int64)
    clock_ms = (stream.arrival_ms - stream.arrival_ms[0]) / speedup
    ticks = np.arange(interval_s * 1000, clock_ms[-1] + 1, interval_s * 1000)
    offsets = np.unique(np.searchsorted(clock_ms, ticks, side="left"))
    return offsets[(offsets > 0) & (offsets < len(stream))]


def _check_failures(failures: tuple[int, ...], n: int) -> list[int]:
    if any(not 0 < f < n for f in failures):
        raise RecoveryError(f"A failure must happen at an offset between 1 and {n - 1}.")
    return sorted(failures)


@dataclass(frozen=True)
class RecoveryRun:
    """What the sink committed, and what the failures cost."""

    committed: pd.DataFrame  # firings committed to the transactional sink, in order
    checkpoints: int  # completed checkpoints
    replayed_events: int  # events read twice because of failures
    aborted_firings: int  # firings written after the last checkpoint and rolled back

    @property
    def results(self) -> pd.DataFrame:
        """Final count per window in the sink (upsert by key and window)."""
        last = self.committed.drop_duplicates(["key", "window_start"], keep="last")
        return last[["key", "window_start", "window_end", "count"]].sort_values(
            ["key", "window_start"], ignore_index=True
        )


def run_exactly_once(
    stream: EventStream, spec: WindowSpec, marks: Watermarks, interval_s: float,
    failures: tuple[int, ...] = (), speedup: float = 1.0,
) -> RecoveryRun:  # fmt: skip
    """Checkpoint state + offsets, fail at the given offsets, restore and replay; see above."""
    if spec.kind == "session":
        raise RecoveryError("The recovery model runs tumbling and sliding windows.")
    pending_failures = _check_failures(failures, len(stream))
    boundaries = [*checkpoint_offsets(stream, interval_s, speedup).tolist(), len(stream)]
    state, snapshot = WindowState(), WindowState()
    committed: list[pd.DataFrame] = []
    pending: list[pd.DataFrame] = []
    checkpoints = replayed = aborted = 0
    while state.offset < len(stream):
        next_cp = next(b for b in boundaries if b > state.offset)
        fail = pending_failures[0] if pending_failures else len(stream) + 1
        stop = min(next_cp, fail)
        done = step(state, stream.slice(state.offset, stop), spec, marks)
        state = done.state
        pending.append(done.firings)
        if stop == fail:  # the job dies: roll back to the last completed checkpoint
            pending_failures.pop(0)
            aborted += sum(len(f) for f in pending)
            replayed += state.offset - snapshot.offset
            pending, state = [], snapshot
        elif stop < len(stream):  # checkpoint completes: commit the sink's open transaction
            committed += pending
            pending, snapshot = [], state
            checkpoints += 1
    committed += [*pending, finish(state, spec)]
    frames = [f for f in committed if len(f)]
    return RecoveryRun(pd.concat(frames, ignore_index=True), checkpoints, replayed, aborted)


@dataclass(frozen=True)
class AtLeastOnceRun:
    """Counters incremented per event in an external store, with replays after crashes."""

    counts: pd.DataFrame  # key, window_start, window_end, count as the store holds them
    replayed_events: int
    double_counted: int  # increments applied twice (one per replayed event and window)


def run_at_least_once(
    stream: EventStream, spec: WindowSpec, commit_interval_s: float,
    failures: tuple[int, ...] = (), speedup: float = 1.0,
) -> AtLeastOnceRun:  # fmt: skip
    """No state snapshot: read, increment, commit the offset now and then; crash; resume."""
    if spec.kind == "session":
        raise RecoveryError("The at-least-once model counts tumbling and sliding windows.")
    commits = checkpoint_offsets(stream, commit_interval_s, speedup)
    reads = [np.arange(len(stream))]
    for fail in _check_failures(failures, len(stream)):
        committed = int(commits[commits < fail].max()) if (commits < fail).any() else 0
        reads.append(np.arange(committed, fail))  # read again after the restart
    read = np.concatenate(reads)
    event, start = assign_windows(stream.event_ms[read], spec)
    table = pd.DataFrame({"key": stream.key[read][event], "window_start": start})
    counts = table.value_counts(["key", "window_start"]).rename("count").reset_index()
    counts["window_end"] = counts["window_start"] + spec.size_ms
    counts = counts[["key", "window_start", "window_end", "count"]].sort_values(
        ["key", "window_start"], ignore_index=True
    )
    once = len(assign_windows(stream.event_ms, spec)[0])
    return AtLeastOnceRun(counts, len(read) - len(stream), int(counts["count"].sum()) - once)
