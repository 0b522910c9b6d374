"""Pipeline Lab's Streamlit entry: a router over the pages registered in views/."""

from __future__ import annotations

import logging

import streamlit as st

from lessons.errors import LabError
from lessons.i18n import LANGUAGE_NAMES, t
from views import PAGES

st.set_page_config(page_title="Pipeline Lab", layout="wide")

lang = st.sidebar.selectbox(
    t("app.language", st.session_state.get("lang", "en")),
    options=list(LANGUAGE_NAMES),
    format_func=LANGUAGE_NAMES.get,
    key="lang",
)

sections: dict[str, list] = {}
for spec in PAGES:
    page = st.Page(
        spec.path, title=t(spec.title_key, lang), url_path=spec.url_path, default=spec.default
    )
    sections.setdefault(t(spec.section_key, lang), []).append(page)

current = st.navigation(sections)
try:
    current.run()
except LabError as problem:
    # A problem the learner can fix (missing dataset, bad input): say what and how.
    st.error(str(problem))
except Exception:
    # Never a traceback in front of a learner; the log keeps the details for us.
    logging.getLogger("pipeline_lab").exception("page %s failed", current.title)
    st.error(t("app.error", lang))
