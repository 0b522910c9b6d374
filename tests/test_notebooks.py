"""Every lesson notebook runs top to bottom in a fresh kernel, offline, within its time budget.

The measurement section of each notebook asserts the claims its prose makes, so executing the
notebook tests what it teaches.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from lessons import course

# Seconds a notebook may take; lessons are meant to run in seconds, this is a generous ceiling.
TIME_BUDGET_S = 240
READY = [lesson for lesson in course.lessons() if lesson.ready]


def test_manifest_lists_every_notebook_once() -> None:
    on_disk = {p.name for p in course.NOTEBOOKS_DIR.glob("*.md")} | {
        p.name for p in course.NOTEBOOKS_DIR.glob("*.ipynb")
    }
    in_manifest = {lesson.file for lesson in course.lessons() if lesson.file}
    assert on_disk == in_manifest


@pytest.mark.parametrize("lesson", READY, ids=[lesson.id for lesson in READY])
def test_notebook_is_stored_without_outputs(lesson: course.Lesson) -> None:
    text = lesson.path.read_text(encoding="utf-8")
    notebook = jupytext.reads(text, fmt="md:myst")
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    for section in ("## Concept", "## Experiment", "## Measurement", "## Check yourself",
                    "## Key points"):  # fmt: skip
        assert section in headings, f"{lesson.id} lacks the lesson skeleton's {section!r}"


@pytest.mark.notebook
@pytest.mark.parametrize("lesson", READY, ids=[lesson.id for lesson in READY])
def test_notebook_executes(lesson: course.Lesson, tmp_path: Path) -> None:
    notebook = jupytext.read(lesson.path)
    client = NotebookClient(
        notebook,
        timeout=TIME_BUDGET_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
    nbformat.validate(notebook)
