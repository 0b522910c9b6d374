"""Home: what the course is, the pipeline drawn as a map, and the lessons in order."""

import streamlit as st

from lessons import charts, course
from views import PAGES
from views.common import lang, tr

st.title(tr("app.title"))
st.write(tr("app.tagline"))

st.subheader(tr("home.map"))
st.plotly_chart(charts.course_map(lang()), config={"displayModeBar": False}, width="stretch")

st.subheader(tr("home.lessons"))
for topic in course.TOPICS:
    topic_lessons = [lesson for lesson in course.lessons() if lesson.topic == topic.id]
    with st.container(border=True):
        st.markdown(f"**{topic.title(lang())}** · {topic.service_list(lang())}")
        for spec in (p for p in PAGES if p.topic == topic.id):
            st.page_link(str(spec.path), label=f"{tr('home.open_page')}: {tr(spec.title_key)}")
        for lesson in topic_lessons:
            status = tr("home.ready") if lesson.ready else tr("home.planned")
            minutes = tr("home.minutes").format(minutes=lesson.minutes)
            st.markdown(f"- `{lesson.id}` {lesson.title(lang())} · {minutes} · *{status}*")
st.caption(tr("home.open_lab"))
