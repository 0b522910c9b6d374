"""The README's lab command: lessons open as notebooks on a double-click and `import lessons` works.

Starts JupyterLab the way `make lab` does (same settings script, the project's venv), opens it in
headless Chromium, double-clicks lesson 00 and runs a cell in its kernel.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lessons.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from tests.browser import ARTIFACTS, chromium_page, free_port

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings_root = tmp_path_factory.mktemp("lab-venv")
    subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts/jupyterlab_settings.py"), str(settings_root)],
        check=True, capture_output=True,
    )  # fmt: skip
    # The test types into lesson 00: autosave must never write that into the source tree.
    overrides = settings_root / "share/jupyter/lab/settings/overrides.json"
    settings = json.loads(overrides.read_text())
    settings["@jupyterlab/docmanager-extension:plugin"]["autosave"] = False
    overrides.write_text(json.dumps(settings))
    port = free_port()
    env = {
        **os.environ,
        # The overrides written above, instead of the real venv's share/ folder.
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path_factory.mktemp("user-settings")),
        "JUPYTER_CONFIG_DIR": str(tmp_path_factory.mktemp("jupyter-config")),
        "JUPYTER_RUNTIME_DIR": str(tmp_path_factory.mktemp("jupyter-runtime")),
    }
    log = tmp_path_factory.mktemp("lab-log") / "lab.log"
    command = [
        sys.executable, "-m", "jupyter", "lab", f"--notebook-dir={NOTEBOOKS_DIR}",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--no-browser", "--allow-root",
        f"--LabServerApp.app_settings_dir={settings_root / 'share/jupyter/lab/settings'}",
    ]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield _wait_for_url(log, process)
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_for_url(log: Path, process: subprocess.Popen, seconds: float = 90) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = re.search(r"http://127\.0\.0\.1:\d+/lab\?token=\w+", log.read_text())
        if found:
            return found.group()
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early:\n{log.read_text()[-2000:]}")
        time.sleep(0.5)
    raise TimeoutError("JupyterLab did not start")


def test_a_lesson_opens_as_a_notebook_and_imports_lessons(lab_url: str) -> None:
    lesson_file = NOTEBOOKS_DIR / "00-dataset-tour.md"
    before = lesson_file.read_bytes()
    with chromium_page(1400, 900, timeout_ms=90_000) as page:
        page.goto(lab_url)
        try:
            _open_and_run(page)
        finally:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "lab.png"))
    assert lesson_file.read_bytes() == before, "the lesson in the source tree is untouched"


def _open_and_run(page) -> None:
    """Double-click lesson 00, then run `import lessons` in its kernel."""
    page.get_by_text("00-dataset-tour.md").first.dblclick()
    notebook = page.locator(".jp-NotebookPanel").first
    notebook.wait_for()
    # The kernel is ready once the status bar reports it idle; a cell run before that is lost.
    page.locator(".jp-StatusBar-Widget", has_text="Python 3 (ipykernel) | Idle").first.wait_for()
    first_code = notebook.locator(".jp-CodeCell").first
    first_code.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type("import lessons; print('lessons from', lessons.__file__)")
    # Escape closes any completion popup (it would eat the Enter) and leaves edit mode;
    # Shift+Enter then runs the selected cell from command mode.
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+Enter")
    output = first_code.locator(".jp-OutputArea-output").first
    output.wait_for()
    assert "lessons from" in output.inner_text()
    assert str(PROJECT_ROOT / "lessons") in output.inner_text()
