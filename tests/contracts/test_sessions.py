"""A logout ends that one session at every service: review, media and notify refuse its cookie as soon
as their worker has `session.ended`; intake never accepts a cookie at all.

Review, media and notify run here on their own SQLite databases sharing one data folder
(and so one secret, as the services share `TOP100_SECRET_KEY`). The worker's part is played by
`shared.handling.handle`, fed with the events the logging-out service wrote into its outbox.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from services.review.tests import people
from shared import config, identity, topology
from shared.envelope import Event
from shared.handling import handle
from shared.runtime import Runtime

#: An API and a page of each service that an administrator may open.
PLACES = {
    "review": ("/api/v1/candidates", "/"),
    "media": ("/api/v1/assets?year=2026", "/"),
    "notify": ("/api/v1/messages", "/"),
}


@pytest.fixture
def services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, tuple[Runtime, Flask]]]:
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    built: dict[str, tuple[Runtime, Flask]] = {}
    for service in PLACES:
        monkeypatch.delenv(f"{service.upper()}_DATABASE_URL", raising=False)
        settings = dataclasses.replace(
            config.load(service), database_url=f"sqlite:///{tmp_path / service}.sqlite3"
        )
        runtime = importlib.import_module(f"services.{service}.bootstrap").build(settings)
        runtime.db.create_all()
        built[service] = (runtime, importlib.import_module(f"services.{service}.app").create_app(runtime))
    yield built
    for runtime, _app in built.values():
        runtime.db.dispose()


def _deliver(source: Runtime, target: Runtime) -> int:
    """What `target`'s worker does with `source`'s outbox: every event it follows, through its inbox."""
    service = target.settings.service
    handlers = importlib.import_module(f"services.{service}.handlers").HANDLERS
    with source.db.unit_of_work() as session:
        bodies = session.scalars(select(source.db.metadata.tables["outbox"].c.body)).all()
    delivered = 0
    for event in (Event.from_json(body) for body in bodies):
        if event.routing_key.split(".")[0] in topology.SUBSCRIPTIONS[service]:
            delivered += handle(target, handlers, service, event)
    return delivered


def _cookie(client: FlaskClient) -> str:
    found = client.get_cookie(identity.SESSION_COOKIE)
    assert found is not None
    return found.value


def _as(app: Flask, cookie: str) -> FlaskClient:
    client = app.test_client()
    client.set_cookie(identity.SESSION_COOKIE, cookie)
    return client


def _accepted(app: Flask, cookie: str, service: str) -> bool:
    """Whether `service` takes the cookie, on its API and on its page alike."""
    api, page = PLACES[service]
    answer, shown = _as(app, cookie).get(api), _as(app, cookie).get(page)
    if answer.status_code == 401:
        assert shown.status_code == 302 and "/login?next=" in shown.headers["Location"]
        return False
    assert answer.status_code == 200 and shown.status_code == 200, (answer.status_code, shown.status_code)
    return True


def _log_out(app: Flask, client: FlaskClient, page: str) -> None:
    token = people.csrf_token(client.get(page).get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


@pytest.mark.parametrize("service", ["media", "notify"])
def test_a_logout_at_review_ends_the_cookie_at_a_service_once_its_worker_has_the_event(
    services: dict[str, tuple[Runtime, Flask]], service: str
) -> None:
    (review, review_app), (runtime, app) = services["review"], services[service]
    who = people.create_user(review, "admin", "national")
    leaving, staying = review_app.test_client(), review_app.test_client()
    for client in (leaving, staying):
        assert people.log_in(client, who.email).status_code == 303
    copied, other = _cookie(leaving), _cookie(staying)
    assert _accepted(app, copied, service) and _accepted(review_app, copied, "review")

    _log_out(review_app, leaving, "/")
    assert not _accepted(review_app, copied, "review")  # review: at once, in the logout's transaction
    assert _accepted(app, copied, service)  # the other service: not before its worker has the event
    assert _deliver(review, runtime) >= 1
    assert not _accepted(app, copied, service)
    assert _accepted(app, other, service) and _accepted(review_app, other, "review")


@pytest.mark.parametrize("service", ["media", "notify"])
def test_a_logout_at_a_service_ends_the_cookie_at_review_too(
    services: dict[str, tuple[Runtime, Flask]], service: str
) -> None:
    (review, review_app), (runtime, app) = services["review"], services[service]
    who = people.create_user(review, "admin", "national")
    client = review_app.test_client()
    assert people.log_in(client, who.email).status_code == 303
    copied = _cookie(client)
    _log_out(app, _as(app, copied), PLACES[service][1])
    assert not _accepted(app, copied, service)
    assert _accepted(review_app, copied, "review")
    # session.ended, and the audit entries of what the person did at that service (the logout too)
    assert _deliver(runtime, review) >= 1
    assert not _accepted(review_app, copied, "review")
