"""Progress: mastery by topic and exam domain, over time; answers as CSV; the bank for Anki."""

import pandas as pd
import plotly.express as px
import streamlit as st

from lessons.quiz import anki
from views.common import lang, learner_name, store, tr
from views.quizui import bank, group_title

AXES = {"share": tr("progress.share"), "group": tr("progress.group"), "day": tr("progress.day")}


st.title(tr("nav.progress"))
user = learner_name()
if user is not None:
    questions = bank().questions.values()
    for label, groups in (
        (tr("quiz.topics"), {q.id: q.topic for q in questions}),
        (tr("quiz.domains"), {q.id: q.domain for q in questions}),
    ):
        table = pd.DataFrame([m.__dict__ for m in store().mastery(user, groups)])
        st.subheader(label)
        if table.empty or table["answered"].sum() == 0:
            st.info(tr("progress.nothing_yet"))
            continue
        # Group ids are English; a 0 % bar is invisible, so each bar also says right/answered.
        table["group"] = table["group"].map(group_title)
        table["counts"] = [
            tr("progress.counts").format(correct=c, answered=a) if a else ""
            for c, a in zip(table["correct"], table["answered"], strict=True)
        ]
        figure = px.bar(table, x="group", y="share", range_y=[0, 1], text="counts",
                        labels=AXES, hover_data=["answered"])  # fmt: skip
        figure.update_traces(textposition="outside")
        st.plotly_chart(figure)
        history = pd.DataFrame(store().mastery_over_time(user, groups))
        if history["day"].nunique() > 1:
            history["group"] = history["group"].map(group_title)
            st.plotly_chart(px.line(history, x="day", y="share", color="group", range_y=[0, 1],
                                    markers=True, labels=AXES,
                                    title=tr("progress.over_time")))  # fmt: skip
    st.download_button(tr("progress.csv"), store().export_csv(user, spreadsheet_safe=True),
                       file_name="pipeline-lab-answers.csv", mime="text/csv")  # fmt: skip
st.download_button(tr("progress.anki"), anki.export_anki_tsv(bank(), lang=lang()),
                   file_name=f"pipeline-lab-{lang()}.txt", mime="text/plain")  # fmt: skip
