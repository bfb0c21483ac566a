"""Every service's entries in review's one audit log: `audit.recorded` from media and notify kept once,
filtered by service in the API, the page and the CSV; a logout is an entry too."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from services.review.handlers import HANDLERS
from services.review.models import AuditEntry, Candidate
from services.review.tests import people
from services.review.tests.factories import submitted
from shared import identity, testing
from shared.envelope import Event
from shared.handling import handle
from shared.runtime import Runtime


def _recorded(service: str, actor_id: str | None, action: str, what: str | None, **more: Any) -> Event:
    payload = {
        "entry_id": more.pop("entry_id", str(uuid.uuid4())),
        "service": service,
        "actor_id": actor_id,
        "action": action,
        "object": what,
        "at": "2026-10-20T10:00:00+05:00",
        **more,
    }
    return Event(type="audit.recorded", version=1, region="almaty", producer=service, payload=payload)


def test_an_entry_is_kept_once_however_often_it_comes(
    runtime: Runtime, user: Callable[..., identity.Identity]
) -> None:
    handle(runtime, HANDLERS, "review", submitted("nom-0001", "almaty"))
    reader = user("media", identity.NATIONAL)
    event = _recorded("media", reader.user_id, "candidate.read", "nomination:nom-0001")
    assert handle(runtime, HANDLERS, "review", event) is True
    assert handle(runtime, HANDLERS, "review", event) is False  # the same event again: the inbox
    again = Event(**{**event.__dict__, "id": uuid.uuid4()})  # a relay's second copy: a new event id
    assert handle(runtime, HANDLERS, "review", again) is True
    [entry] = [entry for entry in testing.rows_of(runtime, AuditEntry) if entry.service == "media"]
    with runtime.db.unit_of_work() as session:
        candidate = session.scalars(select(Candidate)).one()
        assert (entry.candidate_id, entry.region) == (candidate.id, "almaty")
    assert (entry.service, entry.entry_id, entry.action, entry.object) == (
        "media", event.payload["entry_id"], "candidate.read", "nomination:nom-0001",
    )  # fmt: skip
    assert (entry.actor_id, entry.actor_email, entry.role) == (reader.user_id, reader.email, "media")
    assert entry.at.isoformat() == "2026-10-20T05:00:00+00:00"


def _log(client: FlaskClient, query: str, headers: dict[str, str] | None = None) -> Any:
    return client.get(f"/api/v1/audit?{query}", headers=headers or {})


def test_the_log_shows_every_service_and_filters_by_service(
    runtime: Runtime, app: Flask, client_as: Callable[..., FlaskClient]
) -> None:
    admin, chair = client_as("admin", identity.NATIONAL), client_as("regional_chair", "almaty")
    handle(runtime, HANDLERS, "review", submitted("nom-0001", "almaty"))
    handle(runtime, HANDLERS, "review", _recorded("media", None, "photo.link", "nomination:nom-0001"))
    handle(
        runtime, HANDLERS, "review", _recorded("notify", None, "message.read", "message:m-1", region="almaty")
    )
    handle(runtime, HANDLERS, "review", _recorded("media", None, "kit.download", "kit:k-1"))
    every = _log(admin, "limit=3").get_json()["items"]
    assert [(i["service"], i["action"], i["object"]) for i in every] == [
        ("media", "kit.download", "kit:k-1"),
        ("notify", "message.read", "message:m-1"),
        ("media", "photo.link", "nomination:nom-0001"),
    ]
    assert {i["service"] for i in _log(admin, "limit=100").get_json()["items"]} == {
        "review",
        "media",
        "notify",
    }
    media = _log(admin, "service=media").get_json()["items"]
    assert [i["action"] for i in media] == ["kit.download", "photo.link"]
    refused = _log(admin, "service=intake")
    assert refused.status_code == 422 and "service" in refused.get_json()["errors"]
    rows = list(
        csv.DictReader(
            io.StringIO(admin.get("/audit.csv?service=notify").get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    assert [(r["service"], r["action"], r["object"], r["region"]) for r in rows] == [
        ("notify", "message.read", "message:m-1", "almaty")
    ]
    html = admin.get("/audit?service=media&lang=kk").get_data(as_text=True)
    assert "kit:k-1" in html and "message:m-1" not in html and 'value="media" selected' in html
    # A regional chair sees the entries of their region's candidates and messages, not a kit's.
    theirs = _log(chair, "limit=10").get_json()["items"]
    assert {(i["service"], i["action"]) for i in theirs} >= {
        ("media", "photo.link"),
        ("notify", "message.read"),
    }
    assert "kit.download" not in {i["action"] for i in theirs}


def test_signing_out_is_in_the_log(runtime: Runtime, client_as: Callable[..., FlaskClient]) -> None:
    client = client_as("national_member", identity.NATIONAL)
    token = people.csrf_token(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    [logout] = [entry for entry in testing.rows_of(runtime, AuditEntry) if entry.action == "logout"]
    who = client.identity  # type: ignore[attr-defined]
    assert (logout.service, logout.actor_id, logout.actor_email) == ("review", who.user_id, who.email)
