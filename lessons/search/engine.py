"""A real Lucene-like engine (tantivy) on the same documents as the hand-built index.

tantivy keeps what Lucene, and so OpenSearch, keeps: a term dictionary and postings per segment,
immutable segments written at each commit, deletes as tombstones until a merge, BM25 scoring,
and readers that see new segments only when they are reloaded. `TantivyIndex` wraps it with the
operations the lesson needs, named after what OpenSearch calls them.

Fidelity: tantivy is a Rust library in this process, not an OpenSearch cluster: one shard, no
replicas, no translog. ``commit`` is Lucene's commit (durable, a new segment); ``refresh``
reloads the reader, which is what makes new segments searchable (OpenSearch's refresh also
writes the in-memory buffer to a segment without a full commit). Merges follow tantivy's log
merge policy in background threads; `wait_merges` waits for them, so tests see a settled state.
tantivy scores BM25 times (k1 + 1) and stores field lengths in one byte (exact for the short name
fields here); `lucene_score` converts a tantivy score to OpenSearch's scale. The n-gram fields
are fed pre-tokenized with tantivy's own n-gram tokenizer applied word by word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import tantivy

from lessons import facts
from lessons.search.analyzers import QueryError, check_query_text, require_terms
from lessons.search.inverted import FIELDS, ID_FIELD, documents

__all__ = ["EngineHit", "TantivyIndex", "lucene_score"]

_STANDARD = "lab_standard"
_HEAP_BYTES = 50_000_000  # tantivy's writer needs at least a few MB per thread


def lucene_score(tantivy_score: float) -> float:
    """A tantivy BM25 score on OpenSearch's scale (tantivy multiplies every term by k1 + 1)."""
    return tantivy_score / (facts.number("opensearch.bm25_k1_default") + 1)


def _standard_analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .build()
    )


def _ngram_analyzer(min_gram: int, max_gram: int) -> tantivy.TextAnalyzer:
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(min_gram, max_gram)).build()


@dataclass(frozen=True)
class EngineHit:
    """One hit from tantivy: the document id, tantivy's own score and the Lucene-scale score."""

    doc_id: str
    engine_score: float
    score: float


