"""The app driven with Streamlit's AppTest: every registered page renders without exception."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lessons import facts
from tests import pages
from tests.chart_json import axis_titles, figures
from views import PAGES

APP = pages.APP
TIMEOUT_S = 60


def run_page(spec_file: str, lang: str = "en") -> AppTest:
    return pages.run_page(spec_file, lang, timeout_s=TIMEOUT_S)


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_renders(spec, lang: str) -> None:
    at = run_page(spec.file, lang)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.title, "every page has a title"


def test_home_lists_every_lesson_and_links_every_topic_page() -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    text = " ".join(m.value for m in at.markdown)
    assert "00-dataset-tour" in text and "12-warehouse-and-engines" in text
    linked = {link.proto.page for link in at.get("page_link")}
    assert {spec.url_path for spec in PAGES if spec.topic} <= {p.strip("/") for p in linked}


def test_dataset_page_measures_the_options_it_is_given() -> None:
    at = run_page("dataset.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["events"] == "100,000"
    assert metrics["resent (same uuid)"] == "1,000"
    at.slider[0].set_value(0.05).run()  # resent fraction
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["resent (same uuid)"] == "5,000"


def test_facts_page_filters_and_shows_sources() -> None:
    at = run_page("facts.py")
    shown = at.dataframe[0].value
    assert len(shown) == len(facts.all_facts())
    at.text_input[0].input("kinesis").run()
    filtered = at.dataframe[0].value
    assert 0 < len(filtered) < len(shown)
    # The filter matches the id or the title (e.g. a Flink fact whose title names Kinesis).
    assert all(
        "kinesis" in i or "kinesis" in title.lower()
        for i, title in zip(filtered["id"], filtered["fact"], strict=True)
    )
    assert all(s.startswith("https://") for s in filtered["source"])


def test_a_page_problem_is_a_message_not_a_traceback(monkeypatch) -> None:
    from lessons.errors import FactsFileError

    def broken():
        raise FactsFileError("facts.yaml has problems: kinesis.x: missing source")

    monkeypatch.setattr(facts, "all_facts", broken)
    at = run_page("facts.py")
    assert not at.exception
    assert "missing source" in at.error[0].value


def test_an_unexpected_failure_shows_a_calm_message(monkeypatch) -> None:
    import lessons.explore

    def boom(*args, **kwargs):
        raise ZeroDivisionError("internal")

    monkeypatch.setattr(lessons.explore, "tour", boom)
    st.cache_data.clear()  # an earlier test may have cached this very dataset
    at = run_page("dataset.py")
    assert not at.exception
    assert "Your data is unchanged" in at.error[0].value


def test_streams_shards_tab_refuses_an_empty_key_like_kinesis() -> None:
    at = run_page("streams.py")
    keys_box = next(t for t in at.text_input if t.label == "Partition keys")
    keys_box.input("device-1, , device-2").run()
    assert not at.exception
    assert any("InvalidArgumentException" in e.value for e in at.error)
    assert any(t.label == "Partition keys" for t in at.text_input), "the rest of the page stays"


def test_streams_throughput_split_adds_a_shard_and_hot_key_throttles() -> None:
    at = run_page("streams.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["shards"] == "2"
    assert float(metrics["records throttled"].rstrip("%")) > 0
    next(t for t in at.toggle if t.label == "Split the busiest shard").set_value(True).run()
    assert {m.label: m.value for m in at.metric}["shards"] == "3"


def test_streams_compare_tab_shows_every_service() -> None:
    at = run_page("streams.py")
    services = [df.value for df in at.dataframe if "service" in df.value.columns]
    assert list(services[0]["service"]) == [
        "Kinesis Data Streams", "SQS standard", "SQS FIFO", "MSK (Kafka)",
    ]  # fmt: skip


def practice_page(name: str = "Ada") -> AppTest:
    at = run_page("practice.py")
    at.sidebar.text_input(key="learner").input(name).run()
    return at


def test_practice_asks_grades_explains_and_records_an_answer() -> None:
    from lessons.paths import data_dir
    from lessons.quiz.progress import ProgressStore

    at = practice_page()
    assert not at.exception
    if at.radio:  # single-answer question: pick the first option
        at.radio[-1].set_value(at.radio[-1].options[0]).run()
    else:
        at.checkbox[0].check().run()
    next(b for b in at.button if b.label == "Check my answer").click().run()
    assert not at.exception
    assert at.success or at.error, "right or wrong is said"
    explained = [m.value for m in at.markdown if m.value.startswith("**A ")]
    assert explained, "every option's explanation is shown"
    answers = ProgressStore(data_dir() / "progress.sqlite").answers("Ada")
    assert len(answers) == 1 and answers[0].mode == "practice"


def test_a_name_with_html_is_kept_as_text_and_a_bad_name_is_a_message() -> None:
    at = practice_page("<script>alert(1)</script>")
    assert not at.exception
    assert not any("<script>" in m.value for m in at.markdown), "never rendered as markup"
    assert any(t.value == "<script>alert(1)</script>" for t in at.sidebar.text_input)
    at.sidebar.text_input(key="learner").input("bad\x07name").run()
    assert not at.exception
    assert at.error, "a name with a control character is refused with a message"


def test_review_and_progress_show_what_was_answered() -> None:
    from datetime import UTC, datetime, timedelta

    from lessons.paths import data_dir
    from lessons.quiz.bank import load_bank
    from lessons.quiz.progress import ProgressStore

    question = next(iter(load_bank().questions.values()))
    long_ago = datetime.now(UTC) - timedelta(days=30)
    progress_store = ProgressStore(data_dir() / "progress.sqlite")
    progress_store.record("Bo", question.id, [0], False, "practice", long_ago)
    other = list(load_bank().questions.values())[1]
    progress_store.record("Bo", other.id, sorted(other.correct), True, "practice", long_ago
                          + timedelta(days=1))  # fmt: skip
    review = run_page("review.py")
    review.sidebar.text_input(key="learner").input("Bo").run()
    assert not review.exception
    assert {m.label: m.value for m in review.metric}["due today"] == "2"
    progress = run_page("progress.py")
    progress.sidebar.text_input(key="learner").input("Bo").run()
    assert not progress.exception
    assert len(progress.get("plotly_chart")) == 4, "mastery now and over time, twice"


def test_mock_exam_runs_start_to_report_without_feedback_until_the_end() -> None:
    at = run_page("exam.py")
    at.sidebar.text_input(key="learner").input("Cy").run()
    next(s for s in at.slider if s.label == "Questions").set_value(5).run()
    next(b for b in at.button if b.label == "Start the exam").click().run()
    assert not at.exception
    assert not at.success and not at.error, "no feedback during the exam"
    assert "1 / 5" in " ".join(c.value for c in at.caption)
    next(b for b in at.button if b.label == "Finish and score").click().run()
    assert not at.exception
    assert {m.label for m in at.metric} == {"Score"}
    assert any("720" in c.value or "scal" in c.value for c in at.caption), "says what it means"


def test_korean_mock_exam_explains_its_weights_and_pass_estimate_in_korean() -> None:
    at = run_page("exam.py", "ko")
    at.sidebar.text_input(key="learner").input("Dana").run()
    setup = " ".join(c.value for c in at.caption)
    assert "사실 표" in setup and "Sourced" not in setup and "facts table" not in setup
    next(s for s in at.slider if s.label == "문제 수").set_value(5).run()
    next(b for b in at.button if b.label == "시험 시작").click().run()
    next(b for b in at.button if b.label == "종료하고 채점").click().run()
    assert not at.exception and not at.error
    shown = " ".join(c.value for c in at.caption)
    passing = facts.number("dea_c01.passing_score")
    assert "대략적인 참고용" in shown and f"{passing:g}점" in shown
    assert "Rough guide" not in shown and "scaled score" not in shown


def test_team_session_trainer_and_learner_from_two_browsers() -> None:
    trainer = run_page("team.py")
    trainer.radio[0].set_value("trainer").run()
    trainer.text_input[0].input("Tess").run()
    next(b for b in trainer.button if b.label == "Start a session").click().run()
    assert not trainer.exception
    code = trainer.session_state["team-code"]

    learner = run_page("team.py")
    learner.text_input[0].input("WRONG1").run()
    learner.text_input[1].input("Lee").run()
    next(b for b in learner.button if b.label == "Join").click().run()
    assert "No session" in learner.error[0].value, "an unknown code is a clear message"
    learner.text_input[0].input(code.lower()).run()
    next(b for b in learner.button if b.label == "Join").click().run()
    assert not learner.exception and not learner.error
    learner.multiselect[0].select(0).run()
    next(b for b in learner.button if b.label == "Check my answer").click().run()
    assert not learner.exception

    trainer.run()
    assert "1 joined" in " ".join(c.value for c in trainer.caption)
    next(b for b in trainer.button if b.label == "Reveal the answers").click().run()
    assert not trainer.exception
    board = trainer.dataframe[-1].value
    assert list(board["name"]) == ["Lee"] and board["answered"].iloc[0] == 1


HANGUL = re.compile("[\uac00-\ud7a3]")


def test_streams_charts_and_tables_speak_korean() -> None:
    at = run_page("streams.py", "ko")
    drawn = figures(at)
    assert len(drawn) == 4, "freshness, hash ranges, shard load, buffering"
    for figure in drawn:
        titles = axis_titles(figure)
        assert titles, figure["layout"].get("title")
        english = {axis: text for axis, text in titles.items() if not HANGUL.search(text)}
        assert not english, f"axis titles still in English: {english}"
    freshness, _, _, buffering = drawn
    assert HANGUL.search(freshness["layout"]["title"]["text"])
    for figure in (freshness, buffering):
        assert all(HANGUL.search(trace["name"]) for trace in figure["data"]), "legend names"
    assert all(HANGUL.search(label) for label in freshness["data"][0]["text"]), "point labels"
    for frame in (df.value for df in at.dataframe):
        assert all(HANGUL.search(str(column)) for column in frame.columns), list(frame.columns)


def test_home_lesson_lines_say_minutes_and_services_in_korean() -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.session_state["lang"] = "ko"
    at.run()
    text = " ".join(m.value for m in at.markdown)
    assert " min " not in text and "분 ·" in text
    assert "재생 이벤트" in text and "play events" not in text
