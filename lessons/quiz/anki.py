"""Export the bank as a tab-separated file that Anki imports directly (File → Import).

One note per question: a stable guid (so re-importing updates notes instead of duplicating them),
the front (stem and lettered options), the back (the right letters and every option's
explanation) and tags. The `#` header lines tell Anki (2.1.55+) the separator, that fields are
HTML and which columns hold the guid and the tags, so the import dialog needs no settings.
"""

from __future__ import annotations

import html
import re
from string import ascii_uppercase

from lessons import course
from lessons.errors import LabError
from lessons.quiz.bank import Bank, Question
from lessons.quiz.engine import shuffled_choices
from lessons.text import LANGUAGES

COLUMNS = ("guid", "Front", "Back", "Tags")
GUID_PREFIX = "pipeline-lab:"
HEADER = (
    "#separator:tab",
    "#html:true",
    f"#guid column:{COLUMNS.index('guid') + 1}",
    f"#tags column:{COLUMNS.index('Tags') + 1}",
    "#columns:" + "\t".join(COLUMNS),
)
_WORDS = {
    "en": {"single": "Choose one.", "multiple": "Choose all that apply.", "answer": "Answer",
           "correct": "correct", "wrong": "wrong"},
    "ko": {"single": "하나를 고르세요.", "multiple": "해당하는 것을 모두 고르세요.",
           "answer": "답", "correct": "정답", "wrong": "오답"},
}  # fmt: skip


class AnkiExportError(LabError):
    """An export request that cannot be met (unknown language or topic, nothing to export)."""


def _field(text: str) -> str:
    """Plain text as one HTML field: escaped, and line breaks as <br> so a row stays a row."""
    escaped = html.escape(text, quote=True)  # no raw quote left, so no CSV-style quoting is needed
    escaped = escaped.replace("\t", " ")
    return re.sub(r"\r\n|\r|\n", "<br>", escaped)


def _tag(kind: str, value: str) -> str:
    # Anki separates tags with spaces; `::` makes a hierarchy it shows as a tree.
    return f"{kind}::" + re.sub(r"\s+", "_", value.strip())


def _order(question: Question) -> list[int]:
    # A fixed per-question shuffle: authors tend to write the right option first.
    return shuffled_choices(question, seed=0)


def _front(question: Question, lang: str) -> str:
    words = _WORDS[lang]
    options = "<br>".join(
        f"<b>{ascii_uppercase[pos]}.</b> {_field(question.choices[i].text.get(lang))}"
        for pos, i in enumerate(_order(question))
    )
    kind = words["single" if question.type == "single" else "multiple"]
    return f"{_field(question.stem.get(lang))}<br><i>{kind}</i><br><br>{options}"


def _back(question: Question, lang: str) -> str:
    words = _WORDS[lang]
    shown = [question.choices[i] for i in _order(question)]
    letters = ", ".join(ascii_uppercase[pos] for pos, c in enumerate(shown) if c.correct)
    reasons = "<br>".join(
        f"<b>{ascii_uppercase[pos]} — {words['correct' if c.correct else 'wrong']}.</b> "
        f"{_field(c.why.get(lang))}"
        for pos, c in enumerate(shown)
    )
    return f"<b>{words['answer']}: {letters}</b><br><br>{reasons}"


def note_row(question: Question, lang: str = "en") -> list[str]:
    """The fields of one Anki note, in COLUMNS order."""
    tags = " ".join(
        _tag(kind, value)
        for kind, value in (
            ("topic", question.topic),
            ("domain", question.domain),
            ("lesson", question.lesson),
        )
    )
    return [GUID_PREFIX + question.id, _front(question, lang), _back(question, lang), tags]


def export_anki_tsv(bank: Bank, lang: str = "en", topic: str | None = None) -> str:
    """The whole bank (or one topic) as Anki import text, in bank order."""
    if lang not in LANGUAGES:
        raise AnkiExportError(f"Unknown language {lang!r}; valid: {', '.join(LANGUAGES)}.")
    if topic is not None and topic not in course.TOPIC_IDS:
        raise AnkiExportError(f"Unknown topic {topic!r}; valid: {', '.join(course.TOPIC_IDS)}.")
    questions = [q for q in bank.questions.values() if topic is None or q.topic == topic]
    if not questions:
        raise AnkiExportError(f"No questions for {f'topic {topic}' if topic else 'this bank'}.")
    rows = ["\t".join(note_row(q, lang)) for q in questions]
    return "\n".join([*HEADER, *rows]) + "\n"