class TantivyIndex:
    """One tantivy index in memory with track and artist name fields, plain and n-gram."""

    def __init__(self, min_gram: int = 2, max_gram: int = 3, ngram_fields: bool = True) -> None:
        builder = tantivy.SchemaBuilder()
        builder.add_text_field(ID_FIELD, stored=True, tokenizer_name="raw")
        for field in FIELDS:
            builder.add_text_field(field, stored=True, tokenizer_name=_STANDARD)
            builder.add_text_field(f"{field}_ngram", stored=False, tokenizer_name="raw")
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema)
        self.index.register_tokenizer(_STANDARD, _standard_analyzer())
        # Manual: a new segment becomes searchable only when refresh() reloads the reader.
        self.index.config_reader(reload_policy="Manual")
        self._standard = _standard_analyzer()
        self.min_gram = min_gram
        self._ngram = _ngram_analyzer(min_gram, max_gram)
        self._writer = self.index.writer(heap_size=_HEAP_BYTES, num_threads=1)
        self.ngram_fields = ngram_fields  # n-grams are cut in Python: off for big benchmarks

    # -- analysis ---------------------------------------------------------------------------
    def analyze(self, text: str, analyzer: str = "standard") -> list[str]:
        """tantivy's own terms for `text`: "standard" (simple + lowercase) or "ngram"."""
        words = self._standard.analyze(text)
        if analyzer == "standard":
            return words
        if analyzer == "ngram":
            return [g for w in words for g in self._ngram.analyze(w)]
        raise QueryError(f"Unknown analyzer {analyzer!r}; use 'standard' or 'ngram'.")

    # -- writes -----------------------------------------------------------------------------
    def _document(self, doc_id: str, names: tuple[str, ...]) -> tantivy.Document:
        doc = tantivy.Document()
        doc.add_text(ID_FIELD, doc_id)
        for field, text in zip(FIELDS, names, strict=True):
            doc.add_text(field, text)
            if self.ngram_fields:
                grams = self.analyze(text, "ngram")
                tokens = [tantivy.Token(g, i, 0, len(text)) for i, g in enumerate(grams)]
                doc.add_pre_tokenized_text(f"{field}_ngram",
                                           tantivy.PreTokenizedString(text, tokens))  # fmt: skip
        return doc

    def add(self, docs: pd.DataFrame) -> None:
        """Index documents into the writer's buffer (not yet a segment, not yet searchable)."""
        frame = documents(docs)
        columns = [frame[f].astype(str) for f in FIELDS]
        for doc_id, *names in zip(frame[ID_FIELD], *columns, strict=True):
            self._writer.add_document(self._document(doc_id, tuple(names)))

    def delete(self, doc_id: str) -> None:
        """Mark every document with this id deleted (a tombstone, applied at the next commit)."""
        self._writer.delete_documents_by_term(ID_FIELD, str(doc_id))

    def update(self, docs: pd.DataFrame) -> None:
        """An update is a delete of the old version plus a new document: segments never change."""
        for doc_id in documents(docs)[ID_FIELD]:
            self.delete(doc_id)
        self.add(docs)

    def commit(self) -> None:
        """Write the buffer as a new immutable segment (and apply pending deletes)."""
        self._writer.commit()

    def refresh(self) -> None:
        """Reload the reader: segments committed since the last refresh become searchable."""
        self.index.reload()

    def wait_merges(self) -> None:
        """Let background merges finish (this ends the writer), then open a fresh writer."""
        self._writer.wait_merging_threads()
        self._writer = self.index.writer(heap_size=_HEAP_BYTES, num_threads=1)

    @classmethod
    def build(cls, docs: pd.DataFrame, batch_size: int | None = None,
              ngram_fields: bool = True) -> TantivyIndex:  # fmt: skip
        """Index `docs` in batches, one commit (one segment) per batch, then refresh."""
        engine = cls(ngram_fields=ngram_fields)
        frame = documents(docs)
        size = batch_size or max(len(frame), 1)
        for start in range(0, len(frame), size):
            engine.add(frame.iloc[start : start + size])
            engine.commit()
        engine.refresh()
        return engine

    # -- reads ------------------------------------------------------------------------------
    @property
    def searcher(self) -> tantivy.Searcher:
        return self.index.searcher()

    def stats(self) -> dict[str, int]:
        """What a search sees now: segments and live documents."""
        searcher = self.searcher
        return {"segments": searcher.num_segments, "live_docs": searcher.num_docs}

    def doc_freq(self, field: str, term: str) -> int:
        """Documents holding `term`, tombstoned ones included until a merge drops them."""
        return self.searcher.doc_freq(field, term)

    def _run(self, query: tantivy.Query, limit: int | None) -> list[EngineHit]:
        searcher = self.searcher
        size = limit if limit is not None else max(searcher.num_docs, 1)
        hits = []
        for score, address in searcher.search(query, size).hits:
            doc_id = searcher.doc(address)[ID_FIELD][0]
            hits.append(EngineHit(doc_id, score, lucene_score(score)))
        return hits

    def match(self, text: str, fields: Sequence[str] = FIELDS, limit: int | None = 10,
              analyzer: str = "standard", operator: str = "or") -> list[EngineHit]:  # fmt: skip
        """A match query: analyze the text, one term query per field and term, combined.

        "or" ORs them all; "and" requires each term (in any of the fields).
        """
        if operator not in ("or", "and"):
            raise QueryError(f"operator must be 'or' or 'and', not {operator!r}.")
        terms = self.analyze(check_query_text(text), analyzer)
        require_terms(text, terms, self.min_gram)
        suffix = "_ngram" if analyzer == "ngram" else ""

        def per_term(term: str) -> tantivy.Query:
            return tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, f + suffix, term))
                 for f in fields]
            )  # fmt: skip

        occur = tantivy.Occur.Must if operator == "and" else tantivy.Occur.Should
        query = tantivy.Query.boolean_query([(occur, per_term(t)) for t in terms])
        return self._run(query, limit)

    def term(self, text: str, field: str = "track_name", limit: int | None = 10) -> list[EngineHit]:
        """A term query: the text exactly as typed, no analysis."""
        check_query_text(text)
        return self._run(tantivy.Query.term_query(self.schema, field, text), limit)
