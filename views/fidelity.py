"""How faithful the models are: every model's Fidelity note, read from the code."""

import streamlit as st

from lessons import course, fidelity
from views.common import lang, tr


@st.cache_data(show_spinner=False)
def notes() -> list[fidelity.FidelityNote]:
    return fidelity.fidelity_notes()


st.title(tr("nav.fidelity"))
st.write(tr("fidelity.intro"))

titles = {topic.id: topic.title(lang()) for topic in course.TOPICS}
present = [t for t in titles if any(n.topic == t for n in notes())]
picked = st.selectbox(
    tr("fidelity.topic"), ["", *present], format_func=lambda t: titles.get(t) or tr("fidelity.all")
)
shown = [n for n in notes() if not picked or n.topic == picked]
st.caption(tr("fidelity.count").format(count=len(shown)))
for note in shown:
    with st.expander(f"{titles[note.topic]} · `{note.module}` — {note.summary}"):
        st.markdown(note.note)
