"""How faithful each model is to AWS, collected from the models' own docstrings.

Every simulator in ``lessons/`` ends its module (or package) docstring with a paragraph that
starts ``Fidelity:`` — what the model does as AWS documents it, and what it simplifies. This
module gathers those paragraphs so the app can list them on one page, and so a test can fail
when a model ships without one. The notes are read from the code each time: a page that lists
them cannot drift from the models.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass

import lessons

MARKER = "Fidelity:"

# Where models live, and the course-map topic (lessons.course.TOPICS) each belongs to.
MODEL_HOMES: dict[str, str] = {
    "lessons.streams": "streams",
    "lessons.lake": "lake",
    "lessons.duckext": "lake",
    "lessons.search": "search",
    "lessons.flink": "realtime",
    "lessons.emr": "realtime",
    "lessons.serving": "serving",
}

# Modules in those homes that draw, name or route rather than model a service.
NOT_MODELS = ("charts", "charts_formats", "figures", "errors", "layout", "labs", "workload")


@dataclass(frozen=True)
class FidelityNote:
    """One model's statement of what it gets right and what it leaves out."""

    module: str
    topic: str
    summary: str
    note: str


def _topic(module: str) -> str | None:
    for home, topic in MODEL_HOMES.items():
        if module == home or module.startswith(home + "."):
            return topic
    return None


def _module_names(packages: bool = True) -> list[str]:
    found = pkgutil.walk_packages(lessons.__path__, "lessons.")
    names = [m.name for m in found if packages or not m.ispkg]
    return sorted(n for n in names if _topic(n) is not None)


def _docstring(module: str) -> str:
    return inspect.getdoc(importlib.import_module(module)) or ""


def note_of(docstring: str) -> str | None:
    """The Fidelity paragraph of a docstring (to its end), without the marker; None if absent."""
    at = docstring.find(MARKER)
    if at < 0:
        return None
    text = " ".join(docstring[at + len(MARKER) :].split())
    return text or None


def fidelity_notes() -> list[FidelityNote]:
    """Every model module or package that states its fidelity, in module order."""
    found = []
    for name in _module_names():
        doc = _docstring(name)
        note = note_of(doc)
        if note:
            summary = doc.strip().splitlines()[0] if doc.strip() else name
            found.append(FidelityNote(name, _topic(name) or "", summary, note))
    return found


def models_without_note() -> list[str]:
    """Model modules whose own docstring and whose packages' docstrings all lack a note."""
    missing = []
    for name in _module_names(packages=False):
        if name.rsplit(".", 1)[-1] in NOT_MODELS:
            continue
        parents = [name.rsplit(".", k)[0] for k in range(1, name.count("."))]
        homes = [name, *(p for p in parents if _topic(p) is not None)]
        if not any(note_of(_docstring(m)) for m in homes):
            missing.append(name)
    return missing
