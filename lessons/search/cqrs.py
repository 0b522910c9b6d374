"""CQRS for the reviews service: SQL is the truth, a search index is a view fed by change events.

Writes go to a relational table (SQLite here) and, in the same transaction, to an *outbox* of
change events. A consumer polls the outbox, reads each changed review joined with its track
(denormalized: the search document carries the track and artist names, so a search needs no
join) and indexes it; the index shows it after its next refresh. A write is therefore visible in
search only after: the wait for the next poll + the consumer's processing delay + the wait for
the next refresh. Reads that must see their own write go to SQL; searches accept the lag.

Everything runs on an explicit clock (seconds from 0) and a seeded generator.

Fidelity: the transactional outbox and a polling consumer stand in for change data capture
(e.g. DynamoDB Streams or Debezium into Amazon OpenSearch Ingestion or a Lambda); the
processing delay is a constant per batch; an indexed document becomes searchable at the next
tick of OpenSearch's refresh schedule (as `segments.Shard` shows in detail). Failures, retries
and out-of-order delivery are not modelled: events are applied in outbox order, so the index
never goes back to an older version.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from lessons.errors import LabError
from lessons.search.segments import default_refresh_s, refresh_times

__all__ = ["CqrsError", "CqrsRun", "ReviewsSource", "expected_mean_lag_s", "simulate_reviews"]

_PHRASES = ("great for running", "too slow", "on repeat", "perfect for travel",
            "weak chorus", "beautiful mix")  # fmt: skip


class CqrsError(LabError):
    """A setting the reviews pipeline cannot run with."""


class ReviewsSource:
    """The source of truth: reviews and tracks in SQLite, plus an outbox of change events."""

    def __init__(self, tracks: pa.Table) -> None:
        self.con = sqlite3.connect(":memory:")
        self.con.executescript(
            """
            CREATE TABLE tracks (track_id TEXT PRIMARY KEY, track_name TEXT, artist_name TEXT);
            CREATE TABLE reviews (review_id INTEGER PRIMARY KEY, track_id TEXT NOT NULL,
                                  rating INTEGER NOT NULL, body TEXT NOT NULL,
                                  version INTEGER NOT NULL, updated_s REAL NOT NULL);
            CREATE TABLE outbox (seq INTEGER PRIMARY KEY, review_id INTEGER NOT NULL,
                                 version INTEGER NOT NULL, written_s REAL NOT NULL);
            """
        )
        frame = tracks.to_pandas()
        self.con.executemany(
            "INSERT INTO tracks VALUES (?, ?, ?)",
            frame[["track_id", "track_name", "artist_name"]].astype(str).itertuples(index=False),
        )

    def write(self, review_id: int, track_id: str, rating: int, body: str, t_s: float) -> int:
        """Insert or edit a review and record the change, atomically; returns the new version."""
        if not 1 <= rating <= 5:
            raise CqrsError(f"A rating is 1 to 5 stars; got {rating}.")
        with self.con:  # one transaction: the row and its event commit together or not at all
            row = self.con.execute("SELECT version FROM reviews WHERE review_id = ?",
                                   (review_id,)).fetchone()  # fmt: skip
            version = (row[0] if row else 0) + 1
            self.con.execute(
                "INSERT OR REPLACE INTO reviews VALUES (?, ?, ?, ?, ?, ?)",
                (review_id, track_id, rating, body, version, t_s),
            )
            self.con.execute("INSERT INTO outbox (review_id, version, written_s) VALUES (?, ?, ?)",
                             (review_id, version, t_s))  # fmt: skip
        return version

    def changes_after(self, seq: int, until_s: float) -> list[tuple[int, int, int, float]]:
        """Outbox events (seq, review_id, version, written_s) after `seq`, written by `until_s`."""
        return self.con.execute(
            "SELECT seq, review_id, version, written_s FROM outbox "
            "WHERE seq > ? AND written_s <= ? ORDER BY seq", (seq, until_s),
        ).fetchall()  # fmt: skip

    def search_document(self, review_id: int) -> dict[str, object]:
        """The denormalized document for the index: the review joined with its track."""
        row = self.con.execute(
            "SELECT r.review_id, r.version, r.rating, r.body, t.track_name, t.artist_name "
            "FROM reviews r JOIN tracks t USING (track_id) WHERE r.review_id = ?", (review_id,),
        ).fetchone()  # fmt: skip
        keys = ("review_id", "version", "rating", "body", "track_name", "artist_name")
        return dict(zip(keys, row, strict=True))


@dataclass(frozen=True)
class CqrsRun:
    """Every write with the times it was consumed, indexed and became searchable."""

    writes: pd.DataFrame  # seq, review_id, version, written_s, indexed_s, visible_s, lag_s
    timeline: pd.DataFrame  # t_s, sql_reviews, searchable_reviews, stale_reviews
    documents: pd.DataFrame  # the denormalized documents as last indexed


def expected_mean_lag_s(poll_interval_s: float, consumer_delay_s: float,
                        refresh_interval_s: float) -> float:  # fmt: skip
    """For writes spread evenly in time: half a poll + the delay + about half a refresh."""
    return poll_interval_s / 2 + consumer_delay_s + refresh_interval_s / 2


def _writes(tracks: pa.Table, n_writes: int, duration_s: float, edit_share: float,
            rng: np.random.Generator) -> pd.DataFrame:  # fmt: skip
    times = np.sort(rng.uniform(0, duration_s, n_writes))
    is_edit = rng.random(n_writes) < edit_share
    is_edit[0] = False
    new_ids = np.cumsum(~is_edit)  # review ids 1, 2, ... in order of creation
    edited = np.array([rng.integers(1, k + 1) for k in new_ids])
    return pd.DataFrame({
        "t_s": times,
        "review_id": np.where(is_edit, edited, new_ids),
        "track_id": rng.choice(tracks.column("track_id").to_pylist(), n_writes),
        "rating": rng.integers(1, 6, n_writes),
        "body": rng.choice(_PHRASES, n_writes),
    })  # fmt: skip


def simulate_reviews(tracks: pa.Table, n_writes: int = 300, duration_s: float = 60.0,
                     poll_interval_s: float = 2.0, consumer_delay_s: float = 0.5,
                     refresh_interval_s: float | None = None, edit_share: float = 0.3,
                     seed: int = 0) -> CqrsRun:  # fmt: skip
    """Writes to SQL, an outbox consumer feeding the search index, and the lag between them."""
    refresh = default_refresh_s() if refresh_interval_s is None else refresh_interval_s
    if n_writes < 1 or duration_s <= 0 or poll_interval_s <= 0 or consumer_delay_s < 0:
        raise CqrsError("Need n_writes >= 1, duration_s > 0, poll_interval_s > 0, delay >= 0.")
    if refresh <= 0:
        raise CqrsError("This lesson needs refresh on: refresh_interval_s must be positive.")
    rng = np.random.default_rng(seed)
    source = ReviewsSource(tracks)
    planned = _writes(tracks, n_writes, duration_s, edit_share, rng)
    horizon = duration_s + poll_interval_s + consumer_delay_s + refresh
    polls = poll_interval_s * np.arange(1, math.ceil(horizon / poll_interval_s) + 1)
    offset, cursor = 0, 0
    indexed: dict[int, float] = {}
    docs: dict[int, dict[str, object]] = {}
    for poll in polls:  # the writer and the consumer share one clock
        while cursor < len(planned) and planned["t_s"].iat[cursor] <= poll:
            w = planned.iloc[cursor]
            source.write(int(w.review_id), str(w.track_id), int(w.rating), str(w.body), w.t_s)
            cursor += 1
        for seq, review_id, _, _ in source.changes_after(offset, poll):
            docs[review_id] = source.search_document(review_id)
            indexed[seq] = poll + consumer_delay_s
            offset = seq
    events = pd.read_sql_query("SELECT * FROM outbox ORDER BY seq", source.con)
    events["indexed_s"] = events["seq"].map(indexed)
    ticks = refresh_times(float(events["indexed_s"].max()) + refresh, refresh)
    events["visible_s"] = ticks[np.searchsorted(ticks, events["indexed_s"].to_numpy() - 1e-9)]
    events["lag_s"] = events["visible_s"] - events["written_s"]
    return CqrsRun(events, _timeline(events, ticks), pd.DataFrame(list(docs.values())))


def _timeline(events: pd.DataFrame, ticks: np.ndarray) -> pd.DataFrame:
    """At each refresh: reviews in SQL, reviews searchable, and searchable-but-stale reviews."""
    rows = []
    for t in ticks:
        written = events[events["written_s"] <= t].groupby("review_id")["version"].max()
        seen = events[events["visible_s"] <= t].groupby("review_id")["version"].max()
        stale = int((seen < written.reindex(seen.index)).sum())
        rows.append({"t_s": float(t), "sql_reviews": len(written),
                     "searchable_reviews": len(seen), "stale_reviews": stale})  # fmt: skip
    return pd.DataFrame(rows)
