"""Team sessions: a trainer walks a room through questions; learners answer from their devices.

Who may do what:
- the 6-character code is public (it is read aloud): with it anyone can join and see `state`;
- the trainer's secret (returned once by `start`) is needed to advance, reveal, close and to
  see the answer distribution before the reveal;
- a learner's token (returned once by `join`) is needed to answer as that learner.
Secrets and tokens are stored only as SHA-256 hashes, so a copy of the database file cannot
be used to drive a session; the trainer's secret is compared with hmac.compare_digest.

Every change runs in one write transaction (BEGIN IMMEDIATE), so an answer and a reveal never
interleave: an answer either lands before the reveal or is refused. "One answer per learner
per question" is a UNIQUE constraint, not a read-then-write check. Tables live beside the
progress tables and may share their file; see progress.py for the concurrency notes.

This module does not import the question bank: callers pass question ids to `start` and the
correct option sets to `leaderboard`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from lessons.errors import LabError
from lessons.quiz.progress import (
    ProgressError,
    check_name,
    check_picked,
    check_question_id,
    connect,
    init_schema,
    transaction,
    utc_text,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud
CODE_LENGTH = 6
CODE_ATTEMPTS = 20  # 32**6 codes: a collision is rare, twenty in a row means something broke
SCHEMA_VERSION = 1

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS team_sessions (
        code TEXT PRIMARY KEY,
        trainer TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        question_ids TEXT NOT NULL,
        current INTEGER NOT NULL DEFAULT 0,
        revealed INTEGER NOT NULL DEFAULT 0 CHECK (revealed IN (0, 1)),
        closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
        started_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS team_learners (
        id INTEGER PRIMARY KEY,
        session TEXT NOT NULL REFERENCES team_sessions (code),
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        joined_at TEXT NOT NULL,
        UNIQUE (session, name_key)
    )""",
    """CREATE TABLE IF NOT EXISTS team_answers (
        id INTEGER PRIMARY KEY,
        session TEXT NOT NULL REFERENCES team_sessions (code),
        question_index INTEGER NOT NULL,
        question_id TEXT NOT NULL,
        learner INTEGER NOT NULL REFERENCES team_learners (id),
        picked TEXT NOT NULL,
        answered_at TEXT NOT NULL,
        UNIQUE (session, question_index, learner)
    )""",
)


class SessionError(LabError):
    """A team-session request that is refused; the message says why."""


@dataclass(frozen=True)
class SessionState:
    """What every participant may see. `participants` are in join order; `answered` counts
    answers to the current question so far (how many, not what)."""

    code: str
    trainer: str
    index: int
    total: int
    question_id: str
    revealed: bool
    closed: bool
    participants: tuple[str, ...]
    answered: int


class LeaderboardRow(NamedTuple):
    name: str
    correct: int
    answered: int


@dataclass(frozen=True)
class _Session:
    code: str
    trainer: str
    secret_hash: str
    question_ids: tuple[str, ...]
    current: int
    revealed: bool
    closed: bool

    @property
    def question_id(self) -> str:
        return self.question_ids[self.current]


