"""Practice queues, grading, Leitner review, mock exams and the Anki export."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime, timedelta

import pytest

from lessons import facts
from lessons.errors import LabError
from lessons.quiz.anki import COLUMNS, export_anki_tsv
from lessons.quiz.bank import Bank, Choice, Question, load_bank
from lessons.quiz.domains import DOMAIN_IDS
from lessons.quiz.engine import (
    LEITNER_INTERVALS_DAYS,
    PASSING_SCORE_FACT,
    WEIGHT_FACTS,
    AnswerError,
    NoQuestionsError,
    QuizError,
    assemble_exam,
    due,
    equal_or_sourced_weights,
    exam_size,
    exam_weights,
    fill_weights,
    grade,
    largest_remainder,
    practice_queue,
    schedule,
    score_exam,
    shuffled_choices,
)
from lessons.text import Text

DAY0 = date(2025, 3, 1)
WEIGHTS = {"ingestion": 34, "store": 26, "operations": 22, "security": 18}


def make_question(
    qid: str,
    topic: str = "streams",
    domain: str = "ingestion",
    right: tuple[int, ...] = (0,),
    options: int = 4,
    stem: str | None = None,
) -> Question:
    choices = tuple(
        Choice(Text(f"option {i}", f"보기 {i}"), i in right, Text(f"why {i}", f"이유 {i}"))
        for i in range(options)
    )
    return Question(
        id=qid, topic=topic, lesson="02-kinesis-vs-firehose", domain=domain, difficulty="easy",
        type="single" if len(right) == 1 else "multiple", objective="test", facts=(),
        stem=Text(stem or f"Stem of {qid}?", f"{qid} 질문?"), choices=choices, file="t.yaml",
    )  # fmt: skip


def make_bank(*questions: Question) -> Bank:
    return Bank({q.id: q for q in questions})


def domain_bank(counts: dict[str, int]) -> Bank:
    return make_bank(
        *(make_question(f"{d}.{i}", domain=d) for d, n in counts.items() for i in range(n))
    )


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank()


SMALL = make_bank(
    make_question("streams.a", domain="ingestion"),
    make_question("streams.b", domain="operations", right=(1, 2)),
    make_question("lake.c", topic="lake", domain="store", right=(3,)),
    make_question("lake.d", topic="lake", domain="security"),
)


# --- practice queue -------------------------------------------------------------------------


def test_queue_filters_by_topic_and_domain(bank: Bank) -> None:
    streams = {q.id for q in bank.for_topic("streams")}
    assert set(practice_queue(bank, topics="streams")) == streams
    assert set(practice_queue(bank, topics=["streams", "lake"])) == streams | {
        q.id for q in bank.for_topic("lake")
    }
    both = set(practice_queue(bank, topics=["streams"], domains=["ingestion"]))
    assert both == {q for q in streams if bank.questions[q].domain == "ingestion"}
    assert sorted(practice_queue(bank)) == sorted(bank.questions)
    assert practice_queue(SMALL, domains="store") == ["lake.c"]


def test_queue_is_seeded(bank: Bank) -> None:
    assert practice_queue(bank, seed=7) == practice_queue(bank, seed=7)
    assert practice_queue(bank, seed=7) != practice_queue(bank, seed=8)
    assert practice_queue(bank, seed=7) != list(bank.questions)  # shuffled, not bank order


def test_queue_errors_name_valid_values_or_the_empty_filter() -> None:
    with pytest.raises(QuizError, match=r"Unknown topic.*kafka.*valid: dataset, streams"):
        practice_queue(SMALL, topics=["kafka"])
    with pytest.raises(QuizError, match=r"Unknown domain.*storage.*valid: ingestion, store"):
        practice_queue(SMALL, domains="storage")
    with pytest.raises(NoQuestionsError, match="No questions for topic search"):
        practice_queue(SMALL, topics="search")
    with pytest.raises(LabError, match="No questions for topic lake and domain operations"):
        practice_queue(SMALL, topics="lake", domains="operations")


# --- options and grading --------------------------------------------------------------------


def test_shuffled_choices_is_a_seeded_permutation(bank: Bank) -> None:
    question = next(q for q in bank.questions.values() if len(q.choices) >= 4)
    order = shuffled_choices(question, seed=3)
    assert sorted(order) == list(range(len(question.choices)))
    assert order == shuffled_choices(question, seed=3)
    assert len({tuple(shuffled_choices(question, s)) for s in range(20)}) > 1
    # One session seed still gives different questions different orders.
    assert len({tuple(shuffled_choices(q, 3)) for q in bank.questions.values()}) > 1


def test_grade_is_all_or_nothing() -> None:
    multi = SMALL.questions["streams.b"]  # right: 1 and 2
    assert grade(multi, [2, 1]).correct
    assert not grade(multi, [1]).correct
    assert not grade(multi, [0, 1, 2]).correct
    assert not grade(multi, []).correct
    graded = grade(multi, [0, 1])
    assert graded.right == frozenset({1, 2}) and graded.picked == frozenset({0, 1})
    assert [(o.right, o.picked) for o in graded.options] == [
        (False, True), (True, True), (True, False), (False, False),
    ]  # fmt: skip
    assert graded.options[2].why.en == "why 2"


@pytest.mark.parametrize("bad", [[4], [-1], [0, 9]])
def test_grade_rejects_out_of_range_options(bad: list[int]) -> None:
    with pytest.raises(AnswerError, match=r"streams.a has options 0-3"):
        grade(SMALL.questions["streams.a"], bad)


# --- Leitner review -------------------------------------------------------------------------


def test_leitner_moves_up_one_box_per_right_answer_and_caps() -> None:
    history, day = [], DAY0
    for expected_box in (2, 3, 4, 5, 5):
        history.append(("q", day, True))
        state = schedule(history)["q"]
        assert state.box == expected_box
        assert state.last_answered == day
        assert state.due == day + timedelta(days=LEITNER_INTERVALS_DAYS[expected_box - 1])
        day = state.due


def test_leitner_wrong_answer_resets_to_box_one() -> None:
    days = [DAY0 + timedelta(days=n) for n in (0, 2, 6, 7)]
    history = [("q", days[0], True), ("q", days[1], True), ("q", days[2], False)]
    state = schedule(history)["q"]
    assert (state.box, state.due) == (1, days[2] + timedelta(days=1))
    assert schedule([*history, ("q", days[3], True)])["q"].box == 2


def test_leitner_sorts_history_and_counts_one_step_per_day() -> None:
    history = [("q", DAY0 + timedelta(days=n), ok) for n, ok in [(0, True), (1, True), (3, False)]]
    shuffled = history[:]
    random.Random(1).shuffle(shuffled)
    assert schedule(shuffled) == schedule(history)
    assert schedule(reversed(history))["q"].box == 1
    same_day = [("r", DAY0, True)] * 5
    assert schedule(same_day)["r"].box == 2
    assert schedule([("r", DAY0, False), ("r", DAY0, True)])["r"].box == 1
    assert schedule([("r", datetime(2025, 3, 1, 9, 30), True)])["r"].last_answered == DAY0


def test_due_orders_most_overdue_then_lower_box() -> None:
    history = [
        ("late", DAY0, False),  # box 1, due DAY0+1
        ("old", DAY0, True),  # box 2, due DAY0+2: more overdue beats a lower box
        ("box2", DAY0 + timedelta(days=1), True),  # box 2, due DAY0+3
        ("box1", DAY0 + timedelta(days=2), False),  # box 1, due DAY0+3
        ("fresh", DAY0 + timedelta(days=3), True),  # box 2, due DAY0+5: not yet
    ]
    today = DAY0 + timedelta(days=3)
    assert due(history, today) == ["late", "old", "box1", "box2"]
    assert due(history, DAY0) == []
    assert "fresh" in due(history, today + timedelta(days=2))


# --- mock exam ------------------------------------------------------------------------------


def test_largest_remainder_apportionment() -> None:
    assert largest_remainder(50, WEIGHTS) == {
        "ingestion": 17, "store": 13, "operations": 11, "security": 9,
    }  # fmt: skip
    # Quotas 3.4, 2.6, 2.2, 1.8: floors give 8, the two largest remainders get the rest.
    assert largest_remainder(10, WEIGHTS) == {
        "ingestion": 3, "store": 3, "operations": 2, "security": 2,
    }  # fmt: skip
    assert sum(largest_remainder(65, {"a": 1, "b": 1, "c": 1}).values()) == 65


def test_exam_takes_exact_weighted_counts_when_the_bank_allows() -> None:
    plan = assemble_exam(domain_bank(dict.fromkeys(DOMAIN_IDS, 30)), 50, WEIGHTS, seed=1)
    assert {p.domain: p.planned for p in plan.domains} == {
        "ingestion": 17, "store": 13, "operations": 11, "security": 9,
    }  # fmt: skip
    assert len(plan.question_ids) == len(set(plan.question_ids)) == 50
    assert all(p.available == 30 and p.target == p.planned for p in plan.domains)
    assert plan.shortfall == ""


def test_exam_redistributes_a_starved_domain_by_weight() -> None:
    bank = domain_bank({"ingestion": 20, "store": 20, "operations": 20, "security": 2})
    plan = assemble_exam(bank, 20, WEIGHTS, seed=4)
    by_domain = {p.domain: p for p in plan.domains}
    assert {d: p.target for d, p in by_domain.items()} == {
        "ingestion": 7, "store": 5, "operations": 4, "security": 4,
    }  # fmt: skip
    # Security gives its 2; the other 18 split 34:26:22 -> quotas 7.46, 5.71, 4.83.
    assert {d: p.planned for d, p in by_domain.items()} == {
        "ingestion": 7, "store": 6, "operations": 5, "security": 2,
    }  # fmt: skip
    assert len(plan.question_ids) == 20
    counted = {d: sum(q.startswith(d + ".") for q in plan.question_ids) for d in DOMAIN_IDS}
    assert counted == {d: p.planned for d, p in by_domain.items()}
    assert "security: 4 by weight but only 2 in the bank" in plan.shortfall


def test_exam_says_when_the_bank_is_too_small_and_skips_zero_weights() -> None:
    bank = domain_bank({"ingestion": 3, "store": 2, "operations": 9})
    plan = assemble_exam(bank, 10, {"ingestion": 1, "store": 1, "operations": 0}, seed=0)
    assert len(plan.question_ids) == 5
    assert not any(q.startswith("operations.") for q in plan.question_ids)
    assert "only 5 questions" in plan.shortfall


def test_exam_is_seeded_and_validated(bank: Bank) -> None:
    weights, _note = equal_or_sourced_weights()
    plan = assemble_exam(bank, 50, weights, seed=2)
    assert len(plan.question_ids) == 50  # the real bank has more than 50 questions
    assert plan == assemble_exam(bank, 50, weights, seed=2)
    assert plan.question_ids != assemble_exam(bank, 50, weights, seed=3).question_ids
    with pytest.raises(QuizError, match="Unknown domain"):
        assemble_exam(bank, 10, {"storage": 1}, seed=0)
    with pytest.raises(QuizError, match="at least 1 question"):
        assemble_exam(bank, 0, weights, seed=0)
    with pytest.raises(QuizError, match="weights"):
        assemble_exam(bank, 10, {"store": 0}, seed=0)


def test_exam_weights_come_from_facts_and_report_the_missing() -> None:
    found, missing = exam_weights()
    assert set(found) | {d for d, f in WEIGHT_FACTS.items() if f in missing} == set(DOMAIN_IDS)
    for domain_id, weight in found.items():
        assert weight == facts.number(WEIGHT_FACTS[domain_id])
    weights, note = equal_or_sourced_weights()
    assert set(weights) == set(DOMAIN_IDS)
    assert ("stand-in" in note) == bool(missing)
    size = exam_size()
    assert size is None or size > 0


def test_fill_weights_splits_the_rest_equally_and_says_so() -> None:
    weights, note = fill_weights({"ingestion": 34})
    assert weights["ingestion"] == 34
    assert all(weights[d] == pytest.approx(22) for d in ("store", "operations", "security"))
    assert "store, operations, security" in note and "stand-in" in note
    full, note = fill_weights(WEIGHTS)
    assert full == WEIGHTS and "stand-in" not in note


# --- exam report ----------------------------------------------------------------------------


def test_score_exam_tables_and_wrong_list() -> None:
    ids = ["streams.a", "streams.b", "lake.c", "lake.d"]
    answers = {"streams.a": [0], "streams.b": [1], "lake.c": [3]}  # lake.d unanswered
    report = score_exam(SMALL, ids, answers)
    assert (report.questions, report.answered, report.unanswered) == (4, 3, 1)
    assert (report.correct, report.percent) == (2, 50.0)
    assert [(t.key, t.questions, t.answered, t.correct) for t in report.by_domain] == [
        ("ingestion", 1, 1, 1), ("store", 1, 1, 1),
        ("operations", 1, 1, 0), ("security", 1, 0, 0),
    ]  # fmt: skip
    assert [(t.key, t.answered, t.correct, t.percent) for t in report.by_topic] == [
        ("streams", 2, 1, 50.0), ("lake", 1, 1, 50.0),
    ]  # fmt: skip
    assert [w.question_id for w in report.wrong] == ["streams.b", "lake.d"]
    assert report.wrong[0].right == frozenset({1, 2})
    assert [o.why.en for o in report.wrong[0].options if o.right] == ["why 1", "why 2"]


def test_pass_estimate_is_a_stated_rough_guide() -> None:
    passing = facts.number(PASSING_SCORE_FACT)
    everything = {"streams.a": [0], "streams.b": [1, 2], "lake.c": [3], "lake.d": [0]}
    report = score_exam(SMALL, list(everything), everything)
    assert report.passing_score == passing and report.passed_estimate is True
    assert "not public" in report.estimate_basis and f"{passing:g}/1000" in report.estimate_basis
    assert score_exam(SMALL, list(everything), {}).passed_estimate is False


def test_score_exam_rejects_bad_input() -> None:
    with pytest.raises(AnswerError, match="Not in the question bank: nope"):
        score_exam(SMALL, ["streams.a", "nope"], {})
    with pytest.raises(AnswerError, match=r"not in this exam: lake\.c"):
        score_exam(SMALL, ["streams.a"], {"lake.c": [0]})
    with pytest.raises(AnswerError, match="options 0-3"):
        score_exam(SMALL, ["streams.a"], {"streams.a": [7]})
    with pytest.raises(QuizError, match="no question twice"):
        score_exam(SMALL, ["streams.a", "streams.a"], {})


# --- Anki export ----------------------------------------------------------------------------


def anki_rows(text: str) -> list[list[str]]:
    body = "".join(line for line in io.StringIO(text) if not line.startswith("#"))
    return list(csv.reader(io.StringIO(body), delimiter="\t"))


def test_anki_export_has_one_row_per_question(bank: Bank) -> None:
    text = export_anki_tsv(bank)
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert header[:2] == ["#separator:tab", "#html:true"]
    assert f"#tags column:{COLUMNS.index('Tags') + 1}" in header
    rows = anki_rows(text)
    assert len(rows) == len(bank)
    assert all(len(row) == len(COLUMNS) for row in rows)
    assert len({row[0] for row in rows}) == len(bank)  # guids are unique
    lake = anki_rows(export_anki_tsv(bank, lang="ko", topic="lake"))
    assert len(lake) == len(bank.for_topic("lake"))
    assert all("topic::lake" in row[3].split() for row in lake)


def test_anki_escapes_html_and_keeps_rows_whole() -> None:
    nasty = make_question(
        "streams.x", right=(1, 2), stem='Is <script>alert("x")</script>\ta\nb "ok"?'
    )
    rows = anki_rows(export_anki_tsv(make_bank(nasty, SMALL.questions["lake.c"])))
    assert len(rows) == 2 and all(len(row) == 4 for row in rows)
    front, back, tags = rows[0][1:]
    assert "<script>" not in front and "&lt;script&gt;" in front and "&quot;x&quot;" in front
    # Options appear in the fixed per-question shuffle; the answer letters follow that order.
    order = shuffled_choices(nasty, seed=0)
    letters = ", ".join("ABCD"[pos] for pos, i in enumerate(order) if i in (1, 2))
    assert "a<br>b" in front and f"<b>{'ABCD'[order.index(1)]}.</b> option 1" in front
    assert back.startswith(f"<b>Answer: {letters}</b>") and "why 3" in back
    assert tags.split() == ["topic::streams", "domain::ingestion", "lesson::02-kinesis-vs-firehose"]


def test_anki_export_errors() -> None:
    with pytest.raises(LabError, match="Unknown language"):
        export_anki_tsv(SMALL, lang="fr")
    with pytest.raises(LabError, match="Unknown topic"):
        export_anki_tsv(SMALL, topic="kafka")
    with pytest.raises(LabError, match="No questions for topic search"):
        export_anki_tsv(SMALL, topic="search")
