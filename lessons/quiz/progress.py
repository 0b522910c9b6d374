"""The answer store: every quiz answer a learner gives, kept in one SQLite file.

Why SQLite in WAL mode: one file per installation and no server; readers never block the
writer; a killed process leaves the file consistent, because a transaction is all or nothing.

Concurrency: a connection is opened per call and closed before it returns, because sqlite3
connections must not cross threads and Streamlit runs each session's script in its own thread.
So one `ProgressStore` may be shared by every thread, and several processes may open the same
file. Writers take the write lock up front (BEGIN IMMEDIATE) and wait for it for up to
`BUSY_TIMEOUT_S` (SQLite's busy_timeout) instead of failing with "database is locked".

Limits: the file must be on a local disk (WAL uses shared memory, so no network file systems);
":memory:" is not supported (each call would see a new, empty database). For more than one
server, swap this class for one backed by a server database with the same methods.

Times are passed in (`now`, timezone-aware, normally `datetime.now(UTC)`) and stored as UTC
ISO-8601 text with microseconds, which sorts in time order as text.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import groupby
from pathlib import Path
from typing import NamedTuple

from lessons.errors import LabError

MODES = frozenset({"practice", "exam", "review", "session"})
NAME_MAX = 40
QUESTION_ID_MAX = 200
MAX_OPTIONS = 26  # a generous bound (the bank schema allows 6) that keeps junk indices out
BUSY_TIMEOUT_S = 30.0
SCHEMA_VERSION = 1
CSV_HEADER = ("user", "question_id", "picked", "correct", "mode", "answered_at")
# Characters that make a spreadsheet treat a cell as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters, surrogates and line/paragraph separators: they break layout and logs.
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS learners (
        name TEXT PRIMARY KEY,
        first_seen TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS answers (
        id INTEGER PRIMARY KEY,
        learner TEXT NOT NULL REFERENCES learners(name),
        question_id TEXT NOT NULL,
        picked TEXT NOT NULL,
        correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
        mode TEXT NOT NULL CHECK (mode IN ('practice', 'exam', 'review', 'session')),
        answered_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS answers_by_learner ON answers (learner, answered_at, id)",
)


class ProgressError(LabError):
    """A bad name, answer or time, or a progress database that cannot be used."""


@dataclass(frozen=True)
class AnswerRecord:
    """One stored answer; `picked` holds the chosen option indices, sorted, without repeats."""

    user: str
    question_id: str
    picked: tuple[int, ...]
    correct: bool
    mode: str
    answered_at: datetime


@dataclass(frozen=True)
class Mastery:
    """A group's standing, counting only the latest answer to each question.

    `questions` is how many questions the caller's mapping puts in the group; `share` is
    correct / answered, and 0.0 while nothing in the group has been answered.
    """

    group: str
    questions: int
    answered: int
    correct: int
    share: float


class MasteryPoint(NamedTuple):
    """A group's share correct at the end of a UTC day (a point for a line chart)."""

    day: date
    group: str
    share: float


# --- shared SQLite helpers (session.py uses them too) -------------------------------------


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A short-lived connection in autocommit mode, so transactions are explicit."""
    # `timeout` is SQLite's busy_timeout: a writer waits for the lock instead of failing.
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        con.execute("PRAGMA foreign_keys = ON")  # off by default, and per connection
        # NORMAL is crash-safe in WAL mode; only a power cut may lose the last commits.
        con.execute("PRAGMA synchronous = NORMAL")
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: sqlite3.Connection, *, write: bool = True) -> Iterator[sqlite3.Connection]:
    """All or nothing. Writers lock at BEGIN, so they queue on busy_timeout rather than failing
    when a read would have to be upgraded to a write; readers get one consistent snapshot."""
    try:
        con.execute("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")
    except sqlite3.OperationalError as exc:
        raise ProgressError(f"The progress database is busy; try again ({exc}).") from exc
    try:
        yield con
    except BaseException:
        if con.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
            con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def init_schema(path: Path | str, component: str, version: int, ddl: Sequence[str]) -> Path:
    """Switch the file to WAL and create `component`'s tables if missing; return the path."""
    path = Path(path)
    if str(path) == ":memory:":
        raise ProgressError("The progress store needs a file path, not ':memory:'.")
    try:
        # A fresh data folder (PIPELINE_LAB_DATA pointing somewhere new) may not exist yet.
        path.parent.mkdir(parents=True, exist_ok=True)
        with connect(path) as con:
            # journal_mode is stored in the file; setting it needs a lock, so only when needed.
            if con.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                con.execute("PRAGMA journal_mode = WAL")
            with transaction(con):
                _create(con, path, component, version, ddl)
    except sqlite3.DatabaseError as exc:
        raise ProgressError(f"{path} is not a usable Pipeline Lab database ({exc}).") from exc
    except OSError as exc:
        raise ProgressError(f"Cannot create the progress store at {path}: {exc}") from exc
    return path


