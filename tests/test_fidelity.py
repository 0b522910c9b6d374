"""Every model says how faithful it is, and the app's fidelity page lists exactly those notes."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from lessons import course, fidelity
from views import VIEWS_DIR


def test_every_model_module_states_its_fidelity() -> None:
    assert fidelity.models_without_note() == []


def test_notes_come_from_the_docstrings_and_cover_every_topic_with_models() -> None:
    found = fidelity.fidelity_notes()
    modules = {n.module for n in found}
    assert {"lessons.streams.kinesis", "lessons.lake.catalog", "lessons.emr"} <= modules
    assert {n.topic for n in found} == {"streams", "lake", "search", "realtime", "serving"}
    assert {n.topic for n in found} <= {t.id for t in course.TOPICS}
    assert all(n.note and "Fidelity" not in n.note[:10] for n in found)


def test_note_extraction() -> None:
    assert fidelity.note_of("Model.\n\nFidelity: exact\n  routing.") == "exact routing."
    assert fidelity.note_of("Model without a note.") is None
    assert fidelity.note_of("Fidelity:   ") is None


def test_the_page_lists_every_note_and_filters_by_topic() -> None:
    at = AppTest.from_file(str(VIEWS_DIR / "fidelity.py"), default_timeout=60).run()
    assert not at.exception
    assert len(at.expander) == len(fidelity.fidelity_notes())
    at.selectbox[0].select("search").run()
    expected = [n for n in fidelity.fidelity_notes() if n.topic == "search"]
    assert len(at.expander) == len(expected) > 0
    assert all("lessons.search" in e.label for e in at.expander)


def test_the_page_speaks_korean_around_the_notes() -> None:
    at = AppTest.from_file(str(VIEWS_DIR / "fidelity.py"), default_timeout=60)
    at.session_state["lang"] = "ko"
    at.run()
    assert not at.exception
    assert at.selectbox[0].label == "주제" and at.selectbox[0].options[0] == "모든 주제"
    korean_titles = tuple(topic.title("ko") for topic in course.TOPICS)
    assert all(e.label.startswith(korean_titles) for e in at.expander)
    assert at.caption[0].value == f"모델 {len(fidelity.fidelity_notes())}개"
