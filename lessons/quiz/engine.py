"""Practice, grading, Leitner review and mock exams over the quiz bank: pure functions.

Every random choice takes a seed and every date is passed in, so a session can be replayed and
tested exactly. Exam-specific numbers (domain weights, passing score, exam size) come from the
facts table; when a fact is missing the functions say so instead of inventing a number.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from lessons import course, facts
from lessons.errors import LabError, UnknownFactError
from lessons.quiz.bank import Bank, Question
from lessons.quiz.domains import DOMAIN_IDS
from lessons.text import Text

LEITNER_INTERVALS_DAYS = (1, 2, 4, 8, 16)  # box n (1-based) comes back after this many days
WEIGHT_FACTS = {d: f"dea_c01.weight_{d}" for d in DOMAIN_IDS}
PASSING_SCORE_FACT = "dea_c01.passing_score"
QUESTIONS_TOTAL_FACT = "dea_c01.questions_total"
SCALED_SCORE_MAX = 1000  # AWS reports results as a scaled score out of 1000


class QuizError(LabError):
    """A practice or exam request the bank cannot satisfy (the message says why)."""


class NoQuestionsError(QuizError):
    """A filter matched no question."""


class AnswerError(QuizError):
    """An answer names an option or a question that does not exist."""


def _as_set(value: str | Iterable[str] | None) -> set[str] | None:
    # A bare string is one id, not an iterable of characters.
    return None if value is None else {value} if isinstance(value, str) else set(value)


def _check_known(kind: str, asked: set[str] | None, valid: tuple[str, ...]) -> None:
    unknown = sorted((asked or set()) - set(valid))
    if unknown:
        raise QuizError(f"Unknown {kind}(s) {', '.join(unknown)}; valid: {', '.join(valid)}.")


def practice_queue(
    bank: Bank,
    topics: str | Iterable[str] | None = None,
    domains: str | Iterable[str] | None = None,
    seed: int = 0,
) -> list[str]:
    """Question ids matching every given filter (None = any), in an order fixed by `seed`."""
    wanted_topics, wanted_domains = _as_set(topics), _as_set(domains)
    _check_known("topic", wanted_topics, course.TOPIC_IDS)
    _check_known("domain", wanted_domains, DOMAIN_IDS)
    ids = [
        q.id
        for q in bank.questions.values()
        if (wanted_topics is None or q.topic in wanted_topics)
        and (wanted_domains is None or q.domain in wanted_domains)
    ]
    if not ids:
        asked = [f"topic {', '.join(sorted(wanted_topics))}"] if wanted_topics else []
        asked += [f"domain {', '.join(sorted(wanted_domains))}"] if wanted_domains else []
        raise NoQuestionsError(f"No questions for {' and '.join(asked) or 'this bank'}.")
    random.Random(seed).shuffle(ids)
    return ids


def shuffled_choices(question: Question, seed: int) -> list[int]:
    """A display order of the option indices; grading keeps using the authored indices.

    The generator is seeded with the seed *and* the question id, so one session seed gives each
    question its own order (otherwise the right answer would sit in the same slot every time).
    """
    order = list(range(len(question.choices)))
    random.Random(f"{seed}:{question.id}").shuffle(order)
    return order


@dataclass(frozen=True)
class OptionResult:
    """One option after grading: is it a right answer, did the learner pick it, and why."""

    index: int
    right: bool
    picked: bool
    why: Text


@dataclass(frozen=True)
class Graded:
    """An answer graded all-or-nothing, as on the exam: correct only if picked == right."""

    question_id: str
    correct: bool
    right: frozenset[int]
    picked: frozenset[int]
    options: tuple[OptionResult, ...]


def grade(question: Question, picked: Iterable[int]) -> Graded:
    """Grade the picked option indices (authored order); an index out of range is an error."""
    chosen = frozenset(picked)
    count = len(question.choices)
    bad = sorted(i for i in chosen if not 0 <= i < count)
    if bad:
        raise AnswerError(
            f"Question {question.id} has options 0-{count - 1}; got {', '.join(map(str, bad))}."
        )
    options = tuple(
        OptionResult(i, c.correct, i in chosen, c.why) for i, c in enumerate(question.choices)
    )
    return Graded(question.id, chosen == question.correct, question.correct, chosen, options)


@dataclass(frozen=True)
class ReviewState:
    """Where a question sits in the Leitner boxes (1 = hardest) and when it comes back."""

    question_id: str
    box: int
    last_answered: date
    due: date


def _day(moment: date) -> date:
    # datetime is a subclass of date but the two do not compare; review works in whole days.
    return moment.date() if isinstance(moment, datetime) else moment


def schedule(history: Iterable[tuple[str, date, bool]]) -> dict[str, ReviewState]:
    """The Leitner state of every answered question from (question_id, answered_on, correct).

    Every answered question enters the boxes, including ones right the first time: with four
    options a guess is right one time in four, so a first right answer goes to box 2 and comes
    back once more after LEITNER_INTERVALS_DAYS[1] days rather than never. A right answer moves
    up one box (the top box keeps its place), a wrong one goes back to box 1; due = that day plus
    the box's interval. History may come in any order. Answers to one question on one day count
    as one step, right only if all were right, so the result does not depend on the order of
    same-day answers and re-answering five times in a row cannot jump to the top box.
    """
    days: dict[str, dict[date, bool]] = {}
    for question_id, answered_on, correct in history:
        per_day = days.setdefault(question_id, {})
        day = _day(answered_on)
        per_day[day] = per_day.get(day, True) and bool(correct)
    states = {}
    for question_id, per_day in days.items():
        box = 1
        for day in sorted(per_day):
            box = min(box + 1, len(LEITNER_INTERVALS_DAYS)) if per_day[day] else 1
        last = max(per_day)
        due_on = last + timedelta(days=LEITNER_INTERVALS_DAYS[box - 1])
        states[question_id] = ReviewState(question_id, box, last, due_on)
    return states


def due(history: Iterable[tuple[str, date, bool]], today: date) -> list[str]:
    """Question ids due today or overdue: most overdue first, then lower box, then id."""
    states = [s for s in schedule(history).values() if s.due <= _day(today)]
    return [s.question_id for s in sorted(states, key=lambda s: (s.due, s.box, s.question_id))]


def _optional_number(fact_id: str) -> float | None:
    # Exam facts are added only once sourced; a missing one is expected, not an error.
    try:
        return facts.number(fact_id)
    except UnknownFactError:
        return None


def exam_weights() -> tuple[dict[str, float], list[str]]:
    """Domain weights (percent) found in the facts table, and the weight fact ids missing."""
    numbers = {d: _optional_number(fact_id) for d, fact_id in WEIGHT_FACTS.items()}
    found = {d: n for d, n in numbers.items() if n is not None}
    return found, [fact_id for d, fact_id in WEIGHT_FACTS.items() if d not in found]


def fill_weights(found: Mapping[str, float]) -> tuple[dict[str, float], str]:
    """Complete sourced weights: domains without one share the rest of 100% equally; the note
    says which numbers are AWS's and which are this stand-in."""
    missing = [d for d in DOMAIN_IDS if d not in found]
    sourced = ", ".join(f"{d} {found[d]:g}%" for d in DOMAIN_IDS if d in found)
    if not missing:
        return dict(found), f"All domain weights come from the facts table ({sourced})."
    rest = max(100.0 - sum(found.values()), 0.0)
    each = rest / len(missing)
    weights = {d: float(found[d]) if d in found else each for d in DOMAIN_IDS}
    note = (
        f"Sourced: {sourced or 'none'}. Not in the facts table: {', '.join(missing)}; "
        f"each gets an equal share of the remaining {rest:g}% ({each:.1f}%), "
        "a stand-in rather than AWS's figure."
    )
    return weights, note


