"""The timed mock exam: clock, answers, flags, and scoring without feedback until the end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lessons.errors import LabError
from lessons.quiz.bank import load_bank
from lessons.quiz.engine import equal_or_sourced_weights
from lessons.quiz.mock import MockExam

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
def exam() -> MockExam:
    weights, _note = equal_or_sourced_weights()
    return MockExam.start(load_bank(), size=10, minutes=20, weights=weights, seed=1, now=T0)


def test_assembles_the_requested_size_in_a_seeded_order(exam: MockExam) -> None:
    assert len(exam.question_ids) == 10 == len(set(exam.question_ids))
    weights, _ = equal_or_sourced_weights()
    again = MockExam.start(load_bank(), 10, 20, weights, seed=1, now=T0)
    assert again.question_ids == exam.question_ids


def test_the_clock_ends_the_exam_and_freezes_answers(exam: MockExam) -> None:
    first = exam.question_ids[0]
    exam.answer(first, [1], T0 + timedelta(minutes=5))
    assert exam.remaining(T0 + timedelta(minutes=5)) == timedelta(minutes=15)
    assert exam.is_over(T0 + timedelta(minutes=20))
    with pytest.raises(LabError, match="Time is up"):
        exam.answer(first, [0], T0 + timedelta(minutes=21))
    assert exam.answers[first] == (1,)


def test_answers_change_until_the_end_and_flags_toggle(exam: MockExam) -> None:
    first = exam.question_ids[0]
    exam.answer(first, [2, 0, 2], T0)
    assert exam.answers[first] == (0, 2)
    exam.answer(first, [], T0)
    assert first not in exam.answers
    exam.toggle_flag(first)
    assert first in exam.flagged
    exam.toggle_flag(first)
    assert not exam.flagged
    with pytest.raises(LabError, match="not in this exam"):
        exam.answer("streams.nope", [0], T0)


def test_report_counts_unanswered_as_wrong_and_right_answers_as_right(exam: MockExam) -> None:
    bank = load_bank()
    for question_id in exam.question_ids[:4]:
        exam.answer(question_id, bank.questions[question_id].correct, T0)
    exam.finish(T0 + timedelta(minutes=3))
    report = exam.report(bank)
    assert report.questions == 10 and report.correct == 4 and report.unanswered == 6
    assert len(report.wrong) == 6
    assert exam.is_over(T0 + timedelta(minutes=4))


@pytest.mark.parametrize("size, minutes", [(0, 10), (10_000, 10), (5, 0)])
def test_bad_settings_are_clear_errors(size: int, minutes: int) -> None:
    weights, _ = equal_or_sourced_weights()
    with pytest.raises(LabError):
        MockExam.start(load_bank(), size, minutes, weights, seed=0, now=T0)
