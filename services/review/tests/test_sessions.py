"""Review's sessions: a logout ends that one session (a copied cookie too) and tells every service;
a reset, a role change or a disabling ends every session of the user (a new generation); every
logout, wherever it happened, is in review's audit log."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from services.review.handlers import HANDLERS
from services.review.models import AuditEntry
from services.review.operations import accounts
from services.review.tests import people
from shared import identity
from shared.envelope import Event
from shared.handling import handle
from shared.runtime import Runtime

User = Callable[..., identity.Identity]


def _signed_in(app: Flask, who: identity.Identity) -> FlaskClient:
    client = app.test_client()
    assert people.log_in(client, who.email).status_code == 303
    return client


def _replay(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser with `client`'s session cookie copied into it."""
    cookie = client.get_cookie(identity.SESSION_COOKIE)
    assert cookie is not None
    copy = app.test_client()
    copy.set_cookie(identity.SESSION_COOKIE, cookie.value)
    return copy


def _log_out(client: FlaskClient) -> None:
    token = people.csrf_token(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def _ended(runtime: Runtime) -> list[Event]:
    with runtime.db.unit_of_work() as session:
        bodies = session.scalars(select(runtime.db.metadata.tables["outbox"].c.body)).all()
    return [event for event in map(Event.from_json, bodies) if event.type == "session.ended"]


def test_a_copied_cookie_is_refused_after_logout_and_another_session_stays(
    app: Flask, runtime: Runtime, user: User
) -> None:
    who = user("regional_member", "shymkent")
    leaving, staying = _signed_in(app, who), _signed_in(app, who)
    copied = _replay(app, leaving)
    assert copied.get("/api/v1/candidates").status_code == 200
    _log_out(leaving)
    assert copied.get("/api/v1/candidates").status_code == 401
    page = copied.get("/")
    assert page.status_code == 302 and "/login?next=" in page.headers["Location"]
    assert staying.get("/api/v1/candidates").status_code == 200 and staying.get("/").status_code == 200
    (ended,) = _ended(runtime)
    assert (ended.region, ended.producer, ended.payload["user_id"]) == ("shymkent", "review", who.user_id)


def test_a_national_users_logout_goes_out_in_the_capitals_region(
    app: Flask, runtime: Runtime, user: User
) -> None:
    _log_out(_signed_in(app, user("admin", "national")))
    assert [event.routing_key for event in _ended(runtime)] == ["session.ended.astana"]


def test_a_role_change_or_a_disabling_ends_every_session_of_the_user(
    app: Flask, runtime: Runtime, user: User
) -> None:
    who = user("regional_member", "almaty")
    first, second = _signed_in(app, who), _signed_in(app, who)
    with runtime.db.unit_of_work() as session:
        accounts.update(session, who.email, role="regional_chair")
    assert first.get("/api/v1/candidates").status_code == 401
    assert second.get("/api/v1/candidates").status_code == 401
    again = _signed_in(app, who)
    assert again.get("/api/v1/candidates").status_code == 200
    with runtime.db.unit_of_work() as session:
        accounts.disable(session, who.email)
    assert again.get("/api/v1/candidates").status_code == 401


def test_a_logout_is_in_reviews_audit_log_once(app: Flask, runtime: Runtime, user: User) -> None:
    """Review records its own logout when it happens; handling its own `session.ended` (twice) adds
    nothing. A logout at media or notify comes from their logs (`audit.recorded`), not from this event."""
    who = user("regional_chair", "almaty")
    _log_out(_signed_in(app, who))
    (ended,) = _ended(runtime)
    for event in (ended, ended):
        handle(runtime, HANDLERS, "review", event)
    with runtime.db.unit_of_work() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "logout")).all()
        logged = [(row.actor_id, row.service, row.region) for row in rows]
    assert logged == [(who.user_id, "review", "almaty")]
