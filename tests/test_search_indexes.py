"""Index kinds: each answers what it can, refuses the rest clearly, and does the work it should."""

from __future__ import annotations

import numpy as np
import pytest

from lessons.search import compare, indexes
from lessons.search.analyzers import QueryError


@pytest.fixture(scope="module")
def built():
    tracks = indexes.synthetic_tracks(20_000, seed=3)
    return tracks, indexes.build_all(tracks)[0]


def test_synthetic_tracks_are_seeded_and_shuffled() -> None:
    a, b = indexes.synthetic_tracks(1000, 7), indexes.synthetic_tracks(1000, 7)
    assert a.equals(b)
    assert not a.equals(indexes.synthetic_tracks(1000, 8))
    assert sorted(a["track_id"]) == list(range(1000)) and list(a["track_id"]) != list(range(1000))


def test_every_index_agrees_with_the_scan_on_what_it_answers(built) -> None:
    tracks, kinds = built
    scan = kinds["full scan"]
    for query in compare.scaling_queries(len(tracks)).values():
        expected = scan.answer(query).track_ids
        for name in ("sorted index", "hash index", "inverted index"):
            try:
                found = kinds[name].answer(query).track_ids
            except QueryError:
                continue
            if query.kind == "word":  # ILIKE '%word%' also finds the word inside longer words
                assert np.isin(found, expected).all(), name
            else:
                assert np.array_equal(found, expected), name


@pytest.mark.parametrize(
    "kind, query, reason",
    [
        ("hash index", indexes.Query("range", 1, 9), "no order"),
        ("hash index", indexes.Query("word", "harbor"), "whole track_id"),
        ("sorted index", indexes.Query("word", "harbor"), "word inside a name"),
        ("inverted index", indexes.Query("equality", 5), "maps words"),
        ("inverted index", indexes.Query("range", 1, 9), "BKD"),
    ],
)
def test_each_kind_refuses_what_it_cannot_answer(built, kind, query, reason) -> None:
    with pytest.raises(QueryError, match=reason):
        built[1][kind].answer(query)


def test_capability_matrix_says_yes_or_why_not(built) -> None:
    table = indexes.capabilities(built[1], compare.scaling_queries(20_000)).set_index("index")
    assert (table.loc["full scan"] == "yes").all()
    assert table.loc["hash index", "equality"] == "yes"
    assert table.loc["hash index", "range"].startswith("no: hashing")


def test_work_hash_flat_sorted_logarithmic_scan_linear() -> None:
    work = {}
    for n in (10_000, 160_000):
        tracks = indexes.synthetic_tracks(n, 0)
        kinds = indexes.build_all(tracks)[0]
        query = indexes.Query("equality", n // 2)
        work[n] = {k: kinds[k].answer(query).work for k in ("hash index", "sorted index",
                                                               "full scan")}  # fmt: skip
    assert work[10_000]["hash index"] == work[160_000]["hash index"] == 1
    assert work[160_000]["sorted index"] - work[10_000]["sorted index"] == 2 * 4  # log2(16) x2
    assert work[160_000]["full scan"] == 16 * work[10_000]["full scan"]


def test_inverted_work_follows_matches_not_collection_size(built) -> None:
    tracks, kinds = built
    rare = kinds["inverted index"].answer(indexes.Query("word", "Torzenpe"))
    assert rare.work == len(rare.track_ids) + 1 < len(tracks) / 100


@pytest.mark.parametrize(
    "args, message",
    [
        (("word", ""), "Nothing to search"),
        (("word", "two words"), "one word"),
        (("range", 9, 1), "high >= value"),
        (("equality", "x"), "whole number"),
        (("between", 1), "not one of"),
    ],
)
def test_bad_queries_are_clear_errors(args, message) -> None:
    with pytest.raises(QueryError, match=message):
        indexes.Query(*args)


def test_scaling_table_has_every_kind_and_refusals() -> None:
    table = compare.scaling([2_000, 8_000], repeats=1)
    assert set(table["index"]) == set(indexes.INDEX_KINDS)
    assert (~table["answered"]).sum() == 2 * 7  # 7 refusals per size
    scan = table[(table["index"] == "full scan") & (table["query"] == "equality")]
    assert list(scan["work"]) == [2_000, 8_000]
