"""Event-time windows with watermarks, allowed lateness and late firings, as Apache Flink runs them.

A keyed window operator reads events in arrival order. Each event is assigned to windows by its
event time: one tumbling window, or size/slide overlapping sliding windows (sessions are in
lessons.flink.sessions). The watermark says "no event older than this is still expected": with
a bounded-out-of-orderness strategy it is the newest event time seen minus the delay, minus 1 ms.
A window fires (emits its count) when the watermark reaches its last millisecond. An event whose
window has already fired is late: within the allowed lateness it is still counted and the window
fires again with the updated count (a late firing); beyond it the event is dropped, or sent to a
side output when one is configured.

`step` processes one slice of the stream from a `WindowState` and returns the next state and
what fired, so a run can stop at any offset, snapshot the state (a checkpoint) and carry on:
lessons.flink.recovery builds on that. Everything inside a slice is vectorised.

Fidelity: follows Flink's WindowOperator with EventTimeTrigger: window.maxTimestamp() = end - 1;
an element is dropped when maxTimestamp + allowedLateness <= watermark; a late element that is
kept fires the window at once; state is purged once the watermark passes maxTimestamp + allowed
lateness; end of input sends a final watermark that fires every open window. Simplified: the
watermark advances after every event (Flink emits it periodically, every 200 ms of processing
time by default), so windows fire slightly earlier here than on a cluster, and one subtask
sees the whole stream (no watermark alignment across parallel sources, no idleness).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lessons.errors import LabError
from lessons.flink.stream import EventStream

WINDOW_KINDS = ("tumbling", "sliding", "session")
ON_TIME, LATE, DROPPED = 0, 1, 2
STATUS_NAMES = ("on time", "late, counted", "dropped")
NO_TIME = np.iinfo(np.int64).min // 4  # "no event seen yet": far below any epoch millisecond
MAX_WINDOWS_PER_EVENT = 1_000  # sliding size/slide above this would multiply memory by as much
FIRING_COLUMNS = ["key", "window_start", "window_end", "count", "kind", "offset", "arrival_ms"]


class WindowError(LabError):
    """A window or watermark setting that Flink would refuse or that makes no sense."""


@dataclass(frozen=True)
class WindowSpec:
    """Which windows events fall into. Times in milliseconds."""

    kind: str
    size_ms: int = 0  # tumbling and sliding
    slide_ms: int = 0  # sliding: how far apart window starts are
    gap_ms: int = 0  # session: inactivity that closes a session

    def __post_init__(self) -> None:
        if self.kind not in WINDOW_KINDS:
            raise WindowError(f"Window kind must be one of {WINDOW_KINDS}, not {self.kind!r}.")
        if self.kind == "session":
            if self.gap_ms <= 0:
                raise WindowError("A session window needs a gap greater than zero.")
            return
        if self.size_ms <= 0:
            raise WindowError("A window needs a size greater than zero.")
        if self.kind == "sliding":
            if self.slide_ms <= 0:
                raise WindowError("A sliding window needs a slide greater than zero.")
            if self.slide_ms > self.size_ms:
                raise WindowError(
                    "The slide is larger than the window size, so some events would fall into "
                    "no window; use a slide at most the size (equal means tumbling)."
                )
            if -(-self.size_ms // self.slide_ms) > MAX_WINDOWS_PER_EVENT:
                raise WindowError(
                    f"size / slide must be at most {MAX_WINDOWS_PER_EVENT}: each event is "
                    "copied into that many windows."
                )

    @classmethod
    def tumbling(cls, size_ms: int) -> WindowSpec:
        return cls("tumbling", size_ms=int(size_ms))

    @classmethod
    def sliding(cls, size_ms: int, slide_ms: int) -> WindowSpec:
        return cls("sliding", size_ms=int(size_ms), slide_ms=int(slide_ms))

    @classmethod
    def session(cls, gap_ms: int) -> WindowSpec:
        return cls("session", gap_ms=int(gap_ms))

    @property
    def step_ms(self) -> int:
        """Distance between window starts (the size for tumbling windows)."""
        return self.slide_ms if self.kind == "sliding" else self.size_ms


@dataclass(frozen=True)
class Watermarks:
    """A bounded-out-of-orderness watermark strategy plus the window's allowed lateness."""

    delay_ms: int
    allowed_lateness_ms: int = 0
    side_output: bool = False  # send dropped events to a side output instead of discarding

    def __post_init__(self) -> None:
        if self.delay_ms < 0:
            raise WindowError(
                "The watermark delay (maximum out-of-orderness) cannot be negative: it says "
                "how long to wait for late events."
            )
        if self.allowed_lateness_ms < 0:
            raise WindowError("The allowed lateness cannot be negative (0 means none).")


