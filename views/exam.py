"""Timed mock exam: drawn by exam-domain weight, no feedback until the end, then a report."""

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from lessons.quiz import engine
from lessons.quiz.mock import MockExam
from views.common import lang, learner_name, store, tr
from views.quizui import LETTERS, bank, choose, group_title


def weights_note(weights: dict[str, float]) -> str:
    """Which domain weights are AWS's (from the facts table) and which are the equal stand-in."""
    found, _missing = engine.exam_weights()
    sourced = ", ".join(f"{group_title(d)} {w:g}%" for d, w in found.items())
    missing = [d for d in weights if d not in found]
    if not missing:
        return tr("exam.weights_sourced").format(sourced=sourced)
    each = weights[missing[0]]
    return tr("exam.weights_standin").format(
        sourced=sourced or tr("exam.weights_none"),
        missing=", ".join(group_title(d) for d in missing),
        rest=each * len(missing),
        each=each,
    )


def basis(result: engine.ExamReport) -> str:
    """What the pass estimate compares, and why it is only a rough guide."""
    if result.passing_percent is None:
        return tr("exam.no_estimate").format(fact=engine.PASSING_SCORE_FACT)
    return tr("exam.estimate_basis").format(
        score=result.passing_score,
        scale=engine.SCALED_SCORE_MAX,
        percent=result.percent,
        threshold=result.passing_percent,
    )


def setup() -> None:
    weights, _note = engine.equal_or_sourced_weights()
    st.write(tr("exam.intro"))
    st.caption(weights_note(weights))
    left, right = st.columns(2)
    size = left.slider(tr("exam.size"), 5, min(65, len(bank())), min(20, len(bank())))
    minutes = right.slider(tr("exam.minutes"), 5, 180, size * 2)
    if st.button(tr("exam.start"), type="primary"):
        now = datetime.now(UTC)
        st.session_state["exam"] = MockExam.start(bank(), size, minutes, weights,
                                                  seed=int(now.timestamp()), now=now)  # fmt: skip
        st.rerun()


def ask(exam: MockExam, now: datetime) -> None:
    ids = exam.question_ids
    position = st.session_state.setdefault("exam-pos", 0)
    question = bank().questions[ids[position]]
    left, right = st.columns([3, 1])
    left.caption(f"{position + 1} / {len(ids)} · {len(exam.answers)} {tr('exam.answered')} · "
                 f"{len(exam.flagged)} {tr('exam.flagged')}")  # fmt: skip
    right.caption(f"{tr('exam.left')}: {str(exam.remaining(now)).split('.')[0]}")
    st.container(border=True).markdown(question.stem.get(lang()))
    order = engine.shuffled_choices(question, seed=position)
    kept = exam.answers.get(question.id, ())
    picked = choose(question, order, key=f"exam-{position}", kept=kept)
    exam.answer(question.id, picked, now)
    if st.checkbox(tr("exam.flag"), value=question.id in exam.flagged, key=f"flag-{position}") != (
        question.id in exam.flagged
    ):
        exam.toggle_flag(question.id)
    back, forward, done = st.columns(3)
    if back.button(tr("exam.previous"), disabled=position == 0):
        st.session_state["exam-pos"] = position - 1
        st.rerun()
    if forward.button(tr("exam.next"), disabled=position == len(ids) - 1):
        st.session_state["exam-pos"] = position + 1
        st.rerun()
    if done.button(tr("exam.finish"), type="primary"):
        exam.finish(now)
        st.rerun()


def tally_table(tallies: tuple[engine.Tally, ...]) -> pd.DataFrame:
    """A results table with its group names and headers in the learner's language."""
    return pd.DataFrame(
        [{tr("exam.col.group"): group_title(t.key), tr("exam.col.questions"): t.questions,
          tr("exam.col.answered"): t.answered, tr("exam.col.correct"): t.correct,
          tr("exam.col.percent"): round(t.percent)} for t in tallies]
    )  # fmt: skip


def report(exam: MockExam, user: str) -> None:
    result = exam.report(bank())
    if not st.session_state.get("exam-recorded"):
        for question_id in exam.question_ids:
            picked = exam.answers.get(question_id, ())
            correct = bank().questions[question_id].is_correct(picked)
            if picked:
                store().record(user, question_id, picked, correct, "exam", exam.finished_at
                               or datetime.now(UTC))  # fmt: skip
        st.session_state["exam-recorded"] = True
    # The right/asked count is not a change: no green arrow, which would read as "up".
    st.metric(tr("exam.score"), f"{result.percent:.0f}%", f"{result.correct}/{result.questions}",
              delta_color="off", delta_arrow="off")  # fmt: skip
    st.caption(basis(result))
    for title, tallies in ((tr("quiz.domains"), result.by_domain), (tr("quiz.topics"),
                                                                    result.by_topic)):  # fmt: skip
        st.subheader(title)
        st.dataframe(tally_table(tallies), hide_index=True)
    st.subheader(tr("exam.wrong"))
    for graded in result.wrong:
        question = bank().questions[graded.question_id]
        with st.expander(question.stem.get(lang())[:120]):
            for option in graded.options:
                mark = "✓" if option.right else "✗"
                st.markdown(f"**{LETTERS[option.index]} {mark}** "
                            f"{question.choices[option.index].text.get(lang())} — "
                            f"{option.why.get(lang())}")  # fmt: skip
    if st.button(tr("exam.again")):
        for key in [k for k in st.session_state if str(k).startswith("exam")]:
            del st.session_state[key]
        st.rerun()


st.title(tr("nav.exam"))
user = learner_name()
if user is not None:
    current: MockExam | None = st.session_state.get("exam")
    moment = datetime.now(UTC)
    if current is None:
        setup()
    elif current.is_over(moment):
        current.finish(moment)
        report(current, user)
    else:
        ask(current, moment)
