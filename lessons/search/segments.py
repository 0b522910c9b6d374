"""Segments, tombstones, merges and refresh: how an OpenSearch shard stores and shows documents.

A shard is a Lucene index: a list of immutable segments. Indexed documents wait in a buffer; a
**refresh** (every ``index.refresh_interval``, one second by default) writes the buffer as a new
segment and only then can searches see it: search is *near* real time. A segment is never
changed, so an **update** is a new copy of the document plus a **tombstone** on the old copy,
and a delete is a tombstone alone. Tombstoned documents still take space (and still count in
term statistics) until a **merge** copies the live documents of several segments into one new
segment and drops the old ones. Data written once (logs, play events) never pays for
tombstones; data updated often pays twice: dead copies, and merges rewriting live ones.

`Shard` is driven with explicit times; `simulate` runs a whole workload on a refresh schedule.

Fidelity: refresh writes one segment per refresh with pending changes, as OpenSearch does; the
translog, flushes (commits to disk) and replicas are left out. Merging is a simplified tiered
policy: whenever a refresh leaves more than ``max_segments`` segments, the ``merge_factor``
smallest are merged into one (Lucene's TieredMergePolicy also weighs segment sizes and the share
of deletes, and merges in the background). Search-idle shards (which skip refreshes until
searched) are not modelled. Deletes are applied at the refresh that follows them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lessons import facts
from lessons.errors import LabError

__all__ = [
    "SegmentError",
    "SegmentRun",
    "SegmentView",
    "Shard",
    "default_refresh_s",
    "refresh_times",
    "simulate",
    "write_workload",
]

DEFAULT_MAX_SEGMENTS = 8
DEFAULT_MERGE_FACTOR = 4


class SegmentError(LabError):
    """An impossible shard operation or simulation setting."""


def default_refresh_s() -> float:
    """OpenSearch's default index.refresh_interval, from the facts table."""
    return facts.number("opensearch.refresh_interval_default_s")


@dataclass(frozen=True)
class SegmentView:
    """One segment as a search sees it: its id, size, and how many of its documents are dead."""

    seg_id: int
    docs: int
    deleted: int
    created_s: float


class _Segment:
    """Internal: an immutable list of (doc_id, version); only its deleted flags change."""

    def __init__(self, seg_id: int, entries: list[tuple[str, int]], created_s: float) -> None:
        self.seg_id = seg_id
        self.entries = entries
        self.deleted = [False] * len(entries)
        self.created_s = created_s

    @property
    def live(self) -> int:
        return len(self.entries) - sum(self.deleted)


