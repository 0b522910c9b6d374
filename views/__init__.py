"""The app's page registry: app.py builds navigation from it and the tests render every page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

VIEWS_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class PageSpec:
    """One page of the app: a file in views/, its navigation key and section."""

    file: str
    title_key: str
    url_path: str
    section_key: str
    default: bool = False
    topic: str | None = None  # the course-map topic this page belongs to, for the home links

    @property
    def path(self) -> Path:
        return VIEWS_DIR / self.file


PAGES = (
    PageSpec("home.py", "nav.home", "home", "nav.section.course", default=True),
    PageSpec("dataset.py", "nav.dataset", "dataset", "nav.section.course", topic="dataset"),
    PageSpec("streams.py", "nav.streams", "streams", "nav.section.course", topic="streams"),
    # Course pages in the order of the lessons: lake (04-08), search (09), real time (10), serving.
    PageSpec("athena.py", "lake.athena.nav", "athena", "nav.section.course", topic="lake"),
    PageSpec(
        "playground.py", "lake.playground.nav", "playground", "nav.section.course", topic="lake"
    ),
    PageSpec("search.py", "search.nav", "search", "nav.section.course", topic="search"),
    PageSpec("realtime.py", "realtime.nav", "realtime", "nav.section.course", topic="realtime"),
    PageSpec(
        "dashboard.py", "serving.nav.dashboard", "dashboard", "nav.section.course", topic="serving"
    ),
    PageSpec("engines.py", "serving.nav.engines", "engines", "nav.section.course", topic="serving"),
    PageSpec("practice.py", "nav.practice", "practice", "nav.section.quiz"),
    PageSpec("exam.py", "nav.exam", "exam", "nav.section.quiz"),
    PageSpec("review.py", "nav.review", "review", "nav.section.quiz"),
    PageSpec("team.py", "nav.team", "team", "nav.section.quiz"),
    PageSpec("progress.py", "nav.progress", "progress", "nav.section.quiz"),
    PageSpec("facts.py", "nav.facts", "facts", "nav.section.reference"),
    PageSpec("fidelity.py", "nav.fidelity", "fidelity", "nav.section.reference"),
)
