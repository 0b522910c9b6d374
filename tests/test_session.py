"""Team sessions: the trainer's flow, every refusal, and a room of learners answering at once."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lessons.errors import LabError
from lessons.quiz.progress import ProgressError, ProgressStore
from lessons.quiz.session import (
    CODE_ALPHABET,
    CODE_LENGTH,
    LeaderboardRow,
    SessionError,
    SessionState,
    TeamSessions,
)

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
QUESTIONS = ["streams.a", "streams.b", "lake.c"]
CORRECT = {"streams.a": frozenset({1}), "streams.b": frozenset({0, 2}), "lake.c": frozenset({3})}


@pytest.fixture
def teams(tmp_path: Path) -> TeamSessions:
    return TeamSessions(tmp_path / "lab.sqlite")


@pytest.fixture
def started(teams: TeamSessions) -> tuple[str, str]:
    return teams.start("Trainer", QUESTIONS, T0)


def test_the_full_trainer_flow(teams: TeamSessions, started: tuple[str, str]) -> None:
    code, secret = started
    assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    ann = teams.join(code, "Ann", T0)
    bob = teams.join(code.lower() + " ", "  Bob ", T0)  # codes are forgiving when typed
    assert teams.state(code) == SessionState(
        code=code, trainer="Trainer", index=0, total=3, question_id="streams.a",
        revealed=False, closed=False, participants=("Ann", "Bob"), answered=0,
    )  # fmt: skip

    teams.answer(code, ann, [1], T0)
    teams.answer(code, bob, [0], T0)
    assert teams.state(code).answered == 2
    assert teams.distribution(code, secret) == {0: 1, 1: 1}
    assert teams.leaderboard(code, CORRECT) == [("Ann", 0, 0), ("Bob", 0, 0)]  # not yet revealed
    assert teams.reveal(code, secret).revealed
    assert teams.distribution(code) == {0: 1, 1: 1}
    assert teams.leaderboard(code, CORRECT) == [("Ann", 1, 1), ("Bob", 0, 1)]

    state = teams.advance(code, secret)
    assert (state.index, state.question_id, state.revealed, state.answered) == (
        1, "streams.b", False, 0,
    )  # fmt: skip
    teams.answer(code, ann, [2], T0)  # only half of the correct set: wrong
    teams.answer(code, bob, [2, 0], T0)
    teams.advance(code, secret)  # moved on without a reveal: question 1 now counts
    teams.answer(code, bob, [3], T0)
    assert teams.distribution(code, secret) == {3: 1}
    assert teams.close(code, secret).closed  # closing counts the last question too
    board = teams.leaderboard(code, CORRECT)
    assert board == [LeaderboardRow("Bob", 2, 3), LeaderboardRow("Ann", 1, 2)]
    assert board[0].name == "Bob"


def test_unknown_code_is_refused_everywhere(teams: TeamSessions, started) -> None:
    _code, secret = started
    calls = [
        lambda: teams.join("ZZZZZZ", "Ann", T0),
        lambda: teams.state("ZZZZZZ"),
        lambda: teams.advance("ZZZZZZ", secret),
        lambda: teams.answer("ZZZZZZ", "token", [0], T0),
        lambda: teams.distribution("ZZZZZZ", secret),
        lambda: teams.leaderboard("ZZZZZZ", CORRECT),
    ]
    for call in calls:
        with pytest.raises(SessionError, match="No session with code ZZZZZZ"):
            call()


@pytest.mark.parametrize("action", ["advance", "reveal", "close"])
@pytest.mark.parametrize("wrong", ["nope", "", None])
def test_a_wrong_secret_changes_nothing(teams: TeamSessions, started, action, wrong) -> None:
    code, _secret = started
    _other_code, other_secret = teams.start("Other", QUESTIONS, T0)
    teams.join(code, "Ann", T0)
    before = teams.state(code)
    for secret in (wrong, other_secret):  # another session's secret is just as wrong
        with pytest.raises(SessionError, match="Wrong trainer secret"):
            getattr(teams, action)(code, secret)
    assert teams.state(code) == before


def test_a_learner_answers_each_question_once(teams: TeamSessions, started) -> None:
    code, _secret = started
    ann = teams.join(code, "Ann", T0)
    teams.answer(code, ann, [1], T0)
    with pytest.raises(SessionError, match="already answered"):
        teams.answer(code, ann, [0], T0 + timedelta(seconds=1))
    assert teams.state(code).answered == 1


def test_no_answer_after_the_reveal_or_the_close(teams: TeamSessions, started) -> None:
    code, secret = started
    ann, bob = teams.join(code, "Ann", T0), teams.join(code, "Bob", T0)
    teams.answer(code, ann, [1], T0)
    teams.reveal(code, secret)
    with pytest.raises(SessionError, match="already revealed"):
        teams.answer(code, bob, [1], T0)
    assert teams.distribution(code) == {1: 1}
    teams.advance(code, secret)
    teams.close(code, secret)
    with pytest.raises(SessionError, match="closed"):
        teams.answer(code, bob, [0], T0)
    for change in (teams.advance, teams.reveal):
        with pytest.raises(SessionError, match="closed"):
            change(code, secret)
    with pytest.raises(SessionError, match="closed"):
        teams.join(code, "Cleo", T0)


def test_the_distribution_is_the_trainers_until_the_reveal(teams: TeamSessions, started) -> None:
    code, secret = started
    teams.answer(code, teams.join(code, "Ann", T0), [1], T0)
    with pytest.raises(SessionError, match="hidden until the trainer reveals"):
        teams.distribution(code)
    with pytest.raises(SessionError, match="Wrong trainer secret"):
        teams.distribution(code, "guess")
    assert teams.distribution(code, secret) == {1: 1}


def test_names_are_checked_and_unique_per_session(teams: TeamSessions, started) -> None:
    code, _secret = started
    teams.join(code, "Ann", T0)
    with pytest.raises(SessionError, match="already taken"):
        teams.join(code, " ann ", T0)  # same name, ignoring case and spaces
    for bad in ("", "   ", "x" * 41, "a\nb"):
        with pytest.raises(ProgressError, match="name"):
            teams.join(code, bad, T0)
    with pytest.raises(LabError, match="1 to 40"):
        teams.start("", QUESTIONS, T0)
    other, _ = teams.start("Trainer 2", QUESTIONS, T0)
    teams.join(other, "Ann", T0)  # names are per session
    assert teams.join(code, "<script>alert(1)</script>", T0)
    assert teams.state(code).participants == ("Ann", "<script>alert(1)</script>")


def test_other_refusals(teams: TeamSessions, started) -> None:
    code, secret = started
    ann = teams.join(code, "Ann", T0)
    with pytest.raises(SessionError, match="not joined"):
        teams.answer(code, "forged-token", [0], T0)
    other, _ = teams.start("Other", QUESTIONS, T0)
    with pytest.raises(SessionError, match="not joined"):
        teams.answer(other, ann, [0], T0)  # a token belongs to one session
    with pytest.raises(SessionError, match="at least one option"):
        teams.answer(code, ann, [], T0)
    with pytest.raises(SessionError, match="at least one question"):
        teams.start("Trainer", [], T0)
    teams.advance(code, secret)
    teams.advance(code, secret)
    with pytest.raises(SessionError, match="last question"):
        teams.advance(code, secret)
    teams.answer(code, ann, [3], T0)
    teams.close(code, secret)
    with pytest.raises(SessionError, match=r"No correct options given for question lake\.c\."):
        teams.leaderboard(code, {"streams.a": frozenset({1})})


def test_secrets_and_tokens_are_stored_only_as_hashes(teams: TeamSessions, started) -> None:
    code, secret = started
    token = teams.join(code, "Ann", T0)
    dump = "\n".join(sqlite3.connect(teams.path).iterdump())
    assert secret not in dump and token not in dump and code in dump


def test_sessions_share_a_file_with_the_progress_store(tmp_path: Path) -> None:
    path = tmp_path / "lab.sqlite"
    store, teams = ProgressStore(path), TeamSessions(path)
    code, _ = teams.start("Trainer", QUESTIONS, T0)
    store.record("Ann", "streams.a", [1], True, "session", T0)
    assert TeamSessions(path).state(code).total == 3
    assert ProgressStore(path).users() == ["Ann"]


def test_thirty_learners_answering_fifty_rounds_at_once(tmp_path: Path) -> None:
    teams = TeamSessions(tmp_path / "room.sqlite")
    learners, rounds, options = 30, 50, 4
    questions = [f"q.{i}" for i in range(rounds)]
    correct = {q: frozenset({i % options}) for i, q in enumerate(questions)}
    code, secret = teams.start("Trainer", questions, T0)
    tokens = [teams.join(code, f"learner {n}", T0) for n in range(learners)]
    round_open = threading.Barrier(learners + 1)
    round_done = threading.Barrier(learners + 1)
    errors: list[BaseException] = []

    def pick(n: int, i: int) -> list[int]:
        return [(n + i) % options]  # right when n % 4 == 0

    def learner(n: int) -> None:
        try:
            for i in range(rounds):
                round_open.wait()
                teams.answer(code, tokens[n], pick(n, i), T0 + timedelta(seconds=i))
                round_done.wait()
        except BaseException as exc:  # collected, so a failure shows in the assertion below
            errors.append(exc)
            round_open.abort()
            round_done.abort()

    workers = [threading.Thread(target=learner, args=(n,)) for n in range(learners)]
    for worker in workers:
        worker.start()
    for i in range(rounds):
        round_open.wait()
        round_done.wait()
        assert teams.state(code).answered == learners
        assert sum(teams.distribution(code, secret).values()) == learners
        teams.reveal(code, secret)
        if i + 1 < rounds:
            teams.advance(code, secret)
    for worker in workers:
        worker.join()
    teams.close(code, secret)

    assert errors == []
    with sqlite3.connect(teams.path) as con:
        rows = con.execute(
            "SELECT l.name, a.question_id, a.picked FROM team_answers a"
            " JOIN team_learners l ON l.id = a.learner"
        ).fetchall()
    assert len(rows) == learners * rounds
    assert len({(name, q) for name, q, _ in rows}) == learners * rounds
    right = Counter(name for name, q, picked in rows if frozenset(json.loads(picked)) == correct[q])
    answered = Counter(name for name, _, _ in rows)
    recount = sorted(
        ((name, right[name], answered[name]) for name in answered),
        key=lambda r: (-r[1], r[2], r[0].casefold(), r[0]),
    )
    assert teams.leaderboard(code, correct) == recount
    assert recount[0] == ("learner 0", rounds, rounds)
