"""The search page driven with AppTest: queries, analyzers, bad input, sliders."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from lessons.i18n import t
from tests.chart_json import axis_titles, figures
from tests.pages import run_page


def query_box(at: AppTest):
    return next(t for t in at.text_input if t.label == "Query")


def test_a_partial_word_query_shows_terms_postings_and_agreeing_hits() -> None:
    at = run_page("search.py")
    assert not at.exception and not at.error
    steps = at.dataframe[0].value
    assert list(steps["step"]) == ["tokenize", "lowercase", "ngram 2-3"]
    assert "harb" not in steps["terms"].iloc[-1].split(" | ") and "arb" in steps["terms"].iloc[-1]
    assert any(c.value.startswith("Same documents, same ranking.") for c in at.caption)
    hand, engine = at.dataframe[2].value, at.dataframe[3].value
    assert list(hand["track_id"])[:1] == list(engine["track_id"])[:1]


def test_switching_to_the_standard_analyzer_drops_partial_matches() -> None:
    at = run_page("search.py")
    query_box(at).input("harb").run()
    next(r for r in at.radio if r.label == "Analyzer").set_value("standard").run()
    assert not at.exception and not at.error
    assert at.dataframe[2].value.empty, "no whole word 'harb' in any name"


def test_tied_scores_are_listed_by_id_in_both_tables_and_the_caption_says_so() -> None:
    at = run_page("search.py")
    next(r for r in at.radio if r.label == "Analyzer").set_value("standard").run()
    query_box(at).input("lindqvist").run()  # 35 equal scores, tied across the top-10 cut
    assert not at.exception and not at.error
    hand, engine = at.dataframe[2].value, at.dataframe[3].value
    assert list(hand["track_id"]) == list(engine["track_id"])
    assert list(hand["track_id"]) == sorted(hand["track_id"], key=int)  # all tied: id order
    caption = next(c.value for c in at.caption if c.value.startswith("Same documents"))
    assert "then by track id" in caption and "4 decimals" in caption


def test_an_empty_query_is_a_message_and_the_page_stays() -> None:
    at = run_page("search.py")
    query_box(at).input("  ").run()
    assert not at.exception
    assert "Nothing to search for" in at.error[0].value
    query_box(at).input("a").run()  # the n-gram analyzer (the default) cuts nothing from it
    assert not at.exception and "no terms from 'a'" in at.error[0].value
    assert any(s.label == "Refresh interval (s)" for s in at.select_slider)


def test_refresh_interval_slider_changes_the_visibility_wait() -> None:
    at = run_page("search.py")
    wait = {m.label: m.value for m in at.metric}["mean wait until searchable"]
    next(s for s in at.select_slider if s.label == "Refresh interval (s)").set_value(10.0).run()
    slower = {m.label: m.value for m in at.metric}["mean wait until searchable"]
    assert float(slower.split()[0]) > 5 * float(wait.split()[0])


def test_cqrs_poll_slider_raises_the_lag_and_korean_renders() -> None:
    at = run_page("search.py")
    lag = float({m.label: m.value for m in at.metric}["mean lag"].split()[0])
    next(s for s in at.slider if s.label == "Consumer poll interval (s)").set_value(10.0).run()
    assert float({m.label: m.value for m in at.metric}["mean lag"].split()[0]) > lag + 2
    ko = run_page("search.py", "ko")
    assert not ko.exception and ko.title[0].value == "검색 인덱싱"


def test_korean_charts_and_tables_have_korean_titles_legends_and_headers() -> None:
    ko, en = run_page("search.py", "ko"), run_page("search.py", "en")
    segments, scaling, lag = figures(ko)
    ko_text = {key: t(key, "ko") for key in (
        "search.axis.seconds", "search.axis.segments", "search.axis.documents",
        "search.axis.query_ms", "search.axis.until_searchable", "search.axis.writes")}  # fmt: skip
    assert axis_titles(segments) == {"xaxis": ko_text["search.axis.seconds"],
                                     "yaxis": ko_text["search.axis.segments"],
                                     "yaxis2": ko_text["search.axis.documents"]}  # fmt: skip
    assert axis_titles(scaling) == {"xaxis": ko_text["search.axis.documents"],
                                    "yaxis": ko_text["search.axis.query_ms"]}  # fmt: skip
    assert axis_titles(lag) == {"xaxis": ko_text["search.axis.until_searchable"],
                                "yaxis": ko_text["search.axis.writes"]}  # fmt: skip
    english = {title for figure in figures(en) for title in axis_titles(figure).values()}
    assert "median query time (ms)" in english and not english & set(ko_text.values())
    ko_legend = {trace["name"] for figure in (segments, scaling) for trace in figure["data"]}
    en_legend = {trace["name"] for figure in figures(en)[:2] for trace in figure["data"]}
    assert "검색 가능한 문서" in ko_legend and "정렬 인덱스: id 범위" in ko_legend
    assert not ko_legend & en_legend
    ko_headers = {str(c) for frame in ko.dataframe for c in frame.value.columns}
    en_headers = {str(c) for frame in en.dataframe for c in frame.value.columns}
    assert {"track_name", "postings (doc:tf)", "stale_reviews"} <= en_headers
    assert {"트랙 이름 (track_name)", "포스팅 (문서:tf)", "인덱스"} <= ko_headers
    assert not ko_headers & en_headers
