"""The season's pipeline through review's own handlers: submitted with one short statement, advanced
by the region (told what it lacks: `candidate.incomplete`), refused by the working group while
incomplete, then completed by intake's amendment and media's photo by 20 Oct, and named a winner."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from services.review.app import create_app
from services.review.handlers import HANDLERS
from services.review.models import Candidate, outbox
from services.review.tests import seeding
from services.review.tests.factories import event, submitted
from shared.handling import handle
from shared.runtime import Runtime


def emitted(runtime: Runtime, event_type: str) -> list[dict[str, object]]:
    with runtime.db.unit_of_work() as session:
        rows = [json.loads(body) for body in session.scalars(select(outbox.c.body).order_by(outbox.c.id))]
    return [row for row in rows if row["type"] == event_type]


def test_advanced_incomplete_then_amended_then_winner(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP100_NOW", "2026-09-20T10:00:00+05:00")
    handle(runtime, HANDLERS, "review", submitted("nom-pipe", "almaty"))
    with runtime.db.unit_of_work() as session:
        cid = session.scalars(select(Candidate.id)).one()
    client: FlaskClient = create_app(runtime).test_client()
    chair = seeding.token(runtime.settings.secret_key, "regional_chair", "almaty", "kk")
    national = seeding.token(runtime.settings.secret_key, "national_chair", "national", "ru", "nc@example.kz")

    monkeypatch.setenv("TOP100_NOW", "2026-10-14T18:00:00+05:00")
    regional = {
        "year": 2026,
        "stage": "regional",
        "region": "almaty",
        "advanced": [cid],
        "justification": "Иә.",
    }
    assert client.post("/api/v1/decisions", json=regional, headers=chair).status_code == 201
    [told] = emitted(runtime, "candidate.incomplete")
    assert told["payload"]["missing"] == ["statements.kk", "statements.ru", "statements.en", "photo"]
    shown = client.get(f"/api/v1/candidates/{cid}", headers=national).get_json()
    assert (shown["stage"], shown["status"]) == ("republican", "under_review")
    assert "statements.en" in shown["missing"] and "photo" in shown["missing"]

    monkeypatch.setenv("TOP100_NOW", "2026-10-25T10:00:00+05:00")
    winners = {"year": 2026, "stage": "republican", "advanced": [cid], "justification": "Лучшие."}
    refused = client.post("/api/v1/decisions", json=winners, headers=national)
    assert refused.status_code == 409 and refused.get_json()["candidates"][0]["id"] == cid

    amended = {
        "nomination_id": "nom-pipe",
        "changed": ["statements"],
        "statements": dict(seeding.LONG),
        "revision": 2,
    }
    handle(runtime, HANDLERS, "review", event("nomination.amended", amended))
    processed = {
        "nomination_id": "nom-pipe",
        "asset_id": "a-1",
        "derivatives": ["web"],
        "nomination_revision": 1,
    }
    handle(runtime, HANDLERS, "review", event("media.photo_processed", processed, producer="media"))
    assert client.get(f"/api/v1/candidates/{cid}", headers=national).get_json()["missing"] == []
    assert client.post("/api/v1/decisions", json=winners, headers=national).status_code == 201
    [published] = emitted(runtime, "winners.published")
    assert published["region"] == "almaty" and published["payload"]["nomination_ids"] == ["nom-pipe"]
    with runtime.db.unit_of_work() as session:
        assert session.get(Candidate, cid).status == "winner"  # type: ignore[union-attr]