def _create(
    con: sqlite3.Connection, path: Path, component: str, version: int, ddl: Sequence[str]
) -> None:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_versions"
        " (component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
    )
    found = con.execute(
        "SELECT version FROM schema_versions WHERE component = ?", (component,)
    ).fetchone()
    if found and found[0] > version:
        raise ProgressError(
            f"{path} was written by a newer Pipeline Lab ({component} schema {found[0]}, "
            f"this one knows {version}); update the app."
        )
    for statement in ddl:
        con.execute(statement)
    if not found:
        con.execute("INSERT INTO schema_versions VALUES (?, ?)", (component, version))


def utc_text(now: datetime) -> str:
    """`now` as fixed-width UTC text; refuses naive times, whose zone is a guess."""
    if not isinstance(now, datetime) or now.utcoffset() is None:
        raise ProgressError("Pass a timezone-aware time such as datetime.now(UTC).")
    return now.astimezone(UTC).isoformat(timespec="microseconds")


def check_name(name: str) -> str:
    """The name, stripped and NFC-normalised; 1 to 40 characters, no control characters.

    Markup such as `<script>` is allowed and kept verbatim: it is text, and the app escapes it.
    """
    if not isinstance(name, str):
        raise ProgressError("A name needs 1 to 40 characters.")
    # NFC so that "é" typed as one or two code points is the same name.
    cleaned = unicodedata.normalize("NFC", name).strip()
    if not 1 <= len(cleaned) <= NAME_MAX:
        raise ProgressError(f"A name needs 1 to {NAME_MAX} characters.")
    if any(unicodedata.category(ch) in FORBIDDEN_CATEGORIES for ch in cleaned):
        raise ProgressError("A name cannot contain control characters such as tabs or newlines.")
    return cleaned


def check_picked(picked: Iterable[int]) -> tuple[int, ...]:
    """Option indices, sorted and without repeats (picking is a set, as in grading)."""
    if isinstance(picked, str | bytes):
        raise ProgressError("Picked options must be option numbers 0, 1, 2, ...")
    values = tuple(picked)
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < MAX_OPTIONS:
            raise ProgressError("Picked options must be option numbers 0, 1, 2, ...")
    return tuple(sorted(set(values)))


def check_question_id(question_id: str) -> str:
    if not isinstance(question_id, str) or not 1 <= len(question_id) <= QUESTION_ID_MAX:
        raise ProgressError(f"A question id needs 1 to {QUESTION_ID_MAX} characters.")
    return question_id


# --- the store ----------------------------------------------------------------------------


