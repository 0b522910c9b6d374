"""Team session: a trainer runs questions live; learners answer from their own browsers."""

from datetime import UTC, datetime

import pandas as pd
import plotly.express as px
import streamlit as st

from lessons.errors import LabError
from lessons.quiz import engine
from views.common import lang, sessions, store, tr
from views.quizui import LETTERS, bank


def display_order(question_id: str) -> list[int]:
    """Everyone in the room sees the options in the same shuffled order."""
    return engine.shuffled_choices(bank().questions[question_id], seed=0)


def distribution_chart(code: str, secret: str | None, question_id: str) -> None:
    counts = sessions().distribution(code, secret)
    question = bank().questions[question_id]
    order = display_order(question_id)
    frame = pd.DataFrame(
        {"option": [LETTERS[pos] for pos in range(len(order))],
         "answers": [counts.get(i, 0) for i in order],
         "correct": [i in question.correct for i in order]}
    )  # fmt: skip
    st.plotly_chart(px.bar(frame, x="option", y="answers", color="correct"))


def leaderboard(code: str) -> None:
    correct = {q.id: q.correct for q in bank().questions.values()}
    rows = sessions().leaderboard(code, correct)
    # st.dataframe shows names as text: a learner's "<b>" stays visible, never markup.
    st.dataframe(pd.DataFrame(rows, columns=["name", "correct", "answered"]), hide_index=True)


def show_question(question_id: str) -> None:
    question = bank().questions[question_id]
    st.container(border=True).markdown(question.stem.get(lang()))
    for pos, i in enumerate(display_order(question_id)):
        st.markdown(f"**{LETTERS[pos]}.** {question.choices[i].text.get(lang())}")


def trainer_view() -> None:
    if "team-secret" not in st.session_state:
        name = st.text_input(tr("team.trainer_name"), max_chars=40)
        topic = st.selectbox(
            tr("quiz.topics"), sorted({q.topic for q in bank().questions.values()})
        )
        count = st.slider(tr("team.count"), 1, 20, 5)
        if st.button(tr("team.start"), type="primary"):
            ids = engine.practice_queue(bank(), [topic], seed=0)[:count]
            code, secret = sessions().start(name, ids, datetime.now(UTC))
            st.session_state.update({"team-code": code, "team-secret": secret})
            st.rerun()
        return
    code, secret = st.session_state["team-code"], st.session_state["team-secret"]
    state = sessions().state(code)
    st.success(f"{tr('team.code')}: {code}")
    st.caption(f"{state.index + 1} / {state.total} · {len(state.participants)} "
               f"{tr('team.joined')} · {state.answered} {tr('exam.answered')}")  # fmt: skip
    show_question(state.question_id)
    distribution_chart(code, secret, state.question_id)
    reveal, advance, close = st.columns(3)
    if reveal.button(tr("team.reveal"), disabled=state.revealed or state.closed):
        sessions().reveal(code, secret)
        st.rerun()
    if advance.button(tr("team.next"), disabled=state.closed or state.index + 1 >= state.total):
        sessions().advance(code, secret)
        st.rerun()
    if close.button(tr("team.close"), disabled=state.closed):
        sessions().close(code, secret)
        st.rerun()
    leaderboard(code)


def learner_view() -> None:
    if "team-token" not in st.session_state:
        code = st.text_input(tr("team.code"), max_chars=12)
        name = st.text_input(tr("quiz.name"), max_chars=40, key="team-name")
        if st.button(tr("team.join"), type="primary"):
            token = sessions().join(code, name, datetime.now(UTC))
            st.session_state.update({"team-token": token, "team-joined": code.strip().upper()})
            st.rerun()
        return
    code, token = st.session_state["team-joined"], st.session_state["team-token"]
    state = sessions().state(code)
    if state.closed:
        st.info(tr("team.closed"))
        leaderboard(code)
        return
    st.caption(f"{state.index + 1} / {state.total}")
    show_question(state.question_id)
    question = bank().questions[state.question_id]
    done_key = f"team-answered-{state.index}"
    picked = st.multiselect(tr("quiz.choose_all") if question.type == "multiple" else
                            tr("quiz.choose_one"), display_order(question.id),
                            format_func=lambda i: LETTERS[display_order(question.id).index(i)],
                            max_selections=None if question.type == "multiple" else 1)  # fmt: skip
    if st.button(tr("quiz.submit"), disabled=done_key in st.session_state or not picked):
        sessions().answer(code, token, picked, datetime.now(UTC))
        name = st.session_state.get("team-name", "")
        store().record(name, question.id, picked, question.is_correct(picked), "session",
                       datetime.now(UTC))  # fmt: skip
        st.session_state[done_key] = True
    if state.revealed:
        distribution_chart(code, None, state.question_id)
    st.button(tr("team.refresh"))


st.title(tr("nav.team"))
role = st.radio(tr("team.role"), ["learner", "trainer"],
                format_func=lambda r: tr(f"team.{r}"), horizontal=True)  # fmt: skip
try:
    if role == "trainer":
        trainer_view()
    else:
        learner_view()
except LabError as refused:  # unknown code, wrong secret, answered twice...: say so, change nothing
    st.error(str(refused))
