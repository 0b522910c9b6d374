"""The quiz bank: the real bank validates, and malformed files are reported precisely."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml

from lessons import course, facts
from lessons.errors import BankError
from lessons.paths import QUIZZES_DIR
from lessons.quiz.bank import PLACEHOLDER, load_bank
from lessons.quiz.domains import DOMAIN_IDS

QUESTION = {
    "id": "streams.example",
    "lesson": "02-kinesis-vs-firehose",
    "domain": "ingestion",
    "difficulty": "easy",
    "type": "single",
    "objective": "Know the per-shard write limit",
    "facts": ["kinesis.shard_write_mb_per_s"],
    "stem": {"en": "How much can one shard take in: {{fact:kinesis.shard_write_mb_per_s}}?",
             "ko": "샤드 하나의 쓰기 한도는 {{fact:kinesis.shard_write_mb_per_s}}인가요?"},
    "choices": [
        {"text": {"en": "Yes", "ko": "예"}, "correct": True,
         "why": {"en": "Right.", "ko": "맞습니다."}},
        {"text": {"en": "No", "ko": "아니요"}, "correct": False,
         "why": {"en": "Wrong.", "ko": "틀렸습니다."}},
    ],
}  # fmt: skip


def bank_folder(tmp_path: Path, *questions: dict, topic: str = "streams") -> Path:
    shutil.copy(QUIZZES_DIR / "schema.json", tmp_path / "schema.json")
    (tmp_path / f"{topic}.yaml").write_text(
        yaml.safe_dump({"topic": topic, "questions": list(questions)}, allow_unicode=True)
    )
    return tmp_path


def problems_for(tmp_path: Path, *questions: dict) -> list[str]:
    with pytest.raises(BankError) as error:
        load_bank(bank_folder(tmp_path, *questions))
    return error.value.problems


def changed(**changes) -> dict:
    question = copy.deepcopy(QUESTION)
    question.update(changes)
    return question


def test_the_real_bank_validates_and_covers_both_languages() -> None:
    bank = load_bank()
    assert len(bank) >= 8
    for question in bank.questions.values():
        assert question.domain in DOMAIN_IDS
        assert course.lesson(question.lesson)
        for text in [question.stem, *[c.text for c in question.choices],
                     *[c.why for c in question.choices]]:  # fmt: skip
            assert text.en.strip() and text.ko.strip()
            assert not PLACEHOLDER.search(text.en + text.ko), "placeholders are filled in"


def test_the_real_bank_reads_numbers_from_the_facts_table() -> None:
    raw = "".join(p.read_text() for p in QUIZZES_DIR.glob("*.yaml"))
    assert "{{fact:" in raw or "{{value:" in raw


def test_placeholders_are_filled_from_the_facts_table(tmp_path: Path) -> None:
    bank = load_bank(bank_folder(tmp_path, QUESTION))
    stem = bank.questions["streams.example"].stem
    assert facts.fact("kinesis.shard_write_mb_per_s").display() in stem.en
    assert facts.fact("kinesis.shard_write_mb_per_s").display() in stem.ko


def test_grading_is_all_or_nothing(tmp_path: Path) -> None:
    question = load_bank(bank_folder(tmp_path, QUESTION)).questions["streams.example"]
    assert question.is_correct([0]) and not question.is_correct([0, 1])
    assert not question.is_correct([])


@pytest.mark.parametrize(
    "bad, expected",
    [
        (changed(type="single", choices=[{**QUESTION["choices"][0]}] * 2), "same English text"),
        (changed(choices=[{**QUESTION["choices"][0], "correct": False},
                          QUESTION["choices"][1]]), "exactly 1 correct"),
        (changed(type="multiple"), "2+ correct"),
        (changed(facts=["kinesis.nope"]), "unknown fact id 'kinesis.nope'"),
        (changed(lesson="99-nowhere"), "unknown lesson '99-nowhere'"),
        (changed(domain="marketing"), "'marketing' is not one of"),
        (changed(id="lake.example"), "must start with the file's topic"),
        (changed(facts=[]), "is not in its facts list"),
        (changed(stem={"en": "English only"}), "'ko' is a required property"),
    ],
)  # fmt: skip
def test_each_problem_is_reported_with_file_and_question_id(
    tmp_path: Path, bad: dict, expected: str
) -> None:
    problems = problems_for(tmp_path, bad)
    assert any(expected in p for p in problems), problems
    assert all(p.startswith("streams.yaml") for p in problems)
    assert any(bad["id"] in p for p in problems)


def test_duplicate_ids_and_every_problem_are_reported_together(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, QUESTION, QUESTION, changed(id="streams.other", facts=[]))
    assert any("duplicate id" in p for p in problems)
    assert any("streams.other" in p for p in problems)


def test_unreadable_yaml_is_a_clear_problem(tmp_path: Path) -> None:
    folder = bank_folder(tmp_path, QUESTION)
    (folder / "broken.yaml").write_text("topic: [unclosed\n")
    with pytest.raises(BankError, match=r"broken\.yaml: not readable YAML"):
        load_bank(folder)


def test_an_empty_folder_is_a_clear_problem(tmp_path: Path) -> None:
    shutil.copy(QUIZZES_DIR / "schema.json", tmp_path / "schema.json")
    with pytest.raises(BankError, match="no quiz files"):
        load_bank(tmp_path)


SIZED = changed(
    facts=["kinesis.shard_write_mb_per_s", "kinesis.shard_write_records_per_s"],
    check={"expression": "ceil(max(5000 * 1.5 / 1000 / fact('kinesis.shard_write_mb_per_s'), "
                         "5000 / fact('kinesis.shard_write_records_per_s')))"},
    stem={"en": "How many shards?", "ko": "샤드는 몇 개?"},
    choices=[
        {"text": {"en": "8 shards", "ko": "8개"}, "correct": True,
         "why": {"en": "Bytes decide.", "ko": "바이트 기준."}},
        {"text": {"en": "5 shards", "ko": "5개"}, "correct": False,
         "why": {"en": "Records only.", "ko": "레코드만."}},
    ],
)  # fmt: skip


def test_a_check_expression_recomputes_the_answer_from_the_facts(tmp_path: Path) -> None:
    assert len(load_bank(bank_folder(tmp_path, SIZED))) == 1


def test_a_stale_computed_answer_is_caught(tmp_path: Path, monkeypatch) -> None:
    real = facts.all_facts()
    raised = {**real, "kinesis.shard_write_mb_per_s": facts.Fact(
        **{**real["kinesis.shard_write_mb_per_s"].__dict__, "value": 2})}  # fmt: skip
    monkeypatch.setattr(facts, "all_facts", lambda: raised)
    problems = problems_for(tmp_path, SIZED)
    assert any("check computes 5 but the correct option says '8 shards'" in p for p in problems)


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("__import__('os').system('true')", "may not use"),
        ("fact('kinesis.shard_read_mb_per_s')", "not in the question's facts"),
        ("(1).__class__", "may not use"),
        ("1 +", "not valid"),
        ("1 / 0", "check failed"),
    ],
)
def test_check_expressions_only_do_arithmetic_on_listed_facts(
    tmp_path: Path, expression: str, expected: str
) -> None:
    problems = problems_for(tmp_path, {**SIZED, "check": {"expression": expression}})
    assert any(expected in p for p in problems), problems


def test_the_bank_covers_every_topic_and_each_domain_near_its_exam_weight() -> None:
    from lessons.quiz.engine import equal_or_sourced_weights

    bank = load_bank()
    assert len(bank) >= 150
    assert {q.topic for q in bank.questions.values()} == set(course.TOPIC_IDS)
    weights, _note = equal_or_sourced_weights()
    counts = bank.by_domain()
    for domain, weight in weights.items():
        share = 100 * counts[domain] / len(bank)
        assert abs(share - weight) <= 6, f"{domain}: {share:.0f}% of the bank vs {weight:.0f}%"
