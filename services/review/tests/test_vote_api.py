"""The public vote's API as the contract says, on SQLite and on PostgreSQL: contests, codes (limits,
wrong codes, the lock, expiry), votes (one current per voter, changed by superseding), refusals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from services.review.models.votes import Vote, VoteCode
from services.review.public_app import create_app
from services.review.tests.vote_support import CONTEST, OPEN_NOW, candidates, sent_codes, verified
from shared import clock
from shared.runtime import Runtime

PHONE = "+7 701 123 45 67"


@pytest.fixture(params=["sqlite", "postgresql"])
def vote_runtime(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("TOP100_NOW", OPEN_NOW)
    if request.param == "sqlite":
        yield request.getfixturevalue("runtime")
    else:
        yield request.getfixturevalue("pg_runtime")


@pytest.fixture
def public(vote_runtime: Runtime) -> Flask:
    return create_app(vote_runtime)


def _at(monkeypatch: pytest.MonkeyPatch, delta: timedelta) -> None:
    monkeypatch.setenv("TOP100_NOW", (clock.now() + delta).isoformat())


def test_a_contest_lists_its_candidates_and_its_state(public: Flask, vote_runtime: Runtime) -> None:
    ids = candidates(vote_runtime)
    answer = public.test_client().get(f"/public/api/v1/contests/{CONTEST}?lang=kk")
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["state"], body["stage"], body["scope"]) == ("open", "regional", "almaty")
    assert sorted(c["id"] for c in body["candidates"]) == sorted(ids)
    assert any("Әлихан" in c["name"] for c in body["candidates"])
    assert body["opens_at"].startswith("2026-10-05T19:00:00")
    listed = public.test_client().get("/public/api/v1/contests?year=2026").get_json()["contests"]
    assert {c["id"] for c in listed} >= {CONTEST, "2026-republican-national"}
    assert public.test_client().get("/public/api/v1/contests/2026-regional-mars").status_code == 404


def test_verify_then_vote_then_change_supersedes_the_old_row(public: Flask, vote_runtime: Runtime) -> None:
    first, second, _ = candidates(vote_runtime)
    client = public.test_client()
    verified(client, vote_runtime, PHONE)
    cookie = client.get_cookie("top100_voter")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    answer = client.put(f"/public/api/v1/contests/{CONTEST}/vote", json={"candidate": first})
    assert answer.status_code == 200 and answer.get_json()["changed"] is False
    again = client.put(f"/public/api/v1/contests/{CONTEST}/vote", json={"candidate": first})
    assert again.get_json()["changed"] is False
    changed = client.put(f"/public/api/v1/contests/{CONTEST}/vote", json={"candidate": second})
    assert changed.get_json() == {**changed.get_json(), "candidate": second, "changed": True}
    assert client.get(f"/public/api/v1/contests/{CONTEST}/vote").get_json()["candidate"] == second
    with vote_runtime.db.unit_of_work() as session:
        rows = list(session.scalars(select(Vote).order_by(Vote.id)))
    assert [(r.candidate_id, r.current) for r in rows] == [(first, False), (second, True)]
    assert rows[0].superseded_by == rows[1].id
    assert rows[1].network == "127.0.0.0/24" and len(rows[1].voter_hash) == 64


def test_votes_are_append_only_in_the_database(public: Flask, vote_runtime: Runtime) -> None:
    first, second, _ = candidates(vote_runtime)
    client = public.test_client()
    verified(client, vote_runtime, PHONE)
    client.put(f"/public/api/v1/contests/{CONTEST}/vote", json={"candidate": first})
    for statement in (
        "DELETE FROM votes",
        f"UPDATE votes SET candidate_id = '{second}'",
        "UPDATE votes SET current = false",  # superseding names the row that supersedes
    ):
        with pytest.raises(DBAPIError), vote_runtime.db.unit_of_work() as session:
            session.execute(text(statement))


def test_the_phone_is_stored_nowhere_and_the_code_only_as_an_hmac(
    public: Flask, vote_runtime: Runtime
) -> None:
    candidates(vote_runtime)
    client = public.test_client()
    verification = verified(client, vote_runtime, PHONE)
    code = sent_codes(vote_runtime)[verification]["payload"]["code"]
    with vote_runtime.db.unit_of_work() as session:
        for table in vote_runtime.db.metadata.sorted_tables:
            if table.name == "outbox":  # the event to notify, deleted once published
                continue
            for row in session.execute(select(table)):
                assert "7011234567" not in repr(row), table.name
        stored = session.get(VoteCode, verification)
        assert stored is not None and code not in stored.digest and stored.used_at is not None


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"contest": CONTEST, "phone": "+7 727 123 45 67"}, 422, "phone_invalid"),
        ({"contest": CONTEST, "phone": "+1 202 555 0100"}, 422, "phone_invalid"),
        ({"contest": CONTEST}, 422, "validation_failed"),
        ({"contest": "2026-republican-national", "phone": PHONE}, 409, "contest_closed"),
        ({"contest": "nope", "phone": PHONE}, 404, "not_found"),
    ],
)
def test_code_requests_refused(public: Flask, body: dict, status: int, code: str) -> None:
    answer = public.test_client().post("/public/api/v1/codes", json=body, headers={"Accept-Language": "ru"})
    assert (answer.status_code, answer.get_json()["code"]) == (status, code)
    assert answer.headers["Content-Type"] == "application/problem+json"


def test_an_unreadable_body_is_invalid_json(public: Flask) -> None:
    answer = public.test_client().post("/public/api/v1/codes", data=b"{", content_type="application/json")
    assert (answer.status_code, answer.get_json()["code"]) == (422, "invalid_json")


def test_one_code_a_minute_per_phone_with_retry_after(
    public: Flask, vote_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = public.test_client()
    assert client.post("/public/api/v1/codes", json={"contest": CONTEST, "phone": PHONE}).status_code == 202
    _at(monkeypatch, timedelta(seconds=20))
    again = client.post("/public/api/v1/codes", json={"contest": CONTEST, "phone": "87011234567"})
    assert (again.status_code, again.get_json()["code"], again.headers["Retry-After"]) == (
        429,
        "too_many_codes",
        "40",
    )
    _at(monkeypatch, timedelta(seconds=40))
    assert client.post("/public/api/v1/codes", json={"contest": CONTEST, "phone": PHONE}).status_code == 202


def test_ten_codes_an_hour_per_browser(public: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    client = public.test_client()
    for index in range(10):
        phone = f"+7701000{index:04d}"
        assert (
            client.post("/public/api/v1/codes", json={"contest": CONTEST, "phone": phone}).status_code == 202
        )
    refused = client.post("/public/api/v1/codes", json={"contest": CONTEST, "phone": "+77010009999"})
    assert (refused.status_code, refused.get_json()["code"]) == (429, "too_many_codes")
    assert int(refused.headers["Retry-After"]) == 3600
    # Another browser from the same address still gets its own (the address allows 20 an hour).
    other = public.test_client()
    assert (
        other.post("/public/api/v1/codes", json={"contest": CONTEST, "phone": "+77010009999"}).status_code
        == 202
    )


def test_wrong_codes_count_down_then_lock_even_the_right_code(
    public: Flask, vote_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    candidates(vote_runtime)
    client = public.test_client()
    verification = client.post("/public/api/v1/codes", json={"contest": CONTEST, "phone": PHONE}).get_json()[
        "verification"
    ]
    right = sent_codes(vote_runtime)[verification]["payload"]["code"]
    wrong = "000000" if right != "000000" else "111111"
    left = []
    for _ in range(5):
        answer = client.post(f"/public/api/v1/codes/{verification}/check", json={"code": wrong})
        assert (answer.status_code, answer.get_json()["code"]) == (422, "code_wrong")
        left.append(answer.get_json()["tries_left"])
    assert left == [4, 3, 2, 1, 0]
    locked = client.post(f"/public/api/v1/codes/{verification}/check", json={"code": right})
    assert (locked.status_code, locked.get_json()["code"]) == (429, "phone_locked")
    assert int(locked.headers["Retry-After"]) == 1800
    _at(monkeypatch, timedelta(minutes=30))
    # The lock is over, but the code has expired meanwhile (10 minutes).
    late = client.post(f"/public/api/v1/codes/{verification}/check", json={"code": right})
    assert (late.status_code, late.get_json()["code"]) == (410, "code_expired")


def test_a_code_is_single_use(public: Flask, vote_runtime: Runtime) -> None:
    client = public.test_client()
    verification = verified(client, vote_runtime, PHONE)
    code = sent_codes(vote_runtime)[verification]["payload"]["code"]
    again = client.post(f"/public/api/v1/codes/{verification}/check", json={"code": code})
    assert (again.status_code, again.get_json()["code"]) == (410, "code_expired")
    malformed = client.post(
        f"/public/api/v1/codes/{verification}/check",
        json={"code": "12ab56"},
        headers={"Accept-Language": "en"},
    )
    assert (malformed.status_code, malformed.get_json()["errors"]) == (422, {"code": ["invalid value"]})


def test_votes_refused(public: Flask, vote_runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    first, _, _ = candidates(vote_runtime)
    stranger = public.test_client()
    anonymous = stranger.put(f"/public/api/v1/contests/{CONTEST}/vote", json={"candidate": first})
    assert (anonymous.status_code, anonymous.get_json()["code"]) == (401, "voter_unverified")
    client = public.test_client()
    verified(client, vote_runtime, PHONE)
    other_contest = client.put("/public/api/v1/contests/2026-regional-astana/vote", json={"candidate": first})
    assert other_contest.status_code == 401
    unknown = client.put(f"/public/api/v1/contests/{CONTEST}/vote", json={"candidate": "someone-else"})
    assert (unknown.status_code, unknown.get_json()["code"]) == (422, "candidate_unknown")
    monkeypatch.setenv("TOP100_NOW", "2026-10-14T23:59:59+05:00")
    assert client.put(f"/public/api/v1/contests/{CONTEST}/vote", json={"candidate": first}).status_code == 200
    monkeypatch.setenv("TOP100_NOW", "2026-10-15T00:00:00+05:00")
    closed = client.put(f"/public/api/v1/contests/{CONTEST}/vote", json={"candidate": first})
    assert closed.status_code in (401, 409)  # the cookie ends at the close; the contest too


def test_the_code_event_carries_the_minimum_for_notify(public: Flask, vote_runtime: Runtime) -> None:
    client = public.test_client()
    verification = client.post(
        "/public/api/v1/codes", json={"contest": CONTEST, "phone": PHONE}, headers={"Accept-Language": "en"}
    ).get_json()["verification"]
    event = sent_codes(vote_runtime)[verification]
    assert event["region"] == "almaty" and event["producer"] == "review"
    payload = event["payload"]
    assert set(payload) == {"verification_id", "contest_id", "phone", "code", "language", "expires_at"}
    assert (payload["phone"], payload["language"], payload["contest_id"]) == ("+77011234567", "en", CONTEST)
    assert len(payload["code"]) == 6 and payload["code"].isdigit()
