"""The hand-built inverted index agrees with tantivy: analysis, matching documents, BM25 ranking."""

from __future__ import annotations

import pytest

from lessons.data import generate_tracks
from lessons.search import analyzers, compare, inverted
from lessons.search.engine import TantivyIndex, lucene_score

QUERIES = ["harbor", "velvet rivers", "the neon", "Lindqvist", "tomas paper", "Paper-thin"]
PARTIAL = ["arbo", "lindq", "neon lant", "ven"]


@pytest.fixture(scope="module")
def docs():
    return inverted.documents(generate_tracks())


@pytest.fixture(scope="module")
def engine(docs):
    return TantivyIndex.build(docs, batch_size=25)


def test_hand_analyzers_produce_tantivys_terms_for_every_name(docs, engine) -> None:
    names = list(docs["track_name"]) + list(docs["artist_name"]) + ["Harbor's 2nd_Mix"]
    for name in names:
        assert analyzers.analyze(name) == engine.analyze(name, "standard"), name
        assert analyzers.analyze(name, "ngram") == engine.analyze(name, "ngram"), name


def test_analysis_steps_show_tokenize_lowercase_then_ngrams() -> None:
    steps = dict(analyzers.analysis_steps("Velvet Harbor"))
    assert steps["tokenize"] == ["Velvet", "Harbor"]
    assert steps["lowercase"] == ["velvet", "harbor"]
    assert steps["ngram 2-3"][:3] == ["ve", "vel", "el"]


@pytest.mark.parametrize("analyzer, queries", [("standard", QUERIES), ("ngram", PARTIAL)])
def test_match_finds_the_same_documents_with_the_same_ranking(docs, engine, analyzer, queries):
    hand = inverted.build_index(docs, analyzer)
    table = compare.agreement(hand, engine, queries, analyzer=analyzer)
    assert table["hand hits"].gt(0).all()
    assert table["same documents"].all(), table
    assert table["same ranking"].all(), table


def test_and_operator_needs_every_term_in_both(docs, engine) -> None:
    hand = inverted.build_index(docs)
    mine = hand.match("tomas paper", operator="and", limit=None)
    theirs = engine.match("tomas paper", operator="and", limit=None)
    assert 0 < len(mine) < len(hand.match("tomas paper", limit=None))
    assert compare.ranking(mine) == compare.ranking(theirs)


def test_bm25_score_is_lucenes_formula_and_tantivy_only_scales_it(docs, engine) -> None:
    hand = inverted.build_index(docs)
    top = hand.match("harbor", fields=["track_name"], limit=1)[0]
    field = hand.fields["track_name"]
    df = len(field.postings["harbor"])
    expected = inverted.bm25_term(1, df, hand.n_docs, field.lengths[top.doc_id], field.avgdl)
    assert top.score == pytest.approx(expected)
    engine_top = engine.match("harbor", fields=["track_name"], limit=1)[0]
    assert engine_top.engine_score > engine_top.score  # tantivy keeps the (k1 + 1) factor
    assert lucene_score(engine_top.engine_score) == pytest.approx(top.score, rel=1e-5)


def test_partial_words_match_only_with_the_ngram_analyzer(docs) -> None:
    assert inverted.build_index(docs).match("arbo") == []
    assert inverted.build_index(docs, "ngram").match("arbo")


def test_term_query_is_not_analyzed_match_query_is(docs, engine) -> None:
    hand = inverted.build_index(docs)
    assert hand.term("Velvet") == [] and engine.term("Velvet") == []
    assert len(hand.term("velvet", limit=None)) == len(engine.term("velvet", limit=None)) > 0
    assert hand.match("Velvet", fields=["track_name"], limit=None)


def test_postings_table_lists_each_term_with_df_and_postings(docs) -> None:
    hand = inverted.build_index(docs)
    table = hand.postings_table("Velvet Harbor", fields=["track_name"])
    assert list(table["term"]) == ["velvet", "harbor"]
    harbor = table.set_index("term").loc["harbor"]
    assert harbor["df"] == len(hand.postings("track_name", "harbor")) == 1
    assert ":1" in harbor["postings (doc:tf)"]


@pytest.mark.parametrize("bad", ["", "   ", "!!! ---", None, "x" * 500])
def test_bad_queries_are_clear_lab_errors(docs, engine, bad) -> None:
    hand = inverted.build_index(docs)
    with pytest.raises(analyzers.QueryError, match=r"query|search|text"):
        hand.match(bad)  # type: ignore[arg-type]
    with pytest.raises(analyzers.QueryError):
        engine.match(bad)  # type: ignore[arg-type]


def test_unknown_field_and_operator_are_refused(docs) -> None:
    hand = inverted.build_index(docs)
    with pytest.raises(analyzers.QueryError, match="No field 'genre'"):
        hand.match("harbor", fields=["genre"])
    with pytest.raises(analyzers.QueryError, match="operator"):
        hand.match("harbor", operator="xor")


def test_ngram_sizes_respect_opensearchs_max_ngram_diff() -> None:
    with pytest.raises(analyzers.QueryError, match="max_ngram_diff"):
        analyzers.Analyzer("wide", min_gram=1, max_gram=5)


def test_a_word_shorter_than_min_gram_is_a_clear_error_not_an_empty_answer(docs, engine) -> None:
    hand = inverted.build_index(docs, "ngram")
    for run in (lambda: hand.match("a"), lambda: engine.match("a", analyzer="ngram")):
        with pytest.raises(analyzers.QueryError, match=r"no terms from 'a'.*at least 2"):
            run()
    assert hand.match("ne") and engine.match("ne", analyzer="ngram"), "two letters are enough"


@pytest.mark.parametrize("text", ["lindqvist", "the", "neon"])
def test_tied_scores_are_listed_by_id_the_same_in_both_engines_and_every_build(docs, text):
    """Equal BM25 scores come back in segment order from tantivy; the page lists them by id."""
    hand = inverted.build_index(docs)
    scores = [round(h.score, compare.SCORE_DIGITS) for h in hand.match(text, limit=None)]
    assert len(set(scores)) < len(scores), "the query must have tied scores"
    shown = []
    for batch in (25, 7, None, 25):  # other segment layouts, and the first one rebuilt
        mine, theirs = compare.side_by_side(hand, TantivyIndex.build(docs, batch_size=batch), text)
        assert [(h.doc_id, round(h.score, 4)) for h in mine] == [
            (h.doc_id, round(h.score, 4)) for h in theirs
        ]
        shown.append([h.doc_id for h in theirs])
    assert all(ids == shown[0] for ids in shown)
    ranked = [(-round(h.score, 4), int(h.doc_id)) for h in mine]
    assert ranked == sorted(ranked) and len(mine) == min(10, len(scores))


def test_a_tie_across_the_cut_keeps_the_lowest_ids_in_both_lists(docs, engine) -> None:
    hand = inverted.build_index(docs)
    everything = compare.display_order(hand.match("lindqvist", limit=None))
    assert round(everything[9].score, 4) == round(everything[10].score, 4)  # tie at the cut
    mine, theirs = compare.side_by_side(hand, engine, "lindqvist")
    assert (
        [h.doc_id for h in mine]
        == [h.doc_id for h in theirs]
        == [h.doc_id for h in everything[:10]]
    )
    assert compare.ranking(mine) == compare.ranking(theirs)
