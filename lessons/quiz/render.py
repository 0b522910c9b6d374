"""Check-yourself questions rendered in place inside a notebook (never copied into it)."""

from __future__ import annotations

import html
from dataclasses import dataclass

from lessons import facts
from lessons.quiz.bank import Question, load_bank
from lessons.quiz.engine import shuffled_choices

_LETTERS = "ABCDEF"


@dataclass(frozen=True)
class CheckYourself:
    """Displays as HTML in Jupyter: each question with its answer and explanations folded."""

    questions: tuple[Question, ...]
    lang: str = "en"

    def _repr_html_(self) -> str:
        if not self.questions:
            return "<p><em>No questions for this lesson yet.</em></p>"
        return "\n".join(_question_html(i + 1, q, self.lang) for i, q in enumerate(self.questions))

    def __repr__(self) -> str:
        return "\n\n".join(
            f"{i + 1}. {q.stem.get(self.lang)}\n"
            + "\n".join(
                f"   {_LETTERS[pos]}. {q.choices[i].text.get(self.lang)}"
                for pos, i in enumerate(shuffled_choices(q, seed=0))
            )
            for i, q in enumerate(self.questions)
        )


def _question_html(number: int, question: Question, lang: str) -> str:
    esc = html.escape
    kind = "Choose one." if question.type == "single" else "Choose all that apply."
    if lang == "ko":
        kind = "하나를 고르세요." if question.type == "single" else "해당하는 것을 모두 고르세요."
    # Authors tend to write the right option first: show a fixed, per-question shuffle.
    shown = [question.choices[i] for i in shuffled_choices(question, seed=0)]
    options = "".join(f"<li>{esc(c.text.get(lang))}</li>" for c in shown)
    answers = "".join(
        f"<li><strong>{_LETTERS[j]} — {'correct' if c.correct else 'wrong'}.</strong> "
        f"{esc(c.why.get(lang))}</li>"
        for j, c in enumerate(shown)
    )
    sources = "".join(
        f'<li><a href="{esc(facts.fact(f).source)}">{esc(facts.fact(f).title)}</a> '
        f"(as of {facts.fact(f).as_of})</li>"
        for f in question.facts
    )
    return (
        f"<div class='pl-question'><p><strong>Q{number}.</strong> {esc(question.stem.get(lang))} "
        f"<em>{kind}</em></p><ol type='A'>{options}</ol>"
        f"<details><summary>Answer</summary><ol type='A' style='list-style:none'>{answers}</ol>"
        + (f"<p>Facts:</p><ul>{sources}</ul>" if sources else "")
        + "</details></div>"
    )


def check_yourself(lesson_id: str, lang: str = "en") -> CheckYourself:
    """The bank's questions for one lesson, ready to display in a notebook cell."""
    return CheckYourself(tuple(load_bank().for_lesson(lesson_id)), lang)
