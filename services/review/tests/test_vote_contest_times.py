"""An admin moves a public vote's times until it opens, never after (409 `contest_frozen`): the new
times are what the public then reads, the change is in the audit log, and nobody else may make it."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from services.review.app import create_app
from services.review.models import AuditEntry
from services.review.public_app import create_app as create_public_app
from services.review.tests.tokens import token_headers as bearer
from services.review.tests.vote_support import OPEN_NOW, candidates
from shared.runtime import Runtime

CONTEST = "2026-regional-almaty"
#: A week before the regional vote of 2026 opens (6 October, Almaty).
BEFORE = "2026-09-29T12:00:00+05:00"
MOVED = {"opens_at": "2026-10-07T09:00:00+05:00", "closes_at": "2026-10-15T21:00:00+05:00"}


@pytest.fixture
def client(runtime: Runtime) -> FlaskClient:
    return create_app(runtime).test_client()


def test_an_admin_moves_the_times_before_the_opening_and_the_public_reads_them(
    client: FlaskClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP100_NOW", BEFORE)
    admin = bearer(runtime, "admin")
    moved = client.patch(f"/api/v1/contests/{CONTEST}", json=MOVED, headers=admin)
    assert moved.status_code == 200, moved.get_json()
    body = moved.get_json()
    assert (body["opens_at"], body["closes_at"]) == ("2026-10-07T04:00:00+00:00", "2026-10-15T16:00:00+00:00")
    assert (body["state"], body["frozen"]) == ("upcoming", False)
    public = create_public_app(runtime).test_client().get(f"/public/api/v1/contests/{CONTEST}").get_json()
    assert (public["opens_at"], public["closes_at"]) == (body["opens_at"], body["closes_at"])
    with runtime.db.unit_of_work() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "contest.times")).one()
    assert entry.region == "almaty" and entry.details["contest"] == CONTEST
    assert entry.details["before"][0].startswith("2026-10-05T19:00:00")


def test_once_open_the_times_are_frozen(
    client: FlaskClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    candidates(runtime)
    monkeypatch.setenv("TOP100_NOW", OPEN_NOW)
    refused = client.patch(f"/api/v1/contests/{CONTEST}", json=MOVED, headers=bearer(runtime, "admin"))
    assert refused.status_code == 409 and refused.get_json()["code"] == "contest_frozen"
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    shown = create_public_app(runtime).test_client().get(f"/public/api/v1/contests/{CONTEST}").get_json()
    assert shown["opens_at"].startswith("2026-10-05T19:00:00") and shown["state"] == "open"


def test_bad_times_and_other_callers_are_refused(
    client: FlaskClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP100_NOW", BEFORE)
    admin = bearer(runtime, "admin")
    url = f"/api/v1/contests/{CONTEST}"
    backwards = {"opens_at": MOVED["closes_at"], "closes_at": MOVED["opens_at"]}
    assert client.patch(url, json=backwards, headers=admin).get_json()["code"] == "contest_times_invalid"
    past = {"opens_at": "2026-09-01T00:00:00+05:00", "closes_at": MOVED["closes_at"]}
    assert client.patch(url, json=past, headers=admin).status_code == 422
    naive = client.patch(url, json={**MOVED, "opens_at": "2026-10-07T09:00:00"}, headers=admin)
    assert naive.status_code == 422 and "opens_at" in naive.get_json()["errors"]
    assert client.patch(url, data=b"{", headers=admin).get_json()["code"] == "invalid_json"
    assert client.patch("/api/v1/contests/2026-regional-mars", json=MOVED, headers=admin).status_code == 404
    chair = bearer(runtime, "regional_chair", "almaty")
    assert client.patch(url, json=MOVED, headers=chair).status_code == 403
    assert client.patch(url, json=MOVED).status_code == 401
