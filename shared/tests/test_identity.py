"""The shared identity: signed credentials, revocation by generation, access before every view, CSRF.

A tiny app on the real service kit (`create_service_app`) with a public view, a view for any
signed-in caller, an admin-only view, a page and a state-changing API view.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Blueprint, Flask, jsonify

from shared import config, identity
from shared.envelope import Event
from shared.handling import handle
from shared.models import service_base
from shared.runtime import build_runtime
from shared.web import create_service_app


def _identity(**changes: object) -> identity.Identity:
    base = identity.Identity(
        user_id="u-1",
        email="aliya@example.kz",
        name="Әлия Нұрғалиқызы",
        role="regional_member",
        scope="almaty",
        language="kk",
        generation=1,
        expires_at=datetime.now(UTC) + timedelta(hours=1),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TOP100_SECRET_KEY", "test-secret")
    settings = dataclasses.replace(
        config.load("review"), database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", secure_cookies=False
    )
    runtime = build_runtime("review", service_base().metadata, settings)
    runtime.db.create_all()
    bp = Blueprint("demo", __name__)

    @bp.get("/open")
    @identity.public
    def open_view() -> str:
        return "open"

    @bp.get("/page")
    def page() -> str:
        return f"hello {identity.caller().name}"

    @bp.get("/api/v1/me")
    def me() -> object:
        return jsonify(user=identity.caller().user_id, via=identity.caller().via)

    @bp.post("/api/v1/things")
    def things() -> object:
        return jsonify(ok=True)

    @bp.get("/api/v1/admin")
    @identity.roles("admin")
    def admin_only() -> object:
        return jsonify(ok=True)

    @bp.post("/sign-in-as/<role>")
    @identity.public
    def sign_in_as(role: str) -> str:
        identity.sign_in(_identity(role=role, scope="national" if role == "admin" else "almaty"))
        return "signed in"

    @bp.get("/csrf")
    @identity.public
    def csrf_token() -> str:
        from flask_wtf.csrf import generate_csrf

        return generate_csrf()

    app = create_service_app(__name__, runtime, (bp,))
    app.extensions["test.runtime"] = runtime
    return app


def _signed_in(app: Flask, role: str = "regional_member") -> object:
    client = app.test_client()
    token = client.get("/csrf").text
    assert client.post(f"/sign-in-as/{role}", data={"csrf_token": token}).status_code == 200
    return client


def test_a_token_round_trips_and_a_tampered_or_expired_one_does_not() -> None:
    token = identity.issue_token("s", _identity())
    read = identity.read_token("s", token)
    assert read is not None and read.name == "Әлия Нұрғалиқызы" and read.via == "token"
    assert identity.read_token("other", token) is None
    assert identity.read_token("s", token[:-2] + ("AA" if not token.endswith("AA") else "BB")) is None
    expired = identity.issue_token("s", _identity(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert identity.read_token("s", expired) is None


def test_a_token_expires_by_the_programmes_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    token = identity.issue_token("s", _identity(expires_at=datetime(2026, 10, 1, tzinfo=UTC)))
    monkeypatch.setenv("TOP100_NOW", "2026-09-30T23:00:00+00:00")
    assert identity.read_token("s", token) is not None
    monkeypatch.setenv("TOP100_NOW", "2026-10-01T00:00:01+00:00")
    assert identity.read_token("s", token) is None


def test_anonymous_callers_get_401_on_the_api_and_the_login_page_for_pages(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/open").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/me").status_code == 401
    page = client.get("/page")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("http://127.0.0.1:8002/login?next=")
    assert "%2Fpage" in page.headers["Location"]


def test_a_bearer_token_authenticates_and_needs_no_csrf(app: Flask) -> None:
    token = identity.issue_token("test-secret", _identity())
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).json == {"user": "u-1", "via": "token"}
    assert client.post("/api/v1/things", headers=headers).status_code == 200
    assert client.get("/api/v1/admin", headers=headers).status_code == 403
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_a_session_posts_only_with_its_csrf_token(app: Flask) -> None:
    client = _signed_in(app)
    assert client.get("/api/v1/me").json == {"user": "u-1", "via": "session"}
    assert client.post("/api/v1/things").status_code == 400
    token = client.get("/csrf").text
    assert client.post("/api/v1/things", headers={"X-CSRF-Token": token}).status_code == 200


def test_the_login_form_itself_needs_a_csrf_token(app: Flask) -> None:
    assert app.test_client().post("/sign-in-as/admin").status_code == 400


def test_roles_are_refused_with_403(app: Flask) -> None:
    assert _signed_in(app, "regional_member").get("/api/v1/admin").status_code == 403  # type: ignore[attr-defined]
    assert _signed_in(app, "admin").get("/api/v1/admin").status_code == 200  # type: ignore[attr-defined]


def test_a_newer_generation_or_a_disabling_revokes_cookie_and_token(app: Flask) -> None:
    runtime = app.extensions["test.runtime"]
    client = _signed_in(app)
    token = identity.issue_token("test-secret", _identity())
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me").status_code == 200  # type: ignore[attr-defined]

    changed = Event(
        type="user.changed",
        version=1,
        region="almaty",
        producer="review",
        payload={
            "user_id": "u-1",
            "generation": 2,
            "email": "aliya@example.kz",
            "name": "Әлия",
            "role": "regional_member",
            "scope": "almaty",
            "language": "kk",
            "college": None,
        },
    )
    assert handle(runtime, identity.HANDLERS, "review", changed)
    assert client.get("/api/v1/me").status_code == 401  # type: ignore[attr-defined]
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401
    newer = {"Authorization": f"Bearer {identity.issue_token('test-secret', _identity(generation=2))}"}
    assert app.test_client().get("/api/v1/me", headers=newer).status_code == 200

    # A late, older event changes nothing; a disabling ends the newer credential too.
    older = dataclasses.replace(changed, id=uuid.uuid4(), payload={**changed.payload, "generation": 1})
    handle(runtime, identity.HANDLERS, "review", older)
    assert app.test_client().get("/api/v1/me", headers=newer).status_code == 200
    disabled = Event(
        type="user.disabled",
        version=1,
        region="almaty",
        producer="review",
        payload={"user_id": "u-1", "generation": 2},
    )
    assert handle(runtime, identity.HANDLERS, "review", disabled)
    assert app.test_client().get("/api/v1/me", headers=newer).status_code == 401


def test_cookies_and_headers_stand_up_to_the_internet(app: Flask) -> None:
    client = app.test_client()
    token = client.get("/csrf").text
    answer = client.post("/sign-in-as/admin", data={"csrf_token": token})
    cookie = next(v for k, v in answer.headers.items() if k == "Set-Cookie" and "top100_session" in v)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    page = client.get("/page")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    # A form may lead to the other services (sign out at media, land on review's login) and nowhere else.
    form_action = csp.split("form-action ", 1)[1].split(";", 1)[0].split()
    assert form_action[0] == "'self'" and "http://127.0.0.1:8002" in form_action
    assert all(origin.startswith(("http://127.0.0.1:", "http://localhost:")) for origin in form_action[1:])
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in page.headers["Cache-Control"]


def test_cookies_are_secure_outside_the_embedded_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
    assert config.load("media").secure_cookies is True
    monkeypatch.delenv("BROKER_URL")
    assert config.load("media").secure_cookies is False
    monkeypatch.setenv("TOP100_SECURE_COOKIES", "1")
    assert config.load("media").secure_cookies is True


def test_every_service_shares_one_secret_even_in_the_embedded_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("TOP100_SECRET_KEY", raising=False)
    keys = {config.load(service).secret_key for service in config.SERVICES}
    assert len(keys) == 1
    key = keys.pop()
    assert len(key) >= 40 and "demo" not in key
    assert (tmp_path / config.SECRET_FILE).read_text() == key


def test_after_login_only_our_own_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    origins = ("http://127.0.0.1:8003",)
    assert identity.safe_next("/candidates?page=2", origins, "/") == "/candidates?page=2"
    assert identity.safe_next("http://127.0.0.1:8003/kits", origins, "/") == "http://127.0.0.1:8003/kits"
    assert identity.safe_next("https://evil.example/", origins, "/") == "/"
    assert identity.safe_next("//evil.example/", origins, "/") == "/"
    assert identity.safe_next(None, origins, "/") == "/"


def test_scopes_of_roles() -> None:
    codes = ("almaty", "astana")
    assert identity.scope_valid("regional_chair", "almaty", codes)
    assert not identity.scope_valid("regional_chair", "national", codes)
    assert identity.scope_valid("media", "national", codes)
    assert not identity.scope_valid("admin", "almaty", codes)
    assert re.fullmatch(r"[a-z_]+", identity.NATIONAL_EVENT_REGION)


def test_a_regional_role_works_in_its_region_and_every_other_role_nationally() -> None:
    chair = _identity(role="regional_chair", scope="almaty")
    assert chair.region == "almaty" and chair.sees("almaty") and not chair.sees("shymkent")
    for role in ("national_member", "national_chair", "media", "admin"):
        national = _identity(role=role, scope="national")
        assert national.region is None and national.sees("shymkent")


# --- Sessions that end everywhere, and CSRF only skipped for a valid token ------------------------


def _cookie(client: object) -> str:
    found = client.get_cookie(identity.SESSION_COOKIE)  # type: ignore[attr-defined]
    assert found is not None, "no session cookie"
    return str(found.value)


def _replaying(app: Flask, cookie: str) -> object:
    """A fresh client (another browser, an attacker) sending a copied session cookie."""
    client = app.test_client()
    client.set_cookie(identity.SESSION_COOKIE, cookie)
    return client


def _log_out(client: object) -> None:
    token = client.get("/csrf").text  # type: ignore[attr-defined]
    answer = client.post("/logout", data={"csrf_token": token})  # type: ignore[attr-defined]
    assert answer.status_code == 302


def test_logout_ends_that_session_for_a_copied_cookie_too_and_no_other(app: Flask) -> None:
    first, second = _signed_in(app), _signed_in(app)
    copied = _cookie(first)
    assert _replaying(app, copied).get("/api/v1/me").status_code == 200  # type: ignore[attr-defined]
    _log_out(first)
    assert _replaying(app, copied).get("/api/v1/me").status_code == 401  # type: ignore[attr-defined]
    page = _replaying(app, copied).get("/page")  # type: ignore[attr-defined]
    assert page.status_code == 302 and "/login?next=" in page.headers["Location"]
    assert second.get("/api/v1/me").json == {"user": "u-1", "via": "session"}  # type: ignore[attr-defined]


def test_logout_tells_every_service_through_the_outbox(app: Flask) -> None:
    from sqlalchemy import select

    runtime = app.extensions["test.runtime"]
    client = _signed_in(app)
    _log_out(client)
    with runtime.db.unit_of_work() as session:
        bodies = session.scalars(select(runtime.db.metadata.tables["outbox"].c.body)).all()
    ended = [Event.from_json(body) for body in bodies]
    assert [(e.type, e.region, e.producer) for e in ended] == [("session.ended", "almaty", "review")]
    assert ended[0].payload["user_id"] == "u-1" and len(ended[0].payload["session_id"]) >= 20


def test_a_session_ended_elsewhere_is_refused_once_the_event_is_handled(app: Flask) -> None:
    runtime = app.extensions["test.runtime"]
    client = _signed_in(app)
    other = _signed_in(app)
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    session_id = serializer.loads(_cookie(client))[identity.SESSION_KEY]["i"]
    ended = Event(
        type="session.ended",
        version=1,
        region="almaty",
        producer="media",
        payload={"user_id": "u-1", "session_id": session_id},
    )
    assert client.get("/api/v1/me").status_code == 200  # type: ignore[attr-defined]
    assert handle(runtime, identity.HANDLERS, "review", ended)
    assert not handle(runtime, identity.HANDLERS, "review", ended)  # a copy: the inbox drops it
    again = dataclasses.replace(ended, id=uuid.uuid4())
    assert handle(runtime, identity.HANDLERS, "review", again)  # the same session again: no harm
    assert client.get("/api/v1/me").status_code == 401  # type: ignore[attr-defined]
    assert other.get("/api/v1/me").status_code == 200  # type: ignore[attr-defined]


def test_a_cookie_without_a_session_id_is_refused(app: Flask) -> None:
    """The format before sessions had ids: such a cookie cannot be ended by a logout, so it fails
    closed (its holder signs in again)."""
    claims = _identity().claims()
    claims.pop("i", None)
    cookie = app.session_interface.get_signing_serializer(app).dumps({identity.SESSION_KEY: claims})  # type: ignore[attr-defined]
    assert _replaying(app, cookie).get("/api/v1/me").status_code == 401  # type: ignore[attr-defined]


@pytest.mark.parametrize("header", ["Bearer garbage", "Basic eDp5", "Bearer", "Token abc"])
def test_a_cookie_with_any_other_authorization_still_needs_its_csrf_token(app: Flask, header: str) -> None:
    client = _signed_in(app)
    refused = client.post("/api/v1/things", headers={"Authorization": header})  # type: ignore[attr-defined]
    assert refused.status_code == 400 and refused.json["code"] == "bad_request"
    logout = client.post("/logout", headers={"Authorization": header})  # type: ignore[attr-defined]
    assert logout.status_code == 400
    assert client.get("/page").status_code == 200  # type: ignore[attr-defined]
    # With its token the request goes on: the cookie authenticates it, unless a Bearer was sent.
    token = {"Authorization": header, "X-CSRF-Token": client.get("/csrf").text}  # type: ignore[attr-defined]
    expected = 401 if header.lower().startswith("bearer ") else 200
    assert client.post("/api/v1/things", headers=token).status_code == expected  # type: ignore[attr-defined]


def test_a_valid_token_next_to_a_cookie_needs_no_csrf_token(app: Flask) -> None:
    client = _signed_in(app)
    bearer = {"Authorization": f"Bearer {identity.issue_token('test-secret', _identity())}"}
    assert client.post("/api/v1/things", headers=bearer).status_code == 200  # type: ignore[attr-defined]