def equal_or_sourced_weights() -> tuple[dict[str, float], str]:
    """Weights for every domain: sourced ones from facts, an equal split of the rest for the
    others, with a note saying which is which."""
    found, _missing = exam_weights()
    return fill_weights(found)


def exam_size() -> int | None:
    """The number of questions on the real exam if the facts table has it, else None."""
    total = _optional_number(QUESTIONS_TOTAL_FACT)
    return None if total is None else int(total)


def largest_remainder(seats: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Split `seats` in proportion to `weights` (Hamilton's method); ties go to the larger
    weight, then to the key listed first, so the split is deterministic."""
    exact = {k: Fraction(str(w)) for k, w in weights.items()}  # str(): 0.34 stays 34/100
    total = sum(exact.values())
    if seats < 0 or total <= 0 or min(exact.values()) < 0:
        raise QuizError("Seats must be 0 or more and weights non-negative with a positive sum.")
    quotas = {k: seats * w / total for k, w in exact.items()}
    shares = {k: int(q) for k, q in quotas.items()}
    order = sorted(exact, key=lambda k: (-(quotas[k] - shares[k]), -exact[k], list(exact).index(k)))
    for k in order[: seats - sum(shares.values())]:
        shares[k] += 1
    return shares


def _apportion(
    size: int, weights: Mapping[str, float], available: Mapping[str, int]
) -> dict[str, int]:
    """Largest remainder, capped by what each domain has: a starved domain gives all it has
    and the shortfall is split again among the others by weight."""
    planned: dict[str, int] = {}
    active = {d: w for d, w in weights.items() if w > 0}
    seats = size
    while active and seats > 0:
        shares = largest_remainder(seats, active)
        starved = [d for d in active if shares[d] > available.get(d, 0)]
        if not starved:
            planned.update(shares)
            break
        for d in starved:
            planned[d] = available.get(d, 0)
            seats -= planned[d]
            del active[d]
    return {d: planned.get(d, 0) for d in weights}


@dataclass(frozen=True)
class DomainPlan:
    """One domain of a mock exam: its weight share before and after capping by the bank."""

    domain: str
    weight: float
    target: int
    planned: int
    available: int


@dataclass(frozen=True)
class ExamPlan:
    """A mock exam: question ids in exam order, per-domain counts and a shortfall note."""

    question_ids: tuple[str, ...]
    size: int
    domains: tuple[DomainPlan, ...]
    shortfall: str


def _shortfall_note(size: int, plans: list[DomainPlan]) -> str:
    starved = [p for p in plans if p.planned < p.target]
    total = sum(p.planned for p in plans)
    notes = [
        f"{p.domain}: {p.target} by weight but only {p.available} in the bank" for p in starved
    ]
    if starved and total == size:
        notes.append("the difference was given to the other domains by weight")
    if total < size:
        notes.append(f"the bank has only {total} questions in weighted domains, not {size}")
    return "; ".join(notes) + "." if notes else ""


def assemble_exam(bank: Bank, size: int, weights: Mapping[str, float], seed: int) -> ExamPlan:
    """Pick `size` questions across domains in proportion to `weights` (largest remainder),
    drawing within each domain at random by `seed`; the exam order is shuffled too."""
    _check_known("domain", set(weights), DOMAIN_IDS)
    if size < 1:
        raise QuizError(f"An exam needs at least 1 question; got size {size}.")
    if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise QuizError("Domain weights must be zero or more and add up to more than zero.")
    ordered = {d: weights[d] for d in DOMAIN_IDS if d in weights}
    pools = {d: [q.id for q in bank.questions.values() if q.domain == d] for d in ordered}
    available = {d: len(pool) for d, pool in pools.items()}
    targets = largest_remainder(size, {d: w for d, w in ordered.items() if w > 0})
    planned = _apportion(size, ordered, available)
    rng = random.Random(seed)
    chosen = [qid for d in ordered for qid in rng.sample(pools[d], planned[d])]
    rng.shuffle(chosen)
    plans = [
        DomainPlan(d, float(w), targets.get(d, 0), planned[d], available[d])
        for d, w in ordered.items()
    ]
    return ExamPlan(tuple(chosen), size, tuple(plans), _shortfall_note(size, plans))


@dataclass(frozen=True)
class Tally:
    """One row of a results table: questions asked, answered and right for one group."""

    key: str
    questions: int
    answered: int
    correct: int

    @property
    def percent(self) -> float:
        return 100.0 * self.correct / self.questions if self.questions else 0.0


@dataclass(frozen=True)
class ExamReport:
    """A scored mock exam; `estimate_basis` states what `passed_estimate` does and cannot mean."""

    questions: int
    answered: int
    unanswered: int
    correct: int
    percent: float
    by_domain: tuple[Tally, ...]
    by_topic: tuple[Tally, ...]
    wrong: tuple[Graded, ...]
    passing_score: float | None
    passed_estimate: bool | None
    estimate_basis: str

    @property
    def passing_percent(self) -> float | None:
        """The raw percent correct compared with the passing score; None without that fact."""
        return None if self.passing_score is None else _passing_percent(self.passing_score)


def _tallies(
    keys: list[str], graded: list[Graded], answered: list[bool], order: tuple[str, ...]
) -> tuple[Tally, ...]:
    rows: dict[str, tuple[int, int, int]] = {}
    for key, result, was_answered in zip(keys, graded, answered, strict=True):
        asked, answers, right = rows.get(key, (0, 0, 0))
        rows[key] = (asked + 1, answers + was_answered, right + result.correct)
    rank = {k: i for i, k in enumerate(order)}  # table rows in course order, unknown keys last
    return tuple(Tally(k, *rows[k]) for k in sorted(rows, key=lambda k: (rank.get(k, 99), k)))


def _passing_percent(score: float) -> float:
    # The scaled pass mark read as a raw percentage: a rough guide, as estimate_basis says.
    return 100.0 * score / SCALED_SCORE_MAX


def _passing(percent: float) -> tuple[float | None, bool | None, str]:
    score = _optional_number(PASSING_SCORE_FACT)
    if score is None:
        return None, None, f"No pass estimate: {PASSING_SCORE_FACT} is not in the facts table."
    threshold = _passing_percent(score)
    basis = (
        f"Rough guide only: AWS reports a scaled score and passes at {score:g}/{SCALED_SCORE_MAX}, "
        "but how raw answers map to that scale is not public; this compares your raw "
        f"{percent:.1f}% correct with {threshold:g}% ({score:g}/{SCALED_SCORE_MAX})."
    )
    return score, percent >= threshold, basis


def score_exam(
    bank: Bank, question_ids: Iterable[str], answers: Mapping[str, Iterable[int]]
) -> ExamReport:
    """Score an exam: overall, by domain and by topic; an unanswered question counts as wrong."""
    ids = list(question_ids)
    unknown = sorted({i for i in ids if i not in bank.questions})
    if unknown:
        raise AnswerError(f"Not in the question bank: {', '.join(unknown)}.")
    if not ids or len(set(ids)) != len(ids):
        raise QuizError("An exam needs at least one question and no question twice.")
    stray = sorted(set(answers) - set(ids))
    if stray:
        raise AnswerError(f"Answers given for questions not in this exam: {', '.join(stray)}.")
    questions = [bank.questions[i] for i in ids]
    picks = {i: frozenset(answers.get(i, ())) for i in ids}
    answered = [bool(picks[q.id]) for q in questions]
    graded = [grade(q, picks[q.id]) for q in questions]
    correct = sum(g.correct for g in graded)
    percent = 100.0 * correct / len(ids)
    score, passed, basis = _passing(percent)
    return ExamReport(
        questions=len(ids),
        answered=sum(answered),
        unanswered=len(ids) - sum(answered),
        correct=correct,
        percent=percent,
        by_domain=_tallies([q.domain for q in questions], graded, answered, DOMAIN_IDS),
        by_topic=_tallies([q.topic for q in questions], graded, answered, course.TOPIC_IDS),
        wrong=tuple(g for g in graded if not g.correct),
        passing_score=score,
        passed_estimate=passed,
        estimate_basis=basis,
    )