def watermark_of(newest_ms: np.ndarray | int, delay_ms: int) -> np.ndarray | int:
    """Bounded out-of-orderness: newest event time seen, minus the delay, minus 1 ms."""
    return np.where(np.asarray(newest_ms) <= NO_TIME, NO_TIME, np.asarray(newest_ms) - delay_ms - 1)


def assign_windows(event_ms: np.ndarray, spec: WindowSpec) -> tuple[np.ndarray, np.ndarray]:
    """(event index, window start) for every window each event belongs to."""
    if spec.kind == "session":
        raise WindowError("Session windows are assigned by merging: see lessons.flink.sessions.")
    t = np.asarray(event_ms, dtype=np.int64)
    last_start = t - np.mod(t, spec.step_ms)
    if spec.kind == "tumbling":
        return np.arange(len(t)), last_start
    copies = -(-spec.size_ms // spec.slide_ms)
    index = np.repeat(np.arange(len(t)), copies)
    start = np.repeat(last_start, copies) - np.tile(np.arange(copies), len(t)) * spec.slide_ms
    keep = start > t[index] - spec.size_ms
    return index[keep], start[keep]


def _empty_int() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class WindowState:
    """Everything the operator keeps between events: what a checkpoint snapshots."""

    offset: int = 0  # events consumed from the source
    newest_ms: int = NO_TIME  # newest event time seen (the watermark follows from it)
    last_arrival_ms: int = 0
    key: np.ndarray = field(default_factory=_empty_int)  # open windows, one row each
    start: np.ndarray = field(default_factory=_empty_int)
    count: np.ndarray = field(default_factory=_empty_int)
    fired: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @property
    def open_windows(self) -> int:
        return len(self.key)


@dataclass(frozen=True)
class StepResult:
    """One slice of the stream through the operator."""

    state: WindowState
    firings: pd.DataFrame  # FIRING_COLUMNS, in the order they fired
    pair_event: np.ndarray  # per (event, window) pair: the event's index in the slice
    pair_start: np.ndarray
    pair_status: np.ndarray  # ON_TIME, LATE or DROPPED
    watermark_ms: np.ndarray  # the watermark after each event of the slice


def _classify(
    stream: EventStream, state: WindowState, spec: WindowSpec, marks: Watermarks
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    newest = np.maximum.accumulate(np.maximum(stream.event_ms, state.newest_ms))
    wm_after = watermark_of(newest, marks.delay_ms)
    wm_before = np.concatenate([[watermark_of(state.newest_ms, marks.delay_ms)], wm_after[:-1]])
    event, start = assign_windows(stream.event_ms, spec)
    last = start + spec.size_ms - 1  # window.maxTimestamp()
    seen = wm_before[event]
    status = np.where(
        last + marks.allowed_lateness_ms <= seen, DROPPED, np.where(last <= seen, LATE, ON_TIME)
    )
    return event, start, status, wm_after


def _windows_table(
    stream: EventStream,
    state: WindowState,
    event: np.ndarray,
    start: np.ndarray,
    status: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Open windows after the slice (prior state + new events) and the kept late pairs."""
    kept = status != DROPPED
    pairs = pd.DataFrame(
        {"key": stream.key[event[kept]], "start": start[kept], "late": status[kept] == LATE,
         "pos": event[kept]}
    )  # fmt: skip
    new = pairs.groupby(["key", "start"], sort=False).agg(
        n_new=("pos", "size"), n_late=("late", "sum")
    )
    prior = pd.DataFrame(
        {"key": state.key, "start": state.start, "prior": state.count, "fired": state.fired}
    ).set_index(["key", "start"])
    table = prior.join(new, how="outer").fillna(
        {"prior": 0, "fired": False, "n_new": 0, "n_late": 0}
    )
    table = table.astype({"prior": np.int64, "fired": bool, "n_new": np.int64, "n_late": np.int64})
    return table.reset_index(), pairs[pairs["late"]]


def step(
    state: WindowState, stream: EventStream, spec: WindowSpec, marks: Watermarks
) -> StepResult:
    """Read `stream` (the next slice of the source) into the operator; see the module docstring."""
    if not len(stream):
        return StepResult(state, pd.DataFrame(columns=FIRING_COLUMNS), *[_empty_int()] * 3,
                          _empty_int())  # fmt: skip
    event, start, status, wm_after = _classify(stream, state, spec, marks)
    table, late = _windows_table(stream, state, event, start, status)
    last = table["start"].to_numpy() + spec.size_ms - 1
    n_on = (table["n_new"] - table["n_late"]).to_numpy()
    # The on-time firing: the first event after which the watermark reaches the window's end.
    fire_pos = np.searchsorted(wm_after, last, side="left")
    fires = ~table["fired"].to_numpy() & (table["prior"].to_numpy() + n_on > 0)
    fires &= fire_pos < len(stream)
    on_time = pd.DataFrame(
        {"key": table["key"][fires], "window_start": table["start"][fires],
         "count": (table["prior"].to_numpy() + n_on)[fires], "kind": "on-time",
         "pos": fire_pos[fires]}
    )  # fmt: skip
    firings = pd.concat([on_time, _late_firings(table, late, n_on)], ignore_index=True)
    firings = _finish_firings(firings, stream, state, spec)
    return StepResult(
        _next_state(state, stream, table, fires, last, marks, wm_after),
        firings, event, start, status, wm_after,
    )  # fmt: skip


def _late_firings(table: pd.DataFrame, late: pd.DataFrame, n_on: np.ndarray) -> pd.DataFrame:
    """Each kept late event fires its window again with the count so far."""
    if late.empty:
        return pd.DataFrame(columns=["key", "window_start", "count", "kind", "pos"])
    base = table.assign(base=table["prior"].to_numpy() + n_on).set_index(["key", "start"])["base"]
    before = base.reindex(pd.MultiIndex.from_frame(late[["key", "start"]])).to_numpy()
    rank = late.groupby(["key", "start"], sort=False).cumcount().to_numpy()
    return pd.DataFrame(
        {"key": late["key"].to_numpy(), "window_start": late["start"].to_numpy(),
         "count": before + rank + 1, "kind": "late", "pos": late["pos"].to_numpy()}
    )  # fmt: skip


def _finish_firings(
    firings: pd.DataFrame, stream: EventStream, state: WindowState, spec: WindowSpec
) -> pd.DataFrame:
    pos = firings["pos"].to_numpy().astype(np.int64)
    firings = firings.assign(
        window_end=firings["window_start"].to_numpy().astype(np.int64) + spec.size_ms,
        offset=state.offset + pos + 1,
        arrival_ms=stream.arrival_ms[pos],
    )
    order = np.lexsort((firings["kind"].to_numpy() != "on-time", pos))
    return (
        firings.iloc[order][FIRING_COLUMNS]
        .astype({"key": np.int64, "window_start": np.int64, "count": np.int64})
        .reset_index(drop=True)
    )


def _next_state(
    state: WindowState, stream: EventStream, table: pd.DataFrame, fires: np.ndarray,
    last: np.ndarray, marks: Watermarks, wm_after: np.ndarray,
) -> WindowState:  # fmt: skip
    fired = table["fired"].to_numpy() | fires | (table["n_late"].to_numpy() > 0)
    # State is kept until the watermark passes the end plus the allowed lateness, then purged.
    keep = last + marks.allowed_lateness_ms > wm_after[-1]
    return WindowState(
        offset=state.offset + len(stream),
        newest_ms=int(max(state.newest_ms, stream.event_ms.max())),
        last_arrival_ms=int(stream.arrival_ms[-1]),
        key=table["key"].to_numpy(np.int64)[keep],
        start=table["start"].to_numpy(np.int64)[keep],
        count=(table["prior"] + table["n_new"]).to_numpy(np.int64)[keep],
        fired=fired[keep],
    )


def finish(state: WindowState, spec: WindowSpec) -> pd.DataFrame:
    """End of a bounded input: the final watermark fires every window that has not fired."""
    waiting = ~state.fired & (state.count > 0)
    return pd.DataFrame(
        {"key": state.key[waiting], "window_start": state.start[waiting],
         "window_end": state.start[waiting] + spec.size_ms, "count": state.count[waiting],
         "kind": "end of input", "offset": state.offset, "arrival_ms": state.last_arrival_ms}
    )[FIRING_COLUMNS]  # fmt: skip


@dataclass(frozen=True)
class WindowRun:
    """A whole bounded stream through one window operator."""

    spec: WindowSpec
    marks: Watermarks
    firings: pd.DataFrame  # every firing: on-time, late, end of input (sessions: final only)
    pair_event: np.ndarray  # per (event, window) pair; sessions: one pair per event
    pair_start: np.ndarray
    pair_status: np.ndarray
    watermark_ms: np.ndarray  # after each event
    events: int

    @property
    def results(self) -> pd.DataFrame:
        """The final count of every window (its last firing): what an upserting sink holds."""
        last = self.firings.drop_duplicates(["key", "window_start"], keep="last")
        return last[["key", "window_start", "window_end", "count"]].sort_values(
            ["key", "window_start"], ignore_index=True
        )

    @property
    def first_results(self) -> pd.DataFrame:
        """Each window's first firing: what a dashboard shows before any late firing."""
        first = self.firings.drop_duplicates(["key", "window_start"], keep="first")
        return first[["key", "window_start", "window_end", "count"]].sort_values(
            ["key", "window_start"], ignore_index=True
        )

    @property
    def event_status(self) -> np.ndarray:
        """Per event, its best outcome: dropped only if every window it belongs to dropped it."""
        best = np.full(self.events, DROPPED, dtype=np.int64)
        np.minimum.at(best, self.pair_event, self.pair_status)
        return best

    @property
    def dropped_events(self) -> int:
        return int((self.event_status == DROPPED).sum())

    @property
    def late_firings(self) -> int:
        """Late events that were still counted: each fires its window once more."""
        return int((self.pair_status == LATE).sum())

    @property
    def side_output(self) -> np.ndarray | None:
        """Indexes of the dropped events when the strategy keeps a side output, else None."""
        return np.flatnonzero(self.event_status == DROPPED) if self.marks.side_output else None


def run_windows(stream: EventStream, spec: WindowSpec, marks: Watermarks) -> WindowRun:
    """The whole stream through the operator, then the end-of-input watermark."""
    if not len(stream):
        raise WindowError("The stream is empty: there is nothing to window.")
    if spec.kind == "session":
        from lessons.flink.sessions import run_sessions

        return run_sessions(stream, spec, marks)
    done = step(WindowState(), stream, spec, marks)
    firings = pd.concat([done.firings, finish(done.state, spec)], ignore_index=True)
    return WindowRun(
        spec, marks, firings, done.pair_event, done.pair_start, done.pair_status,
        done.watermark_ms, len(stream),
    )  # fmt: skip


def processing_time_counts(stream: EventStream, size_ms: int) -> pd.DataFrame:
    """Tumbling counts by arrival time instead of event time: what processing time gives."""
    if size_ms <= 0:
        raise WindowError("A window needs a size greater than zero.")
    start = stream.arrival_ms - np.mod(stream.arrival_ms, size_ms)
    table = pd.DataFrame({"key": stream.key, "window_start": start})
    return table.value_counts(["key", "window_start"]).rename("count").reset_index()
