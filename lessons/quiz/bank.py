"""The question bank: YAML files in quizzes/, validated as a whole.

Question text never types an AWS number: it writes `{{fact:<id>}}` (value with unit) or
`{{value:<id>}}` (bare value), filled in from the facts table when the bank loads, so a quiz
and the facts table cannot disagree. Loading reports every problem, each with file and
question id, and returns nothing half-loaded.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

from lessons import course, facts
from lessons.errors import BankError, LabError
from lessons.paths import QUIZZES_DIR
from lessons.quiz.checks import check_problem
from lessons.text import LANGUAGES, Text

SCHEMA_FILE = "schema.json"
PLACEHOLDER = re.compile(r"\{\{\s*(fact|value)\s*:\s*([a-z0-9_.]+)\s*\}\}")
LANGS = LANGUAGES


@dataclass(frozen=True)
class Choice:
    text: Text
    correct: bool
    why: Text


@dataclass(frozen=True)
class Question:
    """One exam-style question; `choices` keep their authored order (shuffling is the UI's)."""

    id: str
    topic: str
    lesson: str
    domain: str
    difficulty: str
    type: str
    objective: str
    facts: tuple[str, ...]
    stem: Text
    choices: tuple[Choice, ...]
    file: str

    @property
    def correct(self) -> frozenset[int]:
        """Indices of the correct choices."""
        return frozenset(i for i, c in enumerate(self.choices) if c.correct)

    def is_correct(self, picked: Iterable[int]) -> bool:
        """All-or-nothing, as on the exam: exactly the correct set."""
        return frozenset(picked) == self.correct


@dataclass(frozen=True)
class Bank:
    """Every question, by id, in file then authored order."""

    questions: dict[str, Question]

    def __len__(self) -> int:
        return len(self.questions)

    def for_lesson(self, lesson_id: str) -> list[Question]:
        return [q for q in self.questions.values() if q.lesson == lesson_id]

    def for_topic(self, topic_id: str) -> list[Question]:
        return [q for q in self.questions.values() if q.topic == topic_id]

    def by_domain(self) -> Counter[str]:
        return Counter(q.domain for q in self.questions.values())


def _schema(folder: Path) -> dict:
    return json.loads((folder / SCHEMA_FILE).read_text(encoding="utf-8"))


def _fill(text: str, allowed: set[str], where: str, problems: list[str]) -> str:
    """Replace fact placeholders; unknown or unlisted fact ids become problems."""

    def substitute(match: re.Match[str]) -> str:
        kind, fact_id = match.groups()
        if fact_id not in allowed:
            problems.append(
                f"{where}: placeholder {{{{{kind}:{fact_id}}}}} is not in its facts list"
            )
        try:
            found = facts.fact(fact_id)
        except LabError:
            return match.group(0)
        return (
            found.display()
            if kind == "fact"
            else f"{found.value:,}"
            if isinstance(found.value, int)
            else str(found.value)
        )

    return PLACEHOLDER.sub(substitute, text)


def _text(raw: dict, allowed: set[str], where: str, problems: list[str]) -> Text:
    return Text(**{lang: _fill(raw[lang], allowed, where, problems) for lang in LANGS})


def _semantic_problems(raw: dict, where: str, known_facts: set[str]) -> list[str]:
    problems = []
    n_correct = sum(1 for c in raw["choices"] if c["correct"])
    if raw["type"] == "single" and n_correct != 1:
        problems.append(f"{where}: a single-answer question needs exactly 1 correct option")
    if raw["type"] == "multiple" and not 2 <= n_correct < len(raw["choices"]):
        problems.append(
            f"{where}: a multiple-answer question needs 2+ correct and 1+ wrong options"
        )
    problems += [f"{where}: unknown fact id {f!r}" for f in raw["facts"] if f not in known_facts]
    lesson_ids = {lesson.id for lesson in course.lessons()}
    if raw["lesson"] not in lesson_ids:
        problems.append(f"{where}: unknown lesson {raw['lesson']!r} (see notebooks/_toc.yml)")
    if "check" in raw and n_correct == 1:
        correct = next(c["text"]["en"] for c in raw["choices"] if c["correct"])
        problem = check_problem(raw["check"]["expression"], set(raw["facts"]), correct)
        if problem:
            problems.append(f"{where}: {problem}")
    texts = [c["text"]["en"].strip().lower() for c in raw["choices"]]
    if len(set(texts)) != len(texts):
        problems.append(f"{where}: two options have the same English text")
    return problems


def _question(raw: dict, topic: str, file: str, problems: list[str]) -> Question:
    where = f"{file} {raw['id']}"
    allowed = set(raw["facts"])
    choices = tuple(
        Choice(
            text=_text(c["text"], allowed, f"{where} option {i + 1}", problems),
            correct=c["correct"],
            why=_text(c["why"], allowed, f"{where} option {i + 1} why", problems),
        )
        for i, c in enumerate(raw["choices"])
    )
    return Question(
        id=raw["id"], topic=topic, lesson=raw["lesson"], domain=raw["domain"],
        difficulty=raw["difficulty"], type=raw["type"], objective=raw["objective"],
        facts=tuple(raw["facts"]), stem=_text(raw["stem"], allowed, where, problems),
        choices=choices, file=file,
    )  # fmt: skip


def _load_file(path: Path, validator: jsonschema.Validator, problems: list[str]) -> list[Question]:
    name = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(f"{name}: not readable YAML ({exc.__class__.__name__}: {exc})")
        return []
    errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.absolute_path))
    if errors:
        for error in errors:
            problems.append(f"{name} {_locate(raw, error.absolute_path)}: {error.message}")
        return []
    if raw["topic"] not in course.TOPIC_IDS:
        problems.append(f"{name}: unknown topic {raw['topic']!r}")
    prefix = raw["topic"] + "."
    known_facts = set(facts.all_facts())
    loaded = []
    for item in raw["questions"]:
        where = f"{name} {item['id']}"
        if not item["id"].startswith(prefix):
            problems.append(f"{where}: id must start with the file's topic ({prefix})")
        problems += _semantic_problems(item, where, known_facts)
        loaded.append(_question(item, raw["topic"], name, problems))
    return loaded


def _locate(raw: object, path: Iterable[object]) -> str:
    """Name the question (by id when it has one) and the field where a schema error sits."""
    steps = list(path)
    if len(steps) >= 2 and steps[0] == "questions" and isinstance(raw, dict):
        question = raw["questions"][steps[1]]
        name = question.get("id") if isinstance(question, dict) else None
        rest = "/".join(str(s) for s in steps[2:])
        return f"{name or f'question #{steps[1] + 1}'}" + (f" at {rest}" if rest else "")
    return "/".join(str(s) for s in steps) or "(file)"


def load_bank(folder: Path = QUIZZES_DIR) -> Bank:
    """Load and validate every quiz file in `folder`; BankError lists every problem found."""
    problems: list[str] = []
    try:
        validator = jsonschema.Draft202012Validator(_schema(folder))
    except (OSError, ValueError) as exc:
        raise BankError([f"{SCHEMA_FILE}: cannot read the quiz schema ({exc})"]) from exc
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise BankError([f"{folder}: no quiz files (*.yaml)"])
    questions: dict[str, Question] = {}
    for path in files:
        for question in _load_file(path, validator, problems):
            if question.id in questions:
                first = questions[question.id].file
                problems.append(f"{question.file} {question.id}: duplicate id (first in {first})")
            questions[question.id] = question
    if problems:
        raise BankError(problems)
    return Bank(questions)
