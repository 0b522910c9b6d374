"""Review: the questions due today on a Leitner schedule, from this learner's own answers."""

from datetime import UTC, datetime

import streamlit as st

from lessons.quiz import engine
from views.common import learner_name, store, tr
from views.quizui import bank, practice

st.title(tr("nav.review"))
st.write(tr("review.intro"))
user = learner_name()
if user is not None:
    history = [(a.question_id, a.answered_at.date(), a.correct) for a in store().answers(user)]
    today = datetime.now(UTC).date()
    due = [q for q in engine.due(history, today) if q in bank().questions]
    st.metric(tr("review.due"), len(due))
    if due:
        practice("review", due, "review")
    else:
        st.success(tr("review.nothing_due"))
