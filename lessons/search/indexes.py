"""Four ways to find rows: a sorted (B-tree-style) index, a hash index, an inverted index, a scan.

Each kind answers some questions and refuses the others with a clear reason:

- sorted index on ``track_id``: equality and ranges, by binary search (about log2(n) comparisons);
- hash index on ``track_id``: equality only, one bucket probe; a hash has no order, so no ranges;
- inverted index on the names: "which tracks contain this word", touching only that word's
  postings; it knows words, not ids or ranges;
- full scan in DuckDB (``ILIKE '%word%'``, ``=``, ``BETWEEN``): answers everything by reading
  every row, and its substring match also finds "harbors" for "harbor".

Every answer reports the work it did (comparisons, probes, postings or rows), which does not
depend on the machine, next to wall time, which does.

Fidelity: a B-tree is a sorted structure in pages; the sorted array here has the same
comparisons and order but no pages, splits or fill factor. The hash index is a Python dict. The
inverted index is built with vectorised Arrow/numpy code from the same analysis as
``analyzers.standard`` (split on non-letters/digits, lowercase) over the track and artist names
together. Real OpenSearch answers numeric ranges too, with a different structure (BKD trees),
not the inverted index. DuckDB is a fast columnar scanner; a row store scans slower.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lessons.data import generate_tracks
from lessons.search.analyzers import QueryError, analyze, check_query_text

__all__ = [
    "INDEX_KINDS",
    "QUERY_KINDS",
    "Answer",
    "FullScan",
    "HashIndex",
    "NameIndex",
    "Query",
    "SortedIndex",
    "build_all",
    "capabilities",
    "synthetic_tracks",
    "time_query",
]

QUERY_KINDS = ("equality", "range", "word")
_SYLLABLES = ("ka", "lo", "mi", "ren", "sa", "tor", "vi", "zen", "dul", "fa", "nor", "pe")
RARE_WORD_SHARE = 0.3  # share of synthetic track names with a third, rarer word
MAX_SYNTHETIC = 5_000_000


@dataclass(frozen=True)
class Query:
    """equality: track_id == value; range: value <= track_id <= high; word: a word in a name."""

    kind: str
    value: int | str
    high: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in QUERY_KINDS:
            raise QueryError(f"Query kind {self.kind!r} is not one of {QUERY_KINDS}.")
        if self.kind == "word":
            check_query_text(self.value)
            if len(analyze(str(self.value))) != 1:
                raise QueryError(f"A word query takes one word; {self.value!r} has several.")
        elif not isinstance(self.value, int | np.integer):
            raise QueryError(f"An {self.kind} query on track_id needs a whole number.")
        if self.kind == "range" and (self.high is None or self.high < int(self.value)):
            raise QueryError("A range query needs high >= value.")

    def describe(self) -> str:
        if self.kind == "equality":
            return f"track_id = {self.value}"
        if self.kind == "range":
            return f"track_id BETWEEN {self.value} AND {self.high}"
        return f"names contain {self.value!r}"


@dataclass(frozen=True)
class Answer:
    """The track ids found (sorted) and the work done: comparisons, probes, postings or rows."""

    track_ids: np.ndarray
    work: int
    unit: str


def _refuse(index: str, query: Query, why: str) -> QueryError:
    return QueryError(f"The {index} cannot answer {query.describe()}: {why}")


@dataclass(frozen=True)
class SortedIndex:
    """track_id values in order with their row numbers: binary search finds both ends."""

    keys: np.ndarray
    rows: np.ndarray
    name: str = "sorted index"

    @classmethod
    def build(cls, tracks: pd.DataFrame) -> SortedIndex:
        ids = tracks["track_id"].to_numpy()
        order = np.argsort(ids, kind="stable")
        return cls(ids[order], order)

    def answer(self, query: Query) -> Answer:
        if query.kind == "word":
            raise _refuse(self.name, query, "it orders whole track_id values; a word inside a "
                          "name is not a prefix of anything it sorts.")  # fmt: skip
        low = int(query.value)
        high = low if query.kind == "equality" else int(query.high)  # type: ignore[arg-type]
        start = int(np.searchsorted(self.keys, low, side="left"))
        stop = int(np.searchsorted(self.keys, high, side="right"))
        steps = 2 * math.ceil(math.log2(len(self.keys) + 1))  # two binary searches
        return Answer(np.sort(self.keys[start:stop]), steps + (stop - start), "comparisons")


@dataclass(frozen=True)
class HashIndex:
    """track_id -> row, in a hash table: one probe for equality, no order at all."""

    table: dict[int, int]
    name: str = "hash index"

    @classmethod
    def build(cls, tracks: pd.DataFrame) -> HashIndex:
        ids = tracks["track_id"].to_numpy().tolist()
        return cls(dict(zip(ids, range(len(ids)), strict=True)))

    def answer(self, query: Query) -> Answer:
        if query.kind == "range":
            raise _refuse(self.name, query, "hashing scatters neighbouring keys, so there is no "
                          "order to walk from the low end to the high end.")  # fmt: skip
        if query.kind == "word":
            raise _refuse(self.name, query, "it hashes whole track_id values only.")
        found = [int(query.value)] if int(query.value) in self.table else []
        return Answer(np.array(found, dtype=np.int64), 1, "probes")


@dataclass(frozen=True)
class NameIndex:
    """An inverted index over track and artist names: term -> sorted postings (row numbers)."""

    term_ids: dict[str, int]
    offsets: np.ndarray
    postings: np.ndarray
    track_ids: np.ndarray
    name: str = "inverted index"

    @classmethod
    def build(cls, tracks: pd.DataFrame) -> NameIndex:
        text = pa.array((tracks["track_name"] + " " + tracks["artist_name"]).to_numpy(object))
        words = pc.split_pattern_regex(pc.utf8_lower(text), r"[^\p{L}\p{N}]+")
        flat = pc.list_flatten(words)
        parents = pc.list_parent_indices(words).to_numpy()
        keep = pc.not_equal(flat, "").to_numpy(zero_copy_only=False)
        encoded = pc.dictionary_encode(flat.filter(pa.array(keep)))
        codes = encoded.indices.to_numpy()
        # Parents already ascend, so a stable sort by term gives (term, row) order; radix sort
        # on small integer types makes this the cheap step.
        small = np.uint16 if len(encoded.dictionary) < 2**16 else np.int64
        order = np.argsort(codes.astype(small), kind="stable")
        term_of, row_of = codes[order].astype(np.int64), parents[keep][order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = (term_of[1:] != term_of[:-1]) | (row_of[1:] != row_of[:-1])
        term_of, row_of = term_of[first], row_of[first]  # a word twice in a name: one posting
        counts = np.bincount(term_of, minlength=len(encoded.dictionary))
        offsets = np.concatenate([[0], np.cumsum(counts)])
        terms = encoded.dictionary.to_pylist()
        return cls({t: i for i, t in enumerate(terms)}, offsets, row_of,
                   tracks["track_id"].to_numpy())  # fmt: skip

    def answer(self, query: Query) -> Answer:
        if query.kind != "word":
            raise _refuse(
                self.name,
                query,
                "it maps words to documents; it holds no order of "
                "track_id values (OpenSearch uses BKD trees for numeric fields).",
            )
        term = analyze(str(query.value))[0]
        code = self.term_ids.get(term)
        if code is None:
            return Answer(np.array([], dtype=np.int64), 1, "postings")
        rows = self.postings[self.offsets[code] : self.offsets[code + 1]]
        return Answer(np.sort(self.track_ids[rows]), 1 + len(rows), "postings")


@dataclass(frozen=True)
class FullScan:
    """No index: DuckDB reads every row and tests the condition (``ILIKE '%word%'`` for words)."""

    con: duckdb.DuckDBPyConnection
    rows: int
    name: str = "full scan"

    @classmethod
    def build(cls, tracks: pd.DataFrame) -> FullScan:
        con = duckdb.connect()
        con.execute("SET autoinstall_known_extensions = false")
        con.register("tracks", pa.Table.from_pandas(tracks, preserve_index=False))
        return cls(con, len(tracks))

    def answer(self, query: Query) -> Answer:
        if query.kind == "word":
            sql = ("SELECT track_id FROM tracks WHERE track_name ILIKE '%' || ? || '%' "
                   "OR artist_name ILIKE '%' || ? || '%'")  # fmt: skip
            params: list[object] = [str(query.value), str(query.value)]
        elif query.kind == "equality":
            sql, params = "SELECT track_id FROM tracks WHERE track_id = ?", [int(query.value)]
        else:
            sql = "SELECT track_id FROM tracks WHERE track_id BETWEEN ? AND ?"
            params = [int(query.value), int(query.high)]  # type: ignore[arg-type]
        found = self.con.execute(sql, params).fetchnumpy()["track_id"]
        return Answer(np.sort(np.asarray(found, dtype=np.int64)), self.rows, "rows")


INDEX_KINDS: dict[str, Callable[[pd.DataFrame], object]] = {
    "sorted index": SortedIndex.build,
    "hash index": HashIndex.build,
    "inverted index": NameIndex.build,
    "full scan": FullScan.build,
}


def synthetic_tracks(n: int, seed: int = 0) -> pd.DataFrame:
    """`n` tracks named from the reference tracks' words, some with a rarer third word.

    track_id is a shuffled 0..n-1, so sorted order has to be built, not assumed.
    """
    if not 1 <= n <= MAX_SYNTHETIC:
        raise QueryError(f"Synthetic track count must be 1..{MAX_SYNTHETIC:,}; got {n:,}.")
    rng = np.random.default_rng(seed)
    reference = generate_tracks().to_pandas()
    words = np.array(sorted({w for name in reference["track_name"] for w in name.split()}))
    artists = np.array(sorted(set(reference["artist_name"])))
    rare = np.array([a.title() + b + c for a in _SYLLABLES for b in _SYLLABLES for c in _SYLLABLES])
    weights = 1.0 / np.arange(1, len(rare) + 1)
    first = words[rng.integers(len(words), size=n)]
    second = words[rng.integers(len(words), size=n)]
    third = rare[rng.choice(len(rare), size=n, p=weights / weights.sum())]
    with_third = rng.random(n) < RARE_WORD_SHARE
    names = pd.Series(first, dtype=object) + " " + pd.Series(second, dtype=object)
    names = names.where(~with_third, names + " " + pd.Series(third, dtype=object))
    return pd.DataFrame({
        "track_id": rng.permutation(n).astype(np.int64),
        "track_name": names,
        "artist_name": artists[rng.integers(len(artists), size=n)],
    })  # fmt: skip


def build_all(tracks: pd.DataFrame, timer: Callable[[], float] = time.perf_counter
              ) -> tuple[dict[str, object], dict[str, float]]:  # fmt: skip
    """Every index kind over `tracks`, and the seconds each took to build."""
    built, seconds = {}, {}
    for kind, build in INDEX_KINDS.items():
        began = timer()
        built[kind] = build(tracks)
        seconds[kind] = timer() - began
    return built, seconds


def time_query(index: object, query: Query, repeats: int = 5,
               timer: Callable[[], float] = time.perf_counter) -> tuple[Answer, float]:  # fmt: skip
    """The answer and the median seconds over `repeats` runs (refusals raise QueryError)."""
    times = []
    answer = None
    for _ in range(max(repeats, 1)):
        began = timer()
        answer = index.answer(query)  # type: ignore[attr-defined]
        times.append(timer() - began)
    return answer, statistics.median(times)  # type: ignore[return-value]


def capabilities(indexes: dict[str, object], queries: dict[str, Query]) -> pd.DataFrame:
    """Which index answers which query: "yes", or the reason it refuses."""
    rows = []
    for kind, index in indexes.items():
        row: dict[str, str] = {"index": kind}
        for label, query in queries.items():
            try:
                index.answer(query)  # type: ignore[attr-defined]
                row[label] = "yes"
            except QueryError as refused:
                row[label] = "no: " + str(refused).split(": ", 1)[1]
        rows.append(row)
    return pd.DataFrame(rows)
