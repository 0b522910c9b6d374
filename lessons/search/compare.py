"""Comparisons the lesson measures: hand index vs tantivy, index kinds at scale, tantivy segments.

Fidelity: every table here is computed from the models and from tantivy in the same run. Wall
times come from `timer` (``time.perf_counter`` unless a caller passes another clock) and depend
on the machine; the work counts (comparisons, probes, postings, rows) do not.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import pandas as pd

from lessons.search import indexes
from lessons.search.analyzers import QueryError, analyze
from lessons.search.engine import TantivyIndex
from lessons.search.inverted import FIELDS, InvertedIndex

__all__ = ["agreement", "ranking", "scaling", "scaling_queries", "tantivy_segments"]

SCORE_DIGITS = 4  # tantivy scores in 32-bit floats: compare to 4 decimals


def ranking(hits: Sequence[object]) -> list[tuple[float, str]]:
    """Hits as (rounded score, doc id), best first, ties in id order: comparable across engines."""
    pairs = [(round(h.score, SCORE_DIGITS), h.doc_id) for h in hits]  # type: ignore[attr-defined]
    return sorted(pairs, key=lambda p: (-p[0], int(p[1]) if p[1].isdigit() else p[1]))


def agreement(
    hand: InvertedIndex,
    engine: TantivyIndex,
    queries: Sequence[str],
    analyzer: str = "standard",
    fields: Sequence[str] = FIELDS,
) -> pd.DataFrame:
    """Per query: hits by hand and by tantivy, same documents?, same ranking?, top hit."""
    rows = []
    for text in queries:
        mine = hand.match(text, fields, limit=None)
        theirs = engine.match(text, fields, limit=None, analyzer=analyzer)
        rows.append({
            "query": text, "hand hits": len(mine), "tantivy hits": len(theirs),
            "same documents": {h.doc_id for h in mine} == {h.doc_id for h in theirs},
            "same ranking": ranking(mine) == ranking(theirs),
            "top (hand)": f"{mine[0].doc_id} ({mine[0].score:.4f})" if mine else "",
            "top (tantivy)": f"{theirs[0].doc_id} ({theirs[0].score:.4f})" if theirs else "",
        })  # fmt: skip
    return pd.DataFrame(rows)


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