class Shard:
    """One shard: a buffer of pending operations and a list of immutable segments."""

    def __init__(self, max_segments: int = DEFAULT_MAX_SEGMENTS,
                 merge_factor: int = DEFAULT_MERGE_FACTOR) -> None:  # fmt: skip
        if merge_factor < 2 or max_segments < 1:
            raise SegmentError("merge_factor must be at least 2 and max_segments at least 1.")
        self.max_segments = max_segments
        self.merge_factor = merge_factor
        self._segments: list[_Segment] = []
        self._pending: list[tuple[str, str, int, float]] = []  # (op, doc_id, version, t)
        self._where: dict[str, tuple[_Segment, int]] = {}  # live copy of each document
        self._next_id = 0
        self.copies_written = 0  # documents written to segments, merges included
        self.docs_indexed = 0
        self.merges = 0

    # -- writes (not searchable until refresh) ------------------------------------------------
    def index(self, doc_id: str, t_s: float, version: int = 1) -> None:
        """Index a document (new, or a new version: the old copy gets a tombstone at refresh)."""
        self._pending.append(("index", str(doc_id), version, t_s))
        self.docs_indexed += 1

    def delete(self, doc_id: str, t_s: float) -> None:
        """Delete a document: a tombstone on its live copy at the next refresh."""
        self._pending.append(("delete", str(doc_id), 0, t_s))

    # -- refresh and merge ------------------------------------------------------------------
    def refresh(self, t_s: float) -> list[tuple[str, float]]:
        """Make pending writes searchable; returns (doc_id, written_at) of what became visible."""
        if not self._pending:
            return []
        new = _Segment(self._next_id, [], t_s)
        visible = []
        for op, doc_id, version, written in self._pending:
            if doc_id in self._where:
                old, pos = self._where.pop(doc_id)
                old.deleted[pos] = True
            if op == "index":
                self._where[doc_id] = (new, len(new.entries))
                new.entries.append((doc_id, version))
                new.deleted.append(False)
            visible.append((doc_id, written))
        self._pending = []
        if new.entries:
            self._segments.append(new)
            self._next_id += 1
            self.copies_written += len(new.entries)
        # Lucene drops a segment once every document in it is deleted: nothing left to merge.
        self._segments = [s for s in self._segments if s.live > 0]
        self._merge_if_needed(t_s)
        return visible

    def _merge(self, chosen: list[_Segment], t_s: float) -> None:
        merged = _Segment(self._next_id, [], t_s)
        self._next_id += 1
        for seg in chosen:
            for pos, entry in enumerate(seg.entries):
                if not seg.deleted[pos]:
                    self._where[entry[0]] = (merged, len(merged.entries))
                    merged.entries.append(entry)
                    merged.deleted.append(False)
        self.copies_written += len(merged.entries)
        self.merges += 1
        kept = [s for s in self._segments if all(s is not c for c in chosen)]
        self._segments = kept + ([merged] if merged.entries else [])

    def _merge_if_needed(self, t_s: float) -> None:
        while len(self._segments) > self.max_segments:
            smallest = sorted(self._segments, key=lambda s: (len(s.entries), s.seg_id))
            self._merge(smallest[: self.merge_factor], t_s)

    def force_merge(self, t_s: float, max_num_segments: int = 1) -> None:
        """OpenSearch's _forcemerge: merge down to `max_num_segments`, dropping dead copies."""
        if max_num_segments < 1:
            raise SegmentError("max_num_segments must be at least 1.")
        if len(self._segments) > max_num_segments:
            smallest = sorted(self._segments, key=lambda s: (len(s.entries), s.seg_id))
            self._merge(smallest[: len(self._segments) - max_num_segments + 1], t_s)
        elif any(s.live < len(s.entries) for s in self._segments):
            self._merge([s for s in self._segments if s.live < len(s.entries)], t_s)

    # -- reads --------------------------------------------------------------------------------
    def search(self, doc_id: str) -> int | None:
        """The version a search finds for `doc_id` now, or None (buffered writes are invisible)."""
        found = self._where.get(str(doc_id))
        return found[0].entries[found[1]][1] if found else None

    def segments(self) -> list[SegmentView]:
        return [SegmentView(s.seg_id, len(s.entries), len(s.entries) - s.live, s.created_s)
                for s in self._segments]  # fmt: skip

    def stats(self) -> dict[str, int]:
        """Segments, searchable (live) documents, tombstoned copies, stored copies, pending ops."""
        stored = sum(len(s.entries) for s in self._segments)
        live = sum(s.live for s in self._segments)
        return {"segments": len(self._segments), "searchable_docs": live,
                "deleted_docs": stored - live, "stored_docs": stored,
                "pending_ops": len(self._pending)}  # fmt: skip


def refresh_times(until_s: float, refresh_interval_s: float | None) -> np.ndarray:
    """The scheduled refreshes in (0, until_s]; none when refresh is off (interval -1/None)."""
    if refresh_interval_s is None or refresh_interval_s < 0:
        return np.array([], dtype=float)
    if refresh_interval_s == 0:
        raise SegmentError("refresh_interval must be positive, or -1 to switch refresh off.")
    count = math.floor(until_s / refresh_interval_s + 1e-9)
    return refresh_interval_s * np.arange(1, count + 1, dtype=float)


