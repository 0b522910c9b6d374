"""Opening one app page under AppTest, as every page test does."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from lessons.paths import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")


def run_page(file: str, lang: str = "en", timeout_s: float = 120) -> AppTest:
    """The app routed to `views/<file>` in `lang`, after its first run."""
    at = AppTest.from_file(APP, default_timeout=timeout_s)
    at.session_state["lang"] = lang
    at.switch_page(f"views/{file}")
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    """Each metric's label → its shown value."""
    return {m.label: m.value for m in at.metric}
