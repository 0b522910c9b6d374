"""Practice: one question at a time, then every option explained, its facts and its lesson."""

from datetime import date

import streamlit as st

from lessons import course
from lessons.quiz import engine
from lessons.quiz.domains import DOMAINS
from views.common import lang, tr
from views.quizui import bank, practice

st.title(tr("nav.practice"))
left, right = st.columns(2)
topics = left.multiselect(tr("quiz.topics"), course.TOPIC_IDS, placeholder=tr("quiz.all"),
                          format_func=lambda t: course.topic(t).title(lang()))  # fmt: skip
domains = right.multiselect(tr("quiz.domains"), [d.id for d in DOMAINS], placeholder=tr("quiz.all"),
                            format_func=lambda d: next(x.title.get(lang()) for x in DOMAINS
                                                       if x.id == d))  # fmt: skip
queue = engine.practice_queue(bank(), topics or None, domains or None,
                              seed=date.today().toordinal())  # fmt: skip
practice(f"practice-{'-'.join(topics)}-{'-'.join(domains)}", queue, "practice")