def write_workload(docs: int, update_share: float, duration_s: float, seed: int = 0
                   ) -> pd.DataFrame:  # fmt: skip
    """`docs` new documents spread over `duration_s`, plus updates to already-written ones.

    update_share is updates per new document (0 = write-once data, like logs or play events).
    """
    if docs < 1 or duration_s <= 0 or not 0 <= update_share <= 5:
        raise SegmentError("Need docs >= 1, duration_s > 0 and update_share in [0, 5].")
    rng = np.random.default_rng(seed)
    created = np.sort(rng.uniform(0, duration_s, docs))
    frame = pd.DataFrame({"t_s": created, "op": "index", "doc_id": np.arange(docs).astype(str)})
    updates = round(update_share * docs)
    if updates:
        target = rng.integers(0, docs, updates)
        at = created[target] + rng.uniform(0, 1, updates) * (duration_s - created[target])
        frame = pd.concat([frame, pd.DataFrame({"t_s": at, "op": "index",
                                                "doc_id": target.astype(str)})])  # fmt: skip
    frame = frame.sort_values("t_s", kind="stable").reset_index(drop=True)
    frame["version"] = frame.groupby("doc_id").cumcount() + 1
    return frame


@dataclass(frozen=True)
class SegmentRun:
    """A simulated run: the shard's state after every refresh, and each write's visibility."""

    timeline: pd.DataFrame  # t_s, segments, searchable_docs, deleted_docs, stored_docs, ...
    writes: pd.DataFrame  # t_s, doc_id, version, visible_s (NaN: never refreshed), delay_s
    copies_written: int
    docs_indexed: int
    merges: int

    @property
    def copies_per_live_doc(self) -> float:
        """Document copies written to segments (merges included) per document alive at the end."""
        live = int(self.timeline["searchable_docs"].iloc[-1]) if len(self.timeline) else 0
        return self.copies_written / max(live, 1)

    @property
    def deleted_share(self) -> float:
        """Share of stored copies that are tombstoned at the end of the run."""
        last = self.timeline.iloc[-1]
        return float(last["deleted_docs"] / max(last["stored_docs"], 1))


def simulate(workload: pd.DataFrame, refresh_interval_s: float | None, until_s: float,
             max_segments: int = DEFAULT_MAX_SEGMENTS,
             merge_factor: int = DEFAULT_MERGE_FACTOR) -> SegmentRun:  # fmt: skip
    """Run `workload` (t_s, op, doc_id, version) through a shard refreshing on a fixed clock."""
    shard = Shard(max_segments, merge_factor)
    ticks = refresh_times(until_s, refresh_interval_s)
    events = workload[workload["t_s"] <= until_s]
    visible_at = np.full(len(events), np.nan)
    rows, cursor = [], 0
    times, ops = events["t_s"].to_numpy(), events["op"].to_numpy()
    ids, versions = events["doc_id"].astype(str).to_numpy(), events["version"].to_numpy()
    checkpoints = [(float(t), True) for t in ticks]
    if not checkpoints or checkpoints[-1][0] < until_s:
        checkpoints.append((float(until_s), False))  # the end of the run, not a refresh
    for tick, refreshes in checkpoints:
        start = cursor
        while cursor < len(events) and times[cursor] <= tick:
            if ops[cursor] == "delete":
                shard.delete(ids[cursor], times[cursor])
            else:
                shard.index(ids[cursor], times[cursor], int(versions[cursor]))
            cursor += 1
        if refreshes:
            shard.refresh(tick)
            visible_at[start:cursor] = tick
        rows.append({"t_s": tick, "refresh": refreshes, **shard.stats()})
    writes = events[["t_s", "doc_id", "version"]].reset_index(drop=True).copy()
    writes["visible_s"] = visible_at
    writes["delay_s"] = writes["visible_s"] - writes["t_s"]
    return SegmentRun(pd.DataFrame(rows), writes, shard.copies_written, shard.docs_indexed,
                      shard.merges)  # fmt: skip
