"""Comparisons the lesson measures: hand index vs tantivy, index kinds at scale, tantivy segments.

Fidelity: every table here is computed from the models and from tantivy in the same run. Wall
times come from `timer` (``time.perf_counter`` unless a caller passes another clock) and depend
on the machine; the work counts (comparisons, probes, postings, rows) do not. Hits with equal
BM25 scores (to `SCORE_DIGITS` decimals) are ties that neither OpenSearch nor tantivy orders in a
stable way, so results are shown and compared with ties in document id order, a choice of this
lesson rather than either engine's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import pandas as pd

from lessons.search import indexes
from lessons.search.analyzers import QueryError, analyze
from lessons.search.engine import EngineHit, TantivyIndex
from lessons.search.inverted import FIELDS, Hit, InvertedIndex

__all__ = ["agreement", "display_order", "ranking", "scaling", "scaling_queries", "side_by_side",
           "tantivy_segments"]  # fmt: skip

Hit_ = TypeVar("Hit_", Hit, EngineHit)  # either engine's hits, kept as they came
SCORE_DIGITS = 4  # tantivy scores in 32-bit floats: compare to 4 decimals


def _id_key(doc_id: str) -> tuple[int, int, str]:
    """Numeric ids in number order, before any other ids in text order (never mixed types)."""
    return (0, int(doc_id), "") if doc_id.isdigit() else (1, 0, doc_id)


def display_order(hits: Sequence[Hit_], limit: int | None = None) -> list[Hit_]:
    """Hits by score (rounded to SCORE_DIGITS) descending, ties by document id ascending.

    BM25 leaves equal scores unordered: tantivy returns them in segment order, which changes
    with how the index was built and merged, so neither engine's own tie order is shown.
    """
    ordered = sorted(hits, key=lambda h: (-round(h.score, SCORE_DIGITS), _id_key(h.doc_id)))
    return ordered if limit is None else ordered[:limit]


def ranking(hits: Sequence[Hit_]) -> list[tuple[float, str]]:
    """Hits as (rounded score, doc id), best first, ties in id order: comparable across engines."""
    return [(round(h.score, SCORE_DIGITS), h.doc_id) for h in display_order(hits)]


def side_by_side(
    hand: InvertedIndex,
    engine: TantivyIndex,
    text: str,
    analyzer: str = "standard",
    operator: str = "or",
    limit: int = 10,
) -> tuple[list[Hit], list[EngineHit]]:
    """The top `limit` hits of a match query from each engine, both in `display_order`.

    `hand` must be built with `analyzer` (tantivy keeps a field per analyzer; the hand index one).
    Every hit is fetched before cutting to `limit`, so a tie across the cut keeps the same
    documents in both lists (the lowest ids), not whichever each engine happened to reach first.
    """
    mine = hand.match(text, limit=None, operator=operator)
    theirs = engine.match(text, limit=None, analyzer=analyzer, operator=operator)
    return display_order(mine, limit), display_order(theirs, limit)


def agreement(
    hand: InvertedIndex,
    engine: TantivyIndex,
    queries: Sequence[str],
    analyzer: str = "standard",
    fields: Sequence[str] = FIELDS,
) -> pd.DataFrame:
    """Per query: hits by hand and by tantivy, same documents?, same ranking?, top hit.

    Rankings are compared in `display_order`: equal scores (to SCORE_DIGITS) are ties.
    """
    rows = []
    for text in queries:
        mine = hand.match(text, fields, limit=None)
        theirs = engine.match(text, fields, limit=None, analyzer=analyzer)
        rows.append({
            "query": text, "hand hits": len(mine), "tantivy hits": len(theirs),
            "same documents": {h.doc_id for h in mine} == {h.doc_id for h in theirs},
            "same ranking": ranking(mine) == ranking(theirs),
            "top (hand)": _top(mine), "top (tantivy)": _top(theirs),
        })  # fmt: skip
    return pd.DataFrame(rows)


def _top(hits: Sequence[Hit | EngineHit]) -> str:
    first = display_order(hits, 1)
    return f"{first[0].doc_id} ({first[0].score:.{SCORE_DIGITS}f})" if first else ""


def scaling_queries(n: int) -> dict[str, indexes.Query]:
    """The questions asked at every size: one id, a 0.1% id range, a common and a rare word."""
    return {
        "equality": indexes.Query("equality", n // 2),
        "range": indexes.Query("range", n // 4, n // 4 + max(n // 1000, 1) - 1),
        "word (common)": indexes.Query("word", "harbor"),
        "word (rare)": indexes.Query("word", "Torzenpe"),
    }


def scaling(sizes: Sequence[int], seed: int = 0, repeats: int = 5,
            timer: Callable[[], float] = time.perf_counter) -> pd.DataFrame:  # fmt: skip
    """Build every index kind at each size and time every query it can answer."""
    rows = []
    for n in sizes:
        tracks = indexes.synthetic_tracks(n, seed)
        built, build_s = indexes.build_all(tracks, timer)
        for kind, index in built.items():
            for label, query in scaling_queries(n).items():
                row = {"docs": n, "index": kind, "query": label, "build_s": build_s[kind]}
                try:
                    answer, seconds = indexes.time_query(index, query, repeats, timer)
                except QueryError:
                    rows.append({**row, "answered": False})
                    continue
                rows.append({**row, "answered": True, "seconds": seconds,
                             "matches": len(answer.track_ids), "work": answer.work,
                             "unit": answer.unit})  # fmt: skip
    return pd.DataFrame(rows)


def tantivy_segments(docs: pd.DataFrame, batch: int = 10) -> pd.DataFrame:
    """Segments, visibility, tombstones and merges, step by step, on a real tantivy index.

    The first document is updated; `doc_freq` counts its first track-name word, tombstoned
    copies included, while `live_matches` counts what a search finds. Needs 9 batches:
    tantivy's merge policy merges 8 similar segments.
    """
    frame = docs.reset_index(drop=True)
    if len(frame) < 9 * batch:
        raise QueryError(f"Need at least {9 * batch} documents for this walk-through.")
    engine = TantivyIndex()
    target = frame.iloc[[0]]
    term = analyze(str(target["track_name"].iat[0]))[0]
    rows: list[dict[str, object]] = []

    def record(step: str) -> None:
        rows.append({"step": step, **engine.stats(), "term": term,
                     "doc_freq": engine.doc_freq("track_name", term),
                     "live_matches": len(engine.term(term, "track_name", limit=None))})  # fmt: skip

    engine.add(frame.iloc[:batch])
    engine.commit()
    record("batch 1 committed, no refresh yet")
    engine.refresh()
    record("refresh")
    for i in range(1, 7):
        engine.add(frame.iloc[i * batch : (i + 1) * batch])
        engine.commit()
    engine.refresh()
    record("6 more batches committed + refresh")
    engine.update(target)
    engine.commit()
    engine.refresh()
    record(f"update track {target['track_id'].iat[0]} (delete + add)")
    engine.add(frame.iloc[7 * batch : 9 * batch])
    engine.commit()
    engine.wait_merges()
    engine.refresh()
    record("2 more batches in one commit, merges finished + refresh")
    return pd.DataFrame(rows)
