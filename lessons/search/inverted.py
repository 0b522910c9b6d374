"""An inverted index built by hand, with BM25 scoring: what OpenSearch keeps for a text field.

For every analyzed term, the index keeps a postings list: the documents that contain the term and
how often (tf). A ``match`` query analyzes its text with the field's analyzer and adds up the
BM25 score of every query term found in a document; a ``term`` query looks the text up as it is,
without analysis, so "Velvet" finds nothing in an index that only holds "velvet".

BM25 for one term in one field (Lucene's form, which OpenSearch uses)::

    idf   = ln(1 + (N - df + 0.5) / (df + 0.5))
    score = idf * tf / (tf + k1 * (1 - b + b * dl / avgdl))

with N documents, df of them holding the term, dl the field's length in terms for this document
and avgdl the average over all documents; k1 and b are OpenSearch's defaults from the facts table.

Fidelity: the formula and defaults are OpenSearch's (Lucene 8+ dropped the constant (k1 + 1)
factor that tantivy still multiplies in; ranking is the same). Lucene and tantivy store field
lengths in one byte, exact only for short fields; lengths here are exact, so scores of long
fields (the n-gram fields of long names) can differ slightly from a real engine. A multi-field
match adds the per-field scores (OpenSearch's ``most_fields``); OpenSearch's default
``multi_match`` type is ``best_fields`` (the best field wins). One shard: OpenSearch computes idf
per shard unless asked for dfs_query_then_fetch.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from lessons import facts
from lessons.search.analyzers import (
    ANALYZERS,
    Analyzer,
    QueryError,
    analyze,
    check_query_text,
    require_terms,
)

__all__ = [
    "FIELDS",
    "FieldIndex",
    "Hit",
    "InvertedIndex",
    "bm25_term",
    "build_index",
    "documents",
]

FIELDS = ("track_name", "artist_name")
ID_FIELD = "track_id"


def documents(tracks: pa.Table | pd.DataFrame) -> pd.DataFrame:
    """The documents to index: one per track, its id as text and the two name fields."""
    frame = tracks.to_pandas() if isinstance(tracks, pa.Table) else tracks
    missing = [c for c in (ID_FIELD, *FIELDS) if c not in frame.columns]
    if missing:
        raise QueryError(f"Documents need the columns {missing}; they have {list(frame.columns)}.")
    out = frame[[ID_FIELD, *FIELDS]].copy()
    out[ID_FIELD] = out[ID_FIELD].astype(str)
    return out.reset_index(drop=True)


def bm25_term(tf: int, df: int, n_docs: int, dl: int, avgdl: float) -> float:
    """One term's BM25 score in one field of one document, with OpenSearch's default k1 and b."""
    k1 = facts.number("opensearch.bm25_k1_default")
    b = facts.number("opensearch.bm25_b_default")
    idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
    return idf * tf / (tf + k1 * (1 - b + b * dl / avgdl))


@dataclass(frozen=True)
class FieldIndex:
    """One field's inverted index: term -> ((doc id, tf), ...) in document order, and lengths."""

    postings: Mapping[str, tuple[tuple[str, int], ...]]
    lengths: Mapping[str, int]

    @property
    def avgdl(self) -> float:
        return sum(self.lengths.values()) / max(len(self.lengths), 1)

    def terms(self) -> list[str]:
        """The term dictionary, sorted as Lucene keeps it (so prefix lookups are a range)."""
        return sorted(self.postings)


