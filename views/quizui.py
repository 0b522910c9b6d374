"""Question-asking widgets shared by the Practice and Review pages."""

from datetime import UTC, datetime

import streamlit as st

from lessons import course, facts
from lessons.quiz import engine
from lessons.quiz.bank import Question, load_bank
from lessons.quiz.domains import DOMAINS, domain
from views.common import lang, learner_name, store, tr

LETTERS = "ABCDEF"


@st.cache_resource
def bank():
    return load_bank()


def group_title(key: str) -> str:
    """A course topic's or an exam domain's title in the learner's language (ids are English)."""
    if key in course.TOPIC_IDS:
        return course.topic(key).title(lang())
    found = next((d for d in DOMAINS if d.id == key), None)
    return found.title.get(lang()) if found else key


def choose(question: Question, order: list[int], key: str, kept: tuple[int, ...] = ()) -> list[int]:
    """The learner's pick(s) as original option indices; `kept` pre-selects earlier picks."""
    labels = [f"{LETTERS[pos]}. {question.choices[i].text.get(lang())}" for pos, i in
              enumerate(order)]  # fmt: skip
    if question.type == "single":
        start = next((pos for pos, i in enumerate(order) if i in kept), None)
        picked = st.radio(tr("quiz.choose_one"), labels, index=start, key=key)
        return [order[labels.index(picked)]] if picked else []
    st.caption(tr("quiz.choose_all"))
    return [
        i
        for pos, i in enumerate(order)
        if st.checkbox(labels[pos], value=i in kept, key=f"{key}-{pos}")
    ]


def show_feedback(question: Question, graded: engine.Graded, order: list[int]) -> None:
    (st.success if graded.correct else st.error)(
        tr("quiz.right" if graded.correct else "quiz.wrong")
    )
    for pos, i in enumerate(order):
        option = graded.options[i]
        mark = "✓" if option.right else "✗"
        st.markdown(f"**{LETTERS[pos]} {mark}** {option.why.get(lang())}")
    for fact_id in question.facts:
        fact = facts.fact(fact_id)
        st.caption(f"{fact.title}: {fact.display()} · [{tr('quiz.source')}]({fact.source}) · "
                   f"{fact.as_of}")  # fmt: skip
    st.caption(f"{tr('quiz.lesson')}: {course.lesson(question.lesson).title(lang())} "
               f"(`{question.lesson}`)")  # fmt: skip


def practice(queue_key: str, question_ids: list[str], mode: str) -> None:
    """Ask the questions of `question_ids` in turn; record each answer for the learner."""
    user = learner_name()
    if user is None or not question_ids:
        return
    position = st.session_state.setdefault(f"{queue_key}-pos", 0) % len(question_ids)
    question = bank().questions[question_ids[position]]
    where = course.topic(question.topic).title(lang())
    exam_domain = domain(question.domain).title.get(lang())
    st.caption(f"{position + 1} / {len(question_ids)} · {where} · {exam_domain}")
    # A stem is a paragraph of scenario, not a heading: framed, at reading size.
    st.container(border=True).markdown(question.stem.get(lang()))
    order = engine.shuffled_choices(question, seed=position)
    answered_key = f"{queue_key}-answered-{position}"
    picked = choose(question, order, key=f"{queue_key}-{position}")
    if st.button(tr("quiz.submit"), disabled=answered_key in st.session_state or not picked):
        graded = engine.grade(question, picked)
        store().record(user, question.id, picked, graded.correct, mode, datetime.now(UTC))
        st.session_state[answered_key] = graded
    if answered_key in st.session_state:
        show_feedback(question, st.session_state[answered_key], order)
        if st.button(tr("quiz.next")):
            st.session_state[f"{queue_key}-pos"] = position + 1
            st.rerun()
