"""The answer store: round trip, name rules, mastery arithmetic, CSV, concurrency, crash safety."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lessons.errors import LabError
from lessons.paths import PROJECT_ROOT
from lessons.quiz.progress import (
    AnswerRecord,
    Mastery,
    MasteryPoint,
    ProgressError,
    ProgressStore,
    check_name,
)

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / "progress.sqlite")


def test_round_trip_keeps_every_field_in_time_order(store: ProgressStore) -> None:
    store.record("Ann", "streams.b", [2, 0, 2], False, "exam", T0 + timedelta(minutes=5))
    store.record("Ann", "streams.a", (1,), True, "practice", T0)
    store.record("Bob", "streams.a", [0], False, "review", T0)

    assert store.answers("Ann") == [
        AnswerRecord("Ann", "streams.a", (1,), True, "practice", T0),
        AnswerRecord("Ann", "streams.b", (0, 2), False, "exam", T0 + timedelta(minutes=5)),
    ]
    assert store.users() == ["Ann", "Bob"]
    assert store.answers("Nobody") == []


def test_times_are_stored_as_utc_and_naive_times_are_refused(store: ProgressStore) -> None:
    seoul = T0.astimezone(ZoneInfo("Asia/Seoul"))
    store.record("Ann", "q.a", [0], True, "practice", seoul)
    assert store.answers("Ann")[0].answered_at == T0
    assert store.answers("Ann")[0].answered_at.utcoffset() == timedelta(0)
    with pytest.raises(ProgressError, match="timezone-aware"):
        store.record("Ann", "q.a", [0], True, "practice", datetime(2024, 3, 1))


def test_a_reopened_store_sees_the_same_data_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    ProgressStore(path).record("Ann", "q.a", [0], True, "practice", T0)
    assert len(ProgressStore(path).answers("Ann")) == 1
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("SELECT * FROM schema_versions").fetchall() == [("progress", 1)]


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    ProgressStore(path)
    with sqlite3.connect(path) as con:
        con.execute("UPDATE schema_versions SET version = 99")
    with pytest.raises(ProgressError, match="newer Pipeline Lab"):
        ProgressStore(path)


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("not a database " * 100)
    with pytest.raises(ProgressError, match="not a usable Pipeline Lab database"):
        ProgressStore(path)


@pytest.mark.parametrize("bad", ["", "   ", "x" * 41, "Ann\nBob", "tab\there", "nul\x00", 7])
def test_bad_names_are_refused_with_a_lab_error(bad: object) -> None:
    with pytest.raises(LabError) as info:
        check_name(bad)  # type: ignore[arg-type]
    assert "name" in str(info.value)


def test_name_rules_message_and_edges(store: ProgressStore) -> None:
    with pytest.raises(ProgressError, match=r"^A name needs 1 to 40 characters\.$"):
        check_name("")
    assert check_name("  " + "x" * 40 + "  ") == "x" * 40
    assert check_name("e\u0301") == "\u00e9"  # one name however the accent was typed
    assert check_name("김민지") == "김민지"
    with pytest.raises(ProgressError):
        store.record("\x07", "q.a", [0], True, "practice", T0)
    assert store.users() == []


def test_markup_in_a_name_is_stored_verbatim(store: ProgressStore) -> None:
    name = "<script>alert(1)</script>"
    store.record(name, "q.a", [0], True, "practice", T0)
    assert store.users() == [name]
    assert store.answers(name)[0].user == name


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mode", "homework", "Unknown answer mode"),
        ("picked", "01", "option numbers"),
        ("picked", [-1], "option numbers"),
        ("picked", [True], "option numbers"),
        ("question_id", "", "question id"),
    ],
)
def test_bad_answers_are_refused(store: ProgressStore, field: str, value, message: str) -> None:
    answer = {"user": "Ann", "question_id": "q.a", "picked": [0], "correct": True,
              "mode": "practice", "now": T0} | {field: value}  # fmt: skip
    with pytest.raises(ProgressError, match=message):
        store.record(**answer)
    assert store.answers("Ann") == []


GROUPS = {"s.1": "streams", "s.2": "streams", "s.3": "streams", "l.1": "lake", "l.2": "lake",
          "a.1": "athena"}  # fmt: skip


def test_mastery_counts_the_latest_answer_per_question(store: ProgressStore) -> None:
    answers = [
        ("s.1", False), ("s.1", True),  # fixed later: counts as right
        ("s.2", True), ("s.2", False),  # broken later: counts as wrong
        ("s.3", True),
        ("l.1", False),
        ("gone.1", True),  # not in the mapping (removed from the bank): ignored
    ]  # fmt: skip
    for minute, (question, ok) in enumerate(answers):
        store.record("Ann", question, [0], ok, "practice", T0 + timedelta(minutes=minute))

    assert store.mastery("Ann", GROUPS) == [
        Mastery("athena", questions=1, answered=0, correct=0, share=0.0),
        Mastery("lake", questions=2, answered=1, correct=0, share=0.0),
        Mastery("streams", questions=3, answered=3, correct=2, share=pytest.approx(2 / 3)),
    ]
    assert store.mastery("Bob", GROUPS)[2] == Mastery("streams", 3, 0, 0, 0.0)


def test_mastery_over_time_is_cumulative_per_utc_day(store: ProgressStore) -> None:
    day1, day2, day3 = T0, T0 + timedelta(days=1), T0 + timedelta(days=2)
    store.record("Ann", "s.1", [0], False, "practice", day1)
    store.record("Ann", "s.2", [0], True, "practice", day1 + timedelta(hours=1))
    store.record("Ann", "l.1", [0], True, "exam", day2)
    store.record("Ann", "s.1", [0], True, "review", day3)

    assert store.mastery_over_time("Ann", GROUPS) == [
        MasteryPoint(date(2024, 3, 1), "streams", 0.5),
        MasteryPoint(date(2024, 3, 2), "lake", 1.0),
        MasteryPoint(date(2024, 3, 2), "streams", 0.5),
        MasteryPoint(date(2024, 3, 3), "lake", 1.0),
        MasteryPoint(date(2024, 3, 3), "streams", 1.0),
    ]


def test_csv_export_parses_back_with_awkward_text(store: ProgressStore) -> None:
    name = 'O"Brien, <b>Jo</b>'
    store.record(name, "q.line\nbreak", [3, 1], True, "session", T0)
    store.record(name, 'q."quoted",x', [], False, "exam", T0 + timedelta(seconds=1))
    store.record("Other", "q.a", [0], True, "exam", T0)

    rows = list(csv.reader(io.StringIO(store.export_csv(name))))
    assert rows == [
        ["user", "question_id", "picked", "correct", "mode", "answered_at"],
        [name, "q.line\nbreak", "1 3", "true", "session", "2024-03-01T09:00:00+00:00"],
        [name, 'q."quoted",x', "", "false", "exam", "2024-03-01T09:00:01+00:00"],
    ]


def test_spreadsheet_safe_export_defuses_formulas(store: ProgressStore) -> None:
    store.record("=HYPERLINK(1)", "q.a", [0], True, "exam", T0)
    rows = list(csv.reader(io.StringIO(store.export_csv("=HYPERLINK(1)", spreadsheet_safe=True))))
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_thirty_threads_writing_at_once_lose_and_double_nothing(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "busy.sqlite")
    threads, per_thread = 30, 50
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def learner(n: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                at = T0 + timedelta(seconds=i)
                store.record(f"learner {n}", f"q.{i}", [i % 4], i % 2 == 0, "practice", at)
        except BaseException as exc:  # collected, so a failure shows in the assertion below
            errors.append(exc)

    workers = [threading.Thread(target=learner, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    with sqlite3.connect(store.path) as con:
        assert con.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == threads * per_thread
        pairs = con.execute("SELECT COUNT(DISTINCT learner || '/' || question_id) FROM answers")
        assert pairs.fetchone()[0] == threads * per_thread
    assert len(store.users()) == threads
    assert [r.question_id for r in store.answers("learner 7")] == [
        f"q.{i}" for i in range(per_thread)
    ]


RACER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from lessons.quiz.progress import ProgressStore

    store = ProgressStore(sys.argv[1])  # every process races to create the schema too
    for i in range(50):
        store.record(f"process {sys.argv[2]}", f"q.{i}", [0], True, "exam",
                     datetime(2024, 3, 1, tzinfo=UTC))
    """
)


