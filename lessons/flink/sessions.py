"""Session windows: per key, events closer together than the gap merge into one window.

Each event starts as its own window [t, t + gap). Windows of the same key that touch or overlap
merge, so a session grows while events keep coming and ends one gap after its last event. A
late event can bridge two sessions and merge them into one. Merging depends on what is already
open when each event arrives, so this operator walks the stream event by event (per-key lists
of open sessions), with the watermark and allowed lateness of lessons.flink.windows.

Fidelity: follows Flink's EventTimeSessionWindows and MergingWindowSet: two windows merge when
they intersect (start <= other end and end >= other start, so windows that only touch merge);
the merged window is checked for lateness (maxTimestamp + allowed lateness <= watermark drops
the event) and a kept late event fires the merged session again. Simplified as in
lessons.flink.windows (watermark after every event, one subtask); only each session's final
firing is recorded, and sessions are purged lazily when their key is next seen (same results).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lessons.flink.stream import EventStream
from lessons.flink.windows import (
    DROPPED,
    FIRING_COLUMNS,
    LATE,
    NO_TIME,
    ON_TIME,
    Watermarks,
    WindowRun,
    WindowSpec,
    watermark_of,
)


def _merge_one(
    open_sessions: list[list[int]], t: int, gap: int, wm: int, lateness: int, done: list
) -> int:
    """Merge [t, t+gap) into a key's open sessions; returns the event's status."""
    # Sessions whose state the watermark has already cleaned up are final.
    alive = []
    for session in open_sessions:
        (done if session[1] - 1 + lateness <= wm else alive).append(session)
    start, end, count = t, t + gap, 1
    rest = []
    for s_start, s_end, s_count in alive:
        if s_start <= end and s_end >= start:
            start, end, count = min(start, s_start), max(end, s_end), count + s_count
        else:
            rest.append([s_start, s_end, s_count])
    if end - 1 + lateness <= wm:
        open_sessions[:] = alive
        return DROPPED
    open_sessions[:] = [*rest, [start, end, count]]
    return LATE if end - 1 <= wm else ON_TIME


def run_sessions(stream: EventStream, spec: WindowSpec, marks: Watermarks) -> WindowRun:
    """The whole stream through a session window operator, then the end-of-input watermark."""
    newest = np.maximum.accumulate(stream.event_ms)
    wm_after = watermark_of(newest, marks.delay_ms)
    wm_before = np.concatenate([[NO_TIME], wm_after[:-1]]).tolist()
    sessions: dict[int, list[list[int]]] = {}
    done: list[list[int]] = []
    finished_keys: list[int] = []
    status = np.empty(len(stream), dtype=np.int64)
    gap, lateness = spec.gap_ms, marks.allowed_lateness_ms
    for i, (key, t) in enumerate(zip(stream.key.tolist(), stream.event_ms.tolist(), strict=True)):
        before = len(done)
        status[i] = _merge_one(sessions.setdefault(key, []), t, gap, wm_before[i], lateness, done)
        finished_keys.extend([key] * (len(done) - before))
    for key, open_sessions in sessions.items():
        done.extend(open_sessions)
        finished_keys.extend([key] * len(open_sessions))
    table = np.asarray(done, dtype=np.int64).reshape(-1, 3)
    firings = pd.DataFrame(
        {"key": np.asarray(finished_keys, dtype=np.int64), "window_start": table[:, 0],
         "window_end": table[:, 1], "count": table[:, 2], "kind": "final",
         "offset": len(stream), "arrival_ms": int(stream.arrival_ms[-1])}
    )[FIRING_COLUMNS]  # fmt: skip
    return WindowRun(
        spec, marks, firings, np.arange(len(stream)), stream.event_ms.copy(), status, wm_after,
        len(stream),
    )  # fmt: skip
