"""Helpers every page uses: the chosen language and the error boundary."""

from __future__ import annotations

import streamlit as st

from lessons.i18n import t


def lang() -> str:
    """The language the learner picked in the sidebar ("en" or "ko")."""
    return st.session_state.get("lang", "en")


def tr(key: str) -> str:
    """The app text for `key` in the learner's language."""
    return t(key, lang())
