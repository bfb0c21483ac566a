"""The login page as the internet meets it: CSRF, safe `next`, no user enumeration, the throttle
(5 failures per account or address in 15 minutes), the audit, cookies, sign-out, the language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from services.review.models import AuditEntry, LoginAttempt
from services.review.operations import accounts
from services.review.tests.people import PASSWORD, csrf_token
from shared import clock, identity
from shared.runtime import Runtime

User = Callable[..., identity.Identity]


def _post(client: FlaskClient, email: str, password: str, address: str = "203.0.113.7", **extra: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/login").get_data(as_text=True))
    data = {"csrf_token": token, "email": email, "password": password, **extra}
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": address})


def test_login_signs_in_and_goes_back_to_next_on_this_site_only(app: Flask, user: User) -> None:
    who = user("regional_chair", "almaty")
    client = app.test_client()
    answer = _post(client, who.email, PASSWORD, next="/candidates/x?lang=kk")
    assert answer.status_code == 303 and answer.headers["Location"] == "/candidates/x?lang=kk"
    assert client.get("/").status_code == 200
    evil = _post(app.test_client(), who.email, PASSWORD, next="https://evil.example/phish")
    assert evil.headers["Location"] == "/"  # a chair's home: the candidates
    other = _post(app.test_client(), who.email, PASSWORD, next="http://127.0.0.1:8003/")
    assert other.headers["Location"] == "http://127.0.0.1:8003/"


def test_the_session_cookie_is_httponly_and_lax(app: Flask, user: User) -> None:
    answer = _post(app.test_client(), user().email, PASSWORD)
    cookie = next(
        value for value in answer.headers.getlist("Set-Cookie") if value.startswith("top100_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_login_without_its_csrf_token_is_refused(app: Flask, user: User) -> None:
    client = app.test_client()
    client.get("/login")
    answer = client.post("/login", data={"email": user().email, "password": PASSWORD})
    assert answer.status_code == 400 and answer.mimetype == "text/html"
    assert "Срок действия формы истёк" in answer.get_data(as_text=True)
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
    app: Flask, user: User, language: str
) -> None:
    who = user()
    client = app.test_client()
    client.get(f"/login?lang={language}")
    wrong = _post(client, who.email, "not the password at all")
    unknown = _post(client, "nobody@example.kz", "not the password at all")
    message = {
        "kk": "Электрондық пошта немесе құпиясөз қате.",
        "ru": "Неверный адрес электронной почты или пароль.",
        "en": "Wrong email or password.",
    }[language]
    for answer in (wrong, unknown):
        assert answer.status_code == 200 and message in answer.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_disabled_user_cannot_log_in(app: Flask, runtime: Runtime, user: User) -> None:
    who = user()
    with runtime.db.unit_of_work() as session:
        accounts.disable(session, who.email)
    answer = _post(app.test_client(), who.email, PASSWORD)
    assert answer.status_code == 200 and "Неверный адрес" in answer.get_data(as_text=True)


def test_five_failures_lock_the_account_even_for_the_right_password(app: Flask, user: User) -> None:
    who = user()
    client = app.test_client()
    for attempt in range(5):
        assert _post(client, who.email, "wrong password", address=f"198.51.100.{attempt}").status_code == 200
    locked = _post(client, who.email, PASSWORD, address="198.51.100.99")
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 14 * 60
    assert "Вход заблокирован на 15 минут" in locked.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_five_failures_from_one_address_lock_it_for_every_account(app: Flask, user: User) -> None:
    for attempt in range(5):
        _post(app.test_client(), f"guess{attempt}@example.kz", "wrong password", address="192.0.2.1")
    assert _post(app.test_client(), user().email, PASSWORD, address="192.0.2.1").status_code == 429
    assert _post(app.test_client(), user().email, PASSWORD, address="192.0.2.2").status_code == 303


def test_the_lock_ends_after_15_minutes(app: Flask, user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    who = user()
    for _ in range(5):
        _post(app.test_client(), who.email, "wrong password")
    assert _post(app.test_client(), who.email, PASSWORD).status_code == 429
    later = (clock.utcnow() + timedelta(minutes=16)).isoformat()
    monkeypatch.setenv("TOP100_NOW", later)
    assert _post(app.test_client(), who.email, PASSWORD).status_code == 303


def test_logins_and_failures_are_audited_without_the_email_in_clear(
    app: Flask, runtime: Runtime, user: User
) -> None:
    who = user("regional_member", "shymkent", email="dana@example.kz")
    _post(app.test_client(), "dana@example.kz", "wrong password", address="203.0.113.9")
    _post(app.test_client(), "dana@example.kz", PASSWORD, address="203.0.113.9")
    with runtime.db.unit_of_work() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action.like("login%"))).all()
        failed, ok = rows
        assert (failed.action, failed.actor_id, failed.details) == (
            "login.failed", None, {"email": "d***@example.kz", "address": "203.0.113.9"},
        )  # fmt: skip
        assert (ok.action, ok.actor_id, ok.actor_email, ok.region) == (
            "login", who.user_id, "dana@example.kz", "shymkent",
        )  # fmt: skip
        accounts_kept = session.scalars(select(LoginAttempt.account)).all()
        assert "dana@example.kz" not in accounts_kept and len(accounts_kept) == 2


def test_sign_out_ends_the_session(client_as: Callable[..., FlaskClient]) -> None:
    client = client_as()
    token = csrf_token(client.get("/").get_data(as_text=True))
    answer = client.post("/logout", data={"csrf_token": token})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/login")
    assert client.get("/").status_code == 302


def test_a_reset_password_ends_every_session_of_the_user(
    client_as: Callable[..., FlaskClient], runtime: Runtime
) -> None:
    client = client_as()
    assert client.get("/").status_code == 200
    with runtime.db.unit_of_work() as session:
        accounts.reset(session, client.identity.email, "a brand new password")  # type: ignore[attr-defined]
    assert client.get("/").status_code == 302


def test_the_language_is_asked_then_remembered_then_the_users_own(
    client_as: Callable[..., FlaskClient],
) -> None:
    client = client_as(language="kk")
    assert client.get("/", headers={"Accept-Language": "en"}).headers["Content-Language"] == "kk"
    switched = client.get("/?lang=en")
    assert switched.headers["Content-Language"] == "en"
    assert "top100_lang=en" in switched.headers["Set-Cookie"]
    assert client.get("/").headers["Content-Language"] == "en"
    assert client.get("/?lang=ru").headers["Content-Language"] == "ru"
    assert client.get("/candidates/none").headers["Content-Language"] == "ru"


def test_every_page_has_the_language_switch_and_the_sign_out(client_as: Callable[..., FlaskClient]) -> None:
    html = client_as(name="Гүлназ Өмірзақова").get("/?lang=kk").get_data(as_text=True)
    assert 'hreflang="en"' in html and 'hreflang="ru"' in html and "Гүлназ Өмірзақова" in html
    assert 'action="/logout"' in html and "Шығу" in html
    assert "<style" not in html and "style=" not in html


@pytest.mark.parametrize(
    ("role", "scope", "home"),
    [
        ("regional_member", "almaty", "/"),
        ("regional_chair", "almaty", "/"),
        ("national_member", "national", "/"),
        ("national_chair", "national", "/"),
        ("media", "national", "http://127.0.0.1:8003/"),
        ("admin", "national", "/dashboard"),
    ],
)
def test_each_role_lands_on_its_home_unless_next_says_otherwise(
    app: Flask, user: User, role: str, scope: str, home: str
) -> None:
    who = user(role, scope)
    client = app.test_client()
    answer = _post(client, who.email, PASSWORD)
    assert answer.status_code == 303 and answer.headers["Location"] == home
    if home.startswith("/"):
        assert client.get(home).status_code == 200
    asked = _post(app.test_client(), who.email, PASSWORD, next="/candidates/x")
    assert asked.headers["Location"] == "/candidates/x"