def test_processes_racing_on_a_new_file_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    env = os.environ | {"PYTHONPATH": str(PROJECT_ROOT)}
    racers = [
        subprocess.Popen([sys.executable, "-c", RACER, str(path), str(n)], env=env)
        for n in range(6)
    ]
    assert [racer.wait(timeout=60) for racer in racers] == [0] * 6
    store = ProgressStore(path)
    assert len(store.users()) == 6
    assert sum(len(store.answers(user)) for user in store.users()) == 300


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime, timedelta
    from lessons.quiz.progress import ProgressStore

    store = ProgressStore(sys.argv[1])
    t0 = datetime(2024, 3, 1, tzinfo=UTC)
    for i in range(10**9):
        store.record("crash", f"q.{i}", [i % 5, (i + 2) % 5], i % 3 == 0, "practice",
                     t0 + timedelta(seconds=i))
    """
)


def _count_rows(path: Path) -> int:
    try:
        with sqlite3.connect(path, timeout=1) as con:
            return con.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_a_writer_killed_mid_way_leaves_a_consistent_database(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite"
    env = os.environ | {"PYTHONPATH": str(PROJECT_ROOT)}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], env=env)
    try:
        deadline = time.monotonic() + 20
        while _count_rows(path) < 200:
            assert writer.poll() is None, "the writer exited early"
            assert time.monotonic() < deadline, "the writer stored too few rows in time"
            time.sleep(0.02)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert writer.returncode == -signal.SIGKILL

    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = ProgressStore(path).answers("crash")
    assert len(stored) >= 200
    for i, record in enumerate(stored):  # every row whole, and none missing in between
        assert record == AnswerRecord(
            "crash", f"q.{i}", tuple(sorted({i % 5, (i + 2) % 5})), i % 3 == 0, "practice",
            datetime(2024, 3, 1, tzinfo=UTC) + timedelta(seconds=i),
        )  # fmt: skip
    with sqlite3.connect(path) as con:
        assert all(json.loads(p) for (p,) in con.execute("SELECT picked FROM answers"))


def test_the_store_creates_its_folder_when_the_data_folder_is_new(tmp_path) -> None:
    from datetime import UTC, datetime

    from lessons.quiz.progress import ProgressStore

    store = ProgressStore(tmp_path / "not" / "yet" / "there" / "progress.sqlite")
    store.record("Ada", "streams.x", [0], True, "practice", datetime(2026, 11, 25, tzinfo=UTC))
    assert [a.question_id for a in store.answers("Ada")] == ["streams.x"]