class TeamSessions:
    """Team sessions in one SQLite file; safe to share across threads and processes."""

    def __init__(self, path: Path | str) -> None:
        self.path = init_schema(path, "session", SCHEMA_VERSION, _SCHEMA)

    def start(
        self, trainer_name: str, question_ids: Sequence[str], now: datetime
    ) -> tuple[str, str]:
        """Open a session at question 0; returns (code, secret). Only the trainer keeps the
        secret: it is shown once and cannot be recovered."""
        trainer = check_name(trainer_name)
        ids = _check_question_ids(question_ids)
        secret = secrets.token_urlsafe(16)
        row = [trainer, _digest(secret), json.dumps(ids), utc_text(now)]
        with connect(self.path) as con:
            for _ in range(CODE_ATTEMPTS):
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                try:
                    with transaction(con):
                        con.execute(
                            "INSERT INTO team_sessions"
                            " (code, trainer, secret_hash, question_ids, started_at)"
                            " VALUES (?, ?, ?, ?, ?)",
                            (code, *row),
                        )
                except sqlite3.IntegrityError:
                    continue  # the code is taken; draw another
                return code, secret
        raise SessionError("Could not find a free session code; try again.")

    def join(self, code: str, learner_name: str, now: datetime) -> str:
        """Add a learner; returns the learner's token. Names are unique per session, ignoring
        case ("Ann" and "ann" would be indistinguishable on the leaderboard)."""
        name = check_name(learner_name)
        token = secrets.token_urlsafe(16)
        stamp = utc_text(now)
        with connect(self.path) as con, transaction(con):
            session = _load(con, code)
            if session.closed:
                raise SessionError(f"Session {session.code} is closed.")
            try:
                con.execute(
                    "INSERT INTO team_learners (session, name, name_key, token_hash, joined_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (session.code, name, name.casefold(), _digest(token), stamp),
                )
            except sqlite3.IntegrityError as exc:
                raise SessionError(
                    f"The name {name!r} is already taken in session {session.code}; pick another."
                ) from exc
        return token

    def state(self, code: str) -> SessionState:
        """The session as anyone with the code may see it."""
        with connect(self.path) as con, transaction(con, write=False):
            return _state(con, _load(con, code))

    def advance(self, code: str, secret: str) -> SessionState:
        """Trainer: move to the next question (hidden again until revealed)."""
        with connect(self.path) as con, transaction(con):
            session = _trainer_load(con, code, secret)
            if session.current + 1 >= len(session.question_ids):
                raise SessionError("This is the last question; close the session instead.")
            con.execute(
                "UPDATE team_sessions SET current = current + 1, revealed = 0 WHERE code = ?",
                (session.code,),
            )
            return _state(con, _load(con, session.code))

    def reveal(self, code: str, secret: str) -> SessionState:
        """Trainer: show the current question's answers; answering it is closed from now on."""
        with connect(self.path) as con, transaction(con):
            session = _trainer_load(con, code, secret)
            con.execute("UPDATE team_sessions SET revealed = 1 WHERE code = ?", (session.code,))
            return _state(con, _load(con, session.code))

    def close(self, code: str, secret: str) -> SessionState:
        """Trainer: end the session; nothing can change afterwards."""
        with connect(self.path) as con, transaction(con):
            session = _trainer_load(con, code, secret)
            con.execute("UPDATE team_sessions SET closed = 1 WHERE code = ?", (session.code,))
            return _state(con, _load(con, session.code))

    def answer(self, code: str, learner_token: str, picked: Sequence[int], now: datetime) -> None:
        """Learner: answer the current question, once, before the reveal."""
        options = check_picked(picked)
        if not options:
            raise SessionError("Pick at least one option.")
        stamp = utc_text(now)
        with connect(self.path) as con, transaction(con):
            session = _load(con, code)
            learner = _learner_id(con, session.code, learner_token)
            if session.closed:
                raise SessionError(f"Session {session.code} is closed.")
            if session.revealed:
                raise SessionError("The answer is already revealed; wait for the next question.")
            _insert_answer(con, session, learner, options, stamp)

    def distribution(self, code: str, secret: str | None = None) -> dict[int, int]:
        """How many learners picked each option of the current question (options nobody
        picked are absent). Before the reveal only the trainer may look; a secret, if given,
        must be right."""
        with connect(self.path) as con, transaction(con, write=False):
            session = _load(con, code)
            if secret is not None:
                _check_secret(session, secret)
            elif not session.revealed:
                raise SessionError("The answers are hidden until the trainer reveals them.")
            rows = con.execute(
                "SELECT picked FROM team_answers WHERE session = ? AND question_index = ?",
                (session.code, session.current),
            ).fetchall()
        counts = Counter(option for (picked,) in rows for option in json.loads(picked))
        return dict(sorted(counts.items()))

    def leaderboard(
        self, code: str, correct_options: Mapping[str, frozenset[int]]
    ) -> list[LeaderboardRow]:
        """(name, correct, answered) per learner, best first: most correct, then fewest
        answers, then name. The current question counts only once revealed (or closed), so
        the board never gives away an answer early. `correct_options` maps each question id
        of the session to its correct option indices (all-or-nothing grading)."""
        with connect(self.path) as con, transaction(con, write=False):
            session = _load(con, code)
            names = dict(
                con.execute("SELECT id, name FROM team_learners WHERE session = ?", (session.code,))
            )
            rows = con.execute(
                "SELECT learner, question_index, question_id, picked FROM team_answers"
                " WHERE session = ?",
                (session.code,),
            ).fetchall()
        return _rank(session, names, rows, correct_options)


