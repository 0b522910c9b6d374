"""Helpers every page uses: the chosen language and the error boundary."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import streamlit as st

from lessons.errors import LabError
from lessons.i18n import t
from lessons.paths import data_dir
from lessons.quiz.progress import ProgressStore, check_name
from lessons.quiz.session import TeamSessions


def lang() -> str:
    """The language the learner picked in the sidebar ("en" or "ko")."""
    return st.session_state.get("lang", "en")


def tr(key: str) -> str:
    """The app text for `key` in the learner's language."""
    return t(key, lang())


def translated_headers(frame: pd.DataFrame, keys: Mapping[str, str]) -> pd.DataFrame:
    """`frame` with each column listed in `keys` renamed to that text in the learner's language."""
    return frame.rename(columns=lambda c: tr(keys[c]) if c in keys else c)


@st.cache_resource
def progress_store(folder: str) -> ProgressStore:
    """The installation's answer store (one SQLite file in the data folder)."""
    return ProgressStore(Path(folder) / "progress.sqlite")


def store() -> ProgressStore:
    return progress_store(str(data_dir()))


def learner_name() -> str | None:
    """The learner's name from the sidebar, checked; None (with a hint) until one is given."""
    # Streamlit drops a widget's state on a page that does not draw it, so the name would be
    # forgotten between quiz pages; a plain session key carries it over.
    if "learner" not in st.session_state and "learner_kept" in st.session_state:
        st.session_state["learner"] = st.session_state["learner_kept"]
    typed = st.sidebar.text_input(tr("quiz.name"), key="learner", max_chars=40)
    st.session_state["learner_kept"] = typed
    if not typed.strip():
        st.info(tr("quiz.name_needed"))
        return None
    try:
        return check_name(typed)
    except LabError as problem:
        st.error(str(problem))
        return None


@st.cache_resource
def team_sessions(folder: str) -> TeamSessions:
    """Team sessions share the installation's SQLite file with the progress store."""
    return TeamSessions(Path(folder) / "progress.sqlite")


def sessions() -> TeamSessions:
    return team_sessions(str(data_dir()))