@dataclass(frozen=True)
class Hit:
    """A matching document, its score, and the (field, term) pairs that matched."""

    doc_id: str
    score: float
    matched: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class InvertedIndex:
    """An inverted index over some text fields of a set of documents, one analyzer for all."""

    fields: Mapping[str, FieldIndex]
    analyzer: Analyzer
    doc_ids: tuple[str, ...]

    @property
    def n_docs(self) -> int:
        return len(self.doc_ids)

    def _field(self, field: str) -> FieldIndex:
        if field not in self.fields:
            raise QueryError(f"No field {field!r} in this index; it has {sorted(self.fields)}.")
        return self.fields[field]

    def postings(self, field: str, term: str) -> tuple[tuple[str, int], ...]:
        """The postings list of one exact term (empty when the term is not in the dictionary)."""
        return self._field(field).postings.get(term, ())

    def match(self, text: str, fields: Sequence[str] = FIELDS, limit: int | None = 10,
              operator: str = "or") -> list[Hit]:  # fmt: skip
        """OpenSearch's match query over `fields`, best first, per-field scores summed.

        operator "or" (the default) needs any query term; "and" needs every term, in any field.
        """
        terms = analyze(check_query_text(text), self.analyzer)
        require_terms(text, terms, self.analyzer.min_gram)
        hits = self._score(terms, fields, None)
        if operator == "and":
            hits = [h for h in hits if {t for _, t in h.matched} >= set(terms)]
        elif operator != "or":
            raise QueryError(f"operator must be 'or' or 'and', not {operator!r}.")
        return hits if limit is None else hits[:limit]

    def term(self, text: str, field: str = "track_name", limit: int | None = 10) -> list[Hit]:
        """OpenSearch's term query: `text` looked up exactly as typed, no analysis."""
        check_query_text(text)
        return self._score_terms([(field, text)], limit)

    def _score(self, terms: list[str], fields: Sequence[str], limit: int | None) -> list[Hit]:
        return self._score_terms([(f, t) for f in fields for t in terms], limit)

    def _score_terms(self, pairs: list[tuple[str, str]], limit: int | None) -> list[Hit]:
        scores: dict[str, float] = {}
        matched: dict[str, list[tuple[str, str]]] = {}
        for field, term in pairs:
            index = self._field(field)
            plist = index.postings.get(term, ())
            for doc_id, tf in plist:
                gain = bm25_term(tf, len(plist), self.n_docs, index.lengths[doc_id], index.avgdl)
                scores[doc_id] = scores.get(doc_id, 0.0) + gain
                matched.setdefault(doc_id, []).append((field, term))
        order = {d: i for i, d in enumerate(self.doc_ids)}
        ranked = sorted(scores, key=lambda d: (-round(scores[d], 9), order[d]))
        hits = [Hit(d, scores[d], tuple(matched[d])) for d in ranked]
        return hits if limit is None else hits[:limit]

    def postings_table(self, text: str, fields: Sequence[str] = FIELDS) -> pd.DataFrame:
        """Each query term per field: df, idf and its postings, for showing the lookup."""
        n = self.n_docs
        rows = []
        for term in dict.fromkeys(analyze(check_query_text(text), self.analyzer)):
            for field in fields:
                plist = self.postings(field, term)
                df = len(plist)
                rows.append({
                    "term": term, "field": field, "df": df,
                    "idf": round(math.log(1 + (n - df + 0.5) / (df + 0.5)), 4),
                    "postings (doc:tf)": " ".join(f"{d}:{tf}" for d, tf in plist[:12])
                    + (" ..." if df > 12 else ""),
                })  # fmt: skip
        return pd.DataFrame(rows, columns=["term", "field", "df", "idf", "postings (doc:tf)"])


def build_index(docs: pd.DataFrame, analyzer: Analyzer | str = "standard",
                fields: Sequence[str] = FIELDS) -> InvertedIndex:  # fmt: skip
    """Analyze every document's fields and invert them: term -> postings, per field."""
    chosen = ANALYZERS[analyzer] if isinstance(analyzer, str) else analyzer
    frame = documents(docs)
    doc_ids = tuple(frame[ID_FIELD].astype(str))
    if len(set(doc_ids)) != len(doc_ids):
        raise QueryError("Two documents share an id; an index keeps one document per id.")
    built = {}
    for field in fields:
        postings: dict[str, list[tuple[str, int]]] = {}
        lengths: dict[str, int] = {}
        for doc_id, text in zip(doc_ids, frame[field].astype(str), strict=True):
            terms = analyze(text, chosen)
            lengths[doc_id] = len(terms)
            for term, tf in Counter(terms).items():
                postings.setdefault(term, []).append((doc_id, tf))
        built[field] = FieldIndex({t: tuple(p) for t, p in postings.items()}, lengths)
    return InvertedIndex(built, chosen, doc_ids)
