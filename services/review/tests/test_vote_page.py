"""The contest's page without script: phone, code, choice, each a form POST with its CSRF token, and
the page then shows exactly what is recorded, in the reader's language."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from services.review.public_app import create_app
from services.review.tests.vote_support import OPEN_NOW, candidates, sent_codes
from shared.runtime import Runtime

PAGE = "/public/2026/regional/almaty"
TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@pytest.fixture
def public(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setenv("TOP100_NOW", OPEN_NOW)
    return create_app(runtime)


def _token(html: str) -> str:
    found = TOKEN.search(html)
    assert found is not None, html
    return found[1]


def test_a_voter_votes_in_kazakh_without_script_and_sees_what_is_recorded(
    public: Flask, runtime: Runtime
) -> None:
    first, second, _ = candidates(runtime)
    client = public.test_client()
    page = client.get(PAGE + "?lang=kk")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "public, max-age=60"
    html = page.get_data(as_text=True)
    assert "ТОП 100: халық таңдауы" in html and "Әлихан" in html and "<script" not in html
    assert len(page.data) < 200_000
    sent = client.post(PAGE + "/phone?lang=kk", data={"csrf_token": _token(html), "phone": "8 701 123 45 67"})
    assert sent.status_code == 303 and "verification=" in sent.headers["Location"]
    verification = sent.headers["Location"].split("verification=")[1].split("&")[0]
    code_page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in code_page
    code = sent_codes(runtime)[verification]["payload"]["code"]
    assert sent_codes(runtime)[verification]["payload"]["language"] == "kk"
    wrong = client.post(
        PAGE + "/code?lang=kk",
        data={
            "csrf_token": _token(code_page),
            "verification": verification,
            "code": "999999" if code != "999999" else "888888",
        },
    )
    assert wrong.status_code == 422 and "Код қате" in wrong.get_data(as_text=True)
    checked = client.post(
        PAGE + "/code?lang=kk",
        data={"csrf_token": _token(code_page), "verification": verification, "code": code},
    )
    assert checked.status_code == 303
    ballot = client.get(PAGE + "?lang=kk")
    assert ballot.headers["Cache-Control"] == "private, no-store"
    voted = client.post(
        PAGE + "/vote?lang=kk", data={"csrf_token": _token(ballot.get_data(as_text=True)), "candidate": first}
    )
    assert voted.status_code == 303
    shown = client.get(voted.headers["Location"]).get_data(as_text=True)
    assert "Дауысыңыз тіркелді" in shown and "Сәрсен0 Әлихан" in shown
    changed = client.post(PAGE + "/vote?lang=kk", data={"csrf_token": _token(shown), "candidate": second})
    back = client.get(changed.headers["Location"].replace("voted=1", "")).get_data(as_text=True)
    assert "Сәрсен1 Айгерім" in back.split("Осы дауыс беруде тіркелгені")[1][:200]


def test_a_form_without_its_token_is_refused(public: Flask, runtime: Runtime) -> None:
    candidates(runtime)
    client = public.test_client()
    assert client.post(PAGE + "/phone", data={"phone": "+77011234567"}).status_code == 400
    assert (
        client.post(PAGE + "/phone", data={"csrf_token": "0" * 32, "phone": "+77011234567"}).status_code
        == 400
    )
    assert sent_codes(runtime) == {}


def test_an_unknown_region_is_not_found(public: Flask) -> None:
    assert public.test_client().get("/public/2026/regional/mars").status_code == 404
