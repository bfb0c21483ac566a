"""Races on PostgreSQL: what the database must settle when a voter's requests arrive at once.

Each request runs through the public app in a thread of its own (its own connection), released
together by a barrier: the same phone voting from 20 sessions counts once (one current row), and 20
wrong codes at once are compared 5 times, the other 15 refused by the lock.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from services.review.models.votes import Vote, WrongCode
from services.review.public_app import create_app
from services.review.tests.vote_support import CONTEST, OPEN_NOW, candidates, sent_codes, verified
from shared.runtime import Runtime

SESSIONS = 20


@pytest.fixture
def public(pg_runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setenv("TOP100_NOW", OPEN_NOW)
    return create_app(pg_runtime)


def _at_once(work: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(SESSIONS)
    results: list[Any] = [None] * SESSIONS

    def run(index: int) -> None:
        barrier.wait()
        results[index] = work(index)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(SESSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_one_phone_voting_from_twenty_sessions_at_once_counts_once(
    public: Flask, pg_runtime: Runtime
) -> None:
    ids = candidates(pg_runtime, 3)
    first = public.test_client()
    verified(first, pg_runtime, "+77011234567")
    voter_cookie = first.get_cookie("top100_voter")
    assert voter_cookie is not None
    clients = []
    for _ in range(SESSIONS):
        client = public.test_client()
        client.set_cookie("top100_voter", voter_cookie.value)
        clients.append(client)

    def vote(index: int) -> tuple[int, Any]:
        answer = clients[index].put(
            f"/public/api/v1/contests/{CONTEST}/vote", json={"candidate": ids[index % 3]}
        )
        return answer.status_code, answer.get_json()

    results = _at_once(vote)
    assert Counter(status for status, _ in results) == {200: SESSIONS}
    with pg_runtime.db.unit_of_work() as session:
        rows = list(session.scalars(select(Vote).order_by(Vote.id)))
    current = [row for row in rows if row.current]
    assert len(current) == 1
    # Every other row was superseded by a row that exists: one chain, nothing lost, nothing doubled.
    by_id = {row.id: row for row in rows}
    assert all(row.superseded_by in by_id for row in rows if not row.current)
    assert len({row.superseded_by for row in rows if not row.current}) == len(rows) - 1
    changed = sum(1 for _, body in results if body["changed"])
    assert len(rows) == 1 + changed
    # The answer of the last change is what is recorded.
    assert current[0].candidate_id in ids


def test_twenty_wrong_codes_at_once_lock_after_exactly_five_checks(
    public: Flask, pg_runtime: Runtime
) -> None:
    client = public.test_client()
    answer = client.post("/public/api/v1/codes", json={"contest": CONTEST, "phone": "+77019876543"})
    verification = answer.get_json()["verification"]
    right = sent_codes(pg_runtime)[verification]["payload"]["code"]
    wrong = "000000" if right != "000000" else "111111"
    clients = [public.test_client() for _ in range(SESSIONS)]

    def check(index: int) -> tuple[int, str]:
        answer = clients[index].post(f"/public/api/v1/codes/{verification}/check", json={"code": wrong})
        return answer.status_code, answer.get_json()["code"]

    results = _at_once(check)
    assert Counter(results) == {(422, "code_wrong"): 5, (429, "phone_locked"): SESSIONS - 5}
    with pg_runtime.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(WrongCode)) == 5
    locked = client.post(f"/public/api/v1/codes/{verification}/check", json={"code": right})
    assert (locked.status_code, locked.get_json()["code"]) == (429, "phone_locked")