# --- helpers ------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _normal_code(code: str) -> str:
    # Codes are typed by hand: forgive case and surrounding spaces.
    return code.strip().upper() if isinstance(code, str) else ""


def _check_question_ids(question_ids: Sequence[str]) -> list[str]:
    if isinstance(question_ids, str) or not question_ids:
        raise SessionError("A session needs at least one question.")
    try:
        return [check_question_id(q) for q in question_ids]
    except ProgressError as exc:
        raise SessionError(str(exc)) from exc


def _load(con: sqlite3.Connection, code: str) -> _Session:
    key = _normal_code(code)
    row = con.execute(
        "SELECT code, trainer, secret_hash, question_ids, current, revealed, closed"
        " FROM team_sessions WHERE code = ?",
        (key,),
    ).fetchone()
    if row is None:
        raise SessionError(f"No session with code {key[: CODE_LENGTH * 2] or '(empty)'}.")
    code, trainer, secret_hash, ids, current, revealed, closed = row
    return _Session(
        code, trainer, secret_hash, tuple(json.loads(ids)), current, bool(revealed), bool(closed)
    )


def _check_secret(session: _Session, secret: str) -> None:
    given = _digest(secret) if isinstance(secret, str) else ""
    if not hmac.compare_digest(given, session.secret_hash):
        raise SessionError(f"Wrong trainer secret for session {session.code}.")


def _trainer_load(con: sqlite3.Connection, code: str, secret: str) -> _Session:
    """The session, after checking the secret; a closed session refuses every change."""
    session = _load(con, code)
    _check_secret(session, secret)
    if session.closed:
        raise SessionError(f"Session {session.code} is closed.")
    return session


def _learner_id(con: sqlite3.Connection, code: str, token: str) -> int:
    row = con.execute(
        "SELECT id FROM team_learners WHERE session = ? AND token_hash = ?",
        (code, _digest(token) if isinstance(token, str) else ""),
    ).fetchone()
    if row is None:
        raise SessionError(f"You have not joined session {code}; join it first.")
    return row[0]


def _insert_answer(
    con: sqlite3.Connection, session: _Session, learner: int, options: tuple[int, ...], stamp: str
) -> None:
    try:
        con.execute(
            "INSERT INTO team_answers"
            " (session, question_index, question_id, learner, picked, answered_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (session.code, session.current, session.question_id, learner, json.dumps(options),
             stamp),
        )  # fmt: skip
    except sqlite3.IntegrityError as exc:
        if "UNIQUE" not in str(exc):
            raise
        raise SessionError("You already answered this question.") from exc


def _state(con: sqlite3.Connection, session: _Session) -> SessionState:
    names = con.execute(
        "SELECT name FROM team_learners WHERE session = ? ORDER BY id", (session.code,)
    ).fetchall()
    (answered,) = con.execute(
        "SELECT COUNT(*) FROM team_answers WHERE session = ? AND question_index = ?",
        (session.code, session.current),
    ).fetchone()
    return SessionState(
        code=session.code,
        trainer=session.trainer,
        index=session.current,
        total=len(session.question_ids),
        question_id=session.question_id,
        revealed=session.revealed,
        closed=session.closed,
        participants=tuple(name for (name,) in names),
        answered=answered,
    )


def _rank(
    session: _Session,
    names: Mapping[int, str],
    rows: Sequence[tuple[int, int, str, str]],
    correct_options: Mapping[str, frozenset[int]],
) -> list[LeaderboardRow]:
    scored = {learner: [0, 0] for learner in names}
    current_counts = session.revealed or session.closed
    for learner, index, question_id, picked in rows:
        if index > session.current or (index == session.current and not current_counts):
            continue
        if question_id not in correct_options:
            raise SessionError(f"No correct options given for question {question_id}.")
        scored[learner][0] += frozenset(json.loads(picked)) == correct_options[question_id]
        scored[learner][1] += 1
    board = [
        LeaderboardRow(names[i], correct, answered) for i, (correct, answered) in scored.items()
    ]
    return sorted(board, key=lambda r: (-r.correct, r.answered, r.name.casefold(), r.name))