class ProgressStore:
    """Answers per learner in one SQLite file; safe to share across threads and processes."""

    def __init__(self, path: Path | str) -> None:
        self.path = init_schema(path, "progress", SCHEMA_VERSION, _SCHEMA)

    def record(
        self,
        user: str,
        question_id: str,
        picked: Sequence[int],
        correct: bool,
        mode: str,
        now: datetime,
    ) -> None:
        """Store one answer (and the learner on first sight) in one transaction."""
        name = check_name(user)
        row = (
            name,
            check_question_id(question_id),
            json.dumps(check_picked(picked)),
            int(bool(correct)),
            _check_mode(mode),
            utc_text(now),
        )
        with connect(self.path) as con, transaction(con):
            con.execute(
                "INSERT INTO learners (name, first_seen) VALUES (?, ?)"
                " ON CONFLICT (name) DO NOTHING",
                (name, row[-1]),
            )
            con.execute(
                "INSERT INTO answers (learner, question_id, picked, correct, mode, answered_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                row,
            )

    def answers(self, user: str) -> list[AnswerRecord]:
        """Every answer of `user`, oldest first (ties keep the order they were stored in)."""
        with connect(self.path) as con:
            rows = con.execute(
                "SELECT learner, question_id, picked, correct, mode, answered_at FROM answers"
                " WHERE learner = ? ORDER BY answered_at, id",
                (check_name(user),),
            ).fetchall()
        return [_record(row) for row in rows]

    def users(self) -> list[str]:
        """Every learner who has answered something, alphabetically (ignoring case)."""
        with connect(self.path) as con:
            rows = con.execute("SELECT name FROM learners").fetchall()
        return sorted((row[0] for row in rows), key=lambda n: (n.casefold(), n))

    def mastery(self, user: str, question_groups: Mapping[str, str]) -> list[Mastery]:
        """Per group (sorted by name), counting only the latest answer to each question.

        Why latest: it measures what the learner knows now; retrying a question until it is
        right does not inflate the share, and an old mistake stops counting once fixed.
        Answers to questions missing from `question_groups` (e.g. removed from the bank) are
        ignored; every group in the mapping is listed, answered or not.
        """
        latest = {r.question_id: r.correct for r in self.answers(user)}
        return _mastery(latest, question_groups)

    def mastery_over_time(
        self, user: str, question_groups: Mapping[str, str]
    ) -> list[MasteryPoint]:
        """Mastery share per group at the end of each UTC day with answers (same rule as
        `mastery`); groups with nothing answered yet are left out. Sorted by day, group."""
        latest: dict[str, bool] = {}
        points: list[MasteryPoint] = []
        for day, records in groupby(self.answers(user), key=lambda r: r.answered_at.date()):
            latest.update((r.question_id, r.correct) for r in records)
            points += [
                MasteryPoint(day, m.group, m.share)
                for m in _mastery(latest, question_groups)
                if m.answered
            ]
        return points

    def export_csv(self, user: str, *, spreadsheet_safe: bool = False) -> str:
        """The user's answers as CSV text with a header row (RFC 4180 quoting).

        `picked` is space-separated indices, `correct` is true/false, times are UTC ISO-8601.
        With `spreadsheet_safe`, text cells that a spreadsheet would run as a formula get a
        leading apostrophe (the data is then no longer verbatim).
        """
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        for r in self.answers(user):
            cells = [r.user, r.question_id, " ".join(map(str, r.picked))]
            if spreadsheet_safe:
                cells = [_defuse(cell) for cell in cells]
            correct = "true" if r.correct else "false"
            writer.writerow([*cells, correct, r.mode, r.answered_at.isoformat()])
        return out.getvalue()


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ProgressError(f"Unknown answer mode {mode!r}; use one of {', '.join(sorted(MODES))}.")
    return mode


def _record(row: tuple) -> AnswerRecord:
    user, question_id, picked, correct, mode, answered_at = row
    return AnswerRecord(
        user=user,
        question_id=question_id,
        picked=tuple(json.loads(picked)),
        correct=bool(correct),
        mode=mode,
        answered_at=datetime.fromisoformat(answered_at),
    )


def _mastery(latest: Mapping[str, bool], question_groups: Mapping[str, str]) -> list[Mastery]:
    sizes = Counter(question_groups.values())
    answered: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    for question_id, ok in latest.items():
        group = question_groups.get(question_id)
        if group is not None:
            answered[group] += 1
            correct[group] += ok
    return [
        Mastery(
            group=group,
            questions=sizes[group],
            answered=answered[group],
            correct=correct[group],
            share=correct[group] / answered[group] if answered[group] else 0.0,
        )
        for group in sorted(sizes)
    ]


def _defuse(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell
