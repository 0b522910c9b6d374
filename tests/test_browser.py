"""One real browser test: start the app, see the home page, navigate to another page.

Drives the system Chromium through Playwright (Playwright's own browser download cannot work
offline). It also records every request the page makes: the app must not reach off this machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from lessons.paths import PROJECT_ROOT
from tests.browser import ARTIFACTS, chromium_page, free_port

pytestmark = pytest.mark.browser


def wait_until_healthy(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"the app did not answer at {url} within {seconds} s")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "PIPELINE_LAB_DATA": str(tmp_path_factory.mktemp("browser-data"))}
    command = [
        sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"),
        "--server.port", str(port), "--server.headless", "true",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser_page(app_url: str):
    with chromium_page(1400, 1000, timeout_ms=60_000) as page:
        page.requests_seen = []  # type: ignore[attr-defined]
        page.on("request", lambda request: page.requests_seen.append(request.url))
        yield page


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_home_page_renders_the_course_map(browser_page, app_url: str) -> None:
    page = browser_page
    page.goto(app_url)
    page.get_by_role("heading", name="Pipeline Lab").wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    assert page.get_by_text("00-dataset-tour").count() >= 1
    assert screenshot(page, "home").stat().st_size > 10_000


def test_navigating_to_the_dataset_page_works(browser_page, app_url: str) -> None:
    page = browser_page
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Music dataset").click()
    page.get_by_role("heading", name="Music dataset").wait_for()
    page.get_by_text("resent (same uuid)").wait_for()
    # The schema and sample tables are canvas grids: wait until one has drawn its cells.
    page.locator("[data-testid='stDataFrame'] canvas").first.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll(\"[data-testid='stDataFrame']\")]"
        ".every(grid => grid.getBoundingClientRect().height > 100)"
    )
    assert page.url.endswith("/dataset")
    screenshot(page, "dataset")


def test_the_sql_playground_answers_and_refuses_in_the_browser(browser_page) -> None:
    page = browser_page
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="SQL playground").click()
    page.get_by_role("heading", name="SQL playground").wait_for()
    page.get_by_role("button", name="Run query").click()
    page.get_by_text("rows returned").wait_for()
    screenshot(page, "playground")
    editor = page.locator("textarea").first
    editor.fill("SELECT * FROM read_csv('/etc/passwd')")
    editor.press("Control+Enter")  # commits the text area, as a learner's click elsewhere would
    page.get_by_role("button", name="Run query").click()
    page.get_by_test_id("stAlertContentError").first.wait_for()
    assert page.get_by_test_id("stException").count() == 0


def test_the_app_never_reaches_off_this_machine(browser_page) -> None:
    off_machine = [
        url for url in browser_page.requests_seen
        if not url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
    ]  # fmt: skip
    assert browser_page.requests_seen, "the page made requests at all"
    assert off_machine == []
