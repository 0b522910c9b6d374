"""A mock exam in progress: its questions, time limit, answers and flags, and its scoring.

Held in the app's session state between reruns; every time-dependent call takes `now`, so the
timer is testable without waiting. As on the real exam there is no feedback until the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lessons.errors import LabError
from lessons.quiz.bank import Bank
from lessons.quiz.engine import ExamPlan, ExamReport, assemble_exam, score_exam


@dataclass
class MockExam:
    """One learner's timed attempt at an assembled exam."""

    plan: ExamPlan
    started_at: datetime
    minutes: int
    answers: dict[str, tuple[int, ...]] = field(default_factory=dict)
    flagged: set[str] = field(default_factory=set)
    finished_at: datetime | None = None

    @classmethod
    def start(
        cls, bank: Bank, size: int, minutes: int, weights: dict[str, float], seed: int,
        now: datetime,
    ) -> MockExam:  # fmt: skip
        """Assemble `size` questions by domain weight and start the clock."""
        if not 1 <= size <= len(bank):
            raise LabError(f"An exam needs 1 to {len(bank)} questions (the bank's size).")
        if not 1 <= minutes <= 600:
            raise LabError("The time limit must be 1 to 600 minutes.")
        return cls(assemble_exam(bank, size, weights, seed), now, minutes)

    @property
    def question_ids(self) -> tuple[str, ...]:
        return self.plan.question_ids

    def remaining(self, now: datetime) -> timedelta:
        """Time left, never negative."""
        left = self.started_at + timedelta(minutes=self.minutes) - now
        return max(left, timedelta(0))

    def is_over(self, now: datetime) -> bool:
        """Finished by the learner, or out of time."""
        return self.finished_at is not None or self.remaining(now) == timedelta(0)

    def answer(self, question_id: str, picked: Iterable[int], now: datetime) -> None:
        """Keep (or change) an answer while time remains; refused once the exam is over."""
        if question_id not in self.question_ids:
            raise LabError(f"{question_id!r} is not in this exam.")
        if self.is_over(now):
            raise LabError("Time is up: the exam is over and answers can no longer change.")
        chosen = tuple(sorted(set(picked)))
        if chosen:
            self.answers[question_id] = chosen
        else:
            self.answers.pop(question_id, None)

    def toggle_flag(self, question_id: str) -> None:
        """Mark a question to come back to (or unmark it)."""
        self.flagged ^= {question_id}

    def finish(self, now: datetime) -> None:
        if self.finished_at is None:
            self.finished_at = min(now, self.started_at + timedelta(minutes=self.minutes))

    def report(self, bank: Bank) -> ExamReport:
        """The score report; unanswered questions count as wrong."""
        return score_exam(bank, self.question_ids, self.answers)
