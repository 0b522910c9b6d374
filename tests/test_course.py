"""The course manifest, the app's texts, the shared charts and the notebook quiz rendering."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lessons import charts, course, i18n
from lessons.data import DatasetConfig
from lessons.errors import LabError
from lessons.explore import tour
from lessons.paths import PROJECT_ROOT
from lessons.quiz.render import check_yourself
from lessons.text import LANGUAGES


def test_manifest_is_in_course_order_with_unique_ids() -> None:
    lessons = course.lessons()
    ids = [lesson.id for lesson in lessons]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {lesson.topic for lesson in lessons} == set(course.TOPIC_IDS)
    for lesson in lessons:
        if lesson.ready:
            assert lesson.path.is_file(), lesson.id


def test_unknown_lesson_and_topic_are_clear_errors() -> None:
    with pytest.raises(LabError, match="Unknown lesson id"):
        course.lesson("99-nowhere")
    with pytest.raises(LabError, match="topics are"):
        course.topic("nowhere")


def test_every_app_text_has_english_and_korean() -> None:
    for key in i18n.all_keys():
        both = i18n.raw(key)
        assert set(both) == set(LANGUAGES) and all(both.values()), key
    assert i18n.t("nav.home", "ko") != i18n.t("nav.home", "en")
    assert i18n.t("nav.home", "xx") == i18n.t("nav.home", "en")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_course_map_draws_every_topic_and_step(lang: str) -> None:
    figure = charts.course_map(lang)
    assert len(figure.layout.shapes) == len(charts.MAP_NODES)
    arrows = [a for a in figure.layout.annotations if a.showarrow]
    assert len(arrows) == len(charts.MAP_EDGES)
    assert {trace.name for trace in figure.data} == {t.title(lang) for t in course.TOPICS}


def test_map_edges_join_known_nodes_and_every_topic_has_a_box() -> None:
    keys = {node.key for node in charts.MAP_NODES}
    assert all(a in keys and b in keys for a, b in charts.MAP_EDGES)
    assert {node.topic for node in charts.MAP_NODES} == set(course.TOPIC_IDS)


def test_tour_measures_what_lesson_00_claims() -> None:
    result = tour(DatasetConfig(rows=20_000, duplicate_fraction=0.01, late_fraction=0.02))
    assert result.quality["all_events"] == 20_000
    assert result.quality["resent_events"] == 200
    assert result.quality["late_events"] > 0
    assert result.evening_to_dawn_ratio > 3
    assert result.per_artist["plays"].sum() == 20_000
    assert result.top_artist_share > 1 / len(result.per_artist)


def test_check_yourself_renders_the_lessons_questions_as_safe_html() -> None:
    rendered = check_yourself("00-dataset-tour")
    assert rendered.questions
    html = rendered._repr_html_()
    assert html.count("class='pl-question'") == len(rendered.questions)
    assert "<details>" in html and "<script" not in html
    assert rendered.questions[0].stem.ko in check_yourself("00-dataset-tour", "ko").__repr__()


def test_jupyterlab_opens_text_notebooks_as_notebooks(tmp_path) -> None:
    subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts/jupyterlab_settings.py"), str(tmp_path)],
        check=True, capture_output=True,
    )  # fmt: skip
    overrides = json.loads((tmp_path / "share/jupyter/lab/settings/overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["markdown"] == "Jupytext Notebook"


def test_unshuffled_displays_do_not_always_put_the_answer_first() -> None:
    """Authors write the right option first; every display must hide that."""
    import csv
    import io

    from lessons.quiz import anki
    from lessons.quiz.bank import load_bank

    bank = load_bank()
    assert all(q.choices[0].correct for q in bank.questions.values()), "the premise"
    rows = list(csv.reader(io.StringIO(anki.export_anki_tsv(bank)), delimiter="\t"))
    answers = [r[2].split("</b>")[0] for r in rows if not r[0].startswith("#")]
    first_is_a = sum(a.endswith(": A") or ": A," in a for a in answers)
    assert len(answers) == len(bank) and first_is_a < 0.5 * len(answers)
    rendered = check_yourself("02-kinesis-vs-firehose")._repr_html_()
    starts = rendered.count("<li><strong>A — correct.</strong>")
    assert starts < 0.5 * len(check_yourself("02-kinesis-vs-firehose").questions)
