"""Templates as data: every seed renders in every language, nothing left in another language; a broken
or hostile template is refused when saved (API 422), a good one becomes a new version; the preview
counts SMS segments and tells the encoding."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from services.notify.app import create_app
from services.notify.operations import templating
from services.notify.rules.catalogue import CHANNELS, PARAMETERS
from services.notify.tests.factories import bearer
from shared.runtime import Runtime

KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
SEEDS = templating.seed_files()


def _cases() -> list[tuple[str, str, str]]:
    return [(code, channel, lang) for (code, channel) in sorted(SEEDS) for lang in ("kk", "ru", "en")]


def _without_params(text: str, params: dict) -> str:
    for value in params.values():
        for part in value if isinstance(value, list) else [value]:
            text = text.replace(str(part), " ")
    return text


def test_every_message_has_its_seed_on_every_channel() -> None:
    assert set(SEEDS) == {(code, channel) for code, channels in CHANNELS.items() for channel in channels}
    assert set(CHANNELS) == set(PARAMETERS)


@pytest.mark.parametrize(("code", "channel", "language"), _cases())
def test_every_seed_renders_in_every_language_with_nothing_left_in_another(
    code: str, channel: str, language: str
) -> None:
    seed = SEEDS[(code, channel)]
    templating.check(code, channel, seed["subject"], seed["body"])
    for params in templating.samples(code):
        assert seed["body"][language].strip(), "no fallback may stand in for a seed"
        rendered = templating.render(channel, seed["subject"], seed["body"], language, params)
        text = _without_params(f"{rendered.subject or ''}\n{rendered.text}", params)
        assert "{{" not in text and "{%" not in text
        latin_words = set(re.findall(r"[A-Za-z]{4,}", text)) - {"JPEG"}
        if language == "en":
            assert not re.search(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]", text), text
        else:
            assert not latin_words, (language, latin_words)
        if language == "kk":
            assert KAZAKH_LETTERS & set(text), text
        if language == "ru":
            assert not (KAZAKH_LETTERS - {"І", "і"}) & set(text), text
        if channel == "sms":
            # A name in Cyrillic makes every SMS UCS-2 (70 a part); a "no" is worded whole, with
            # thanks, even when that takes a second part.
            assert rendered.segments <= (2 if code == "candidate_not_advanced" else 1), rendered.text
            ali = {**params, "greeting_name": "Ali"}
            latin = templating.render(channel, None, seed["body"], language, ali)
            assert latin.encoding == ("GSM-7" if language == "en" else "UCS-2")


def test_an_empty_language_falls_back_kk_ru_en() -> None:
    body = {"kk": "", "ru": "Привет, {{ name }}", "en": "Hello, {{ name }}"}
    assert templating.render("sms", None, body, "kk", {"name": "Әлихан"}).text == "Привет, Әлихан"
    assert templating.render("sms", None, body, "en", {"name": "A"}).text == "Hello, A"


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("{{ name ", "syntax"),
        ("{% if %}", "syntax"),
        ("{{ nickname }}", "unknown parameters: nickname"),
        ("{{ ''.__class__ }}", "SecurityError"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "SecurityError"),
        ("{{ reference.__init__.__globals__ }}", "SecurityError"),
        ("{{ name|attr('__class__') }}", "SecurityError"),
        ("{{ reference + 1 }}", "TypeError"),
    ],
)
def test_a_broken_or_hostile_template_is_refused(source: str, problem: str) -> None:
    body = {"kk": source, "ru": "ok", "en": "ok"}
    with pytest.raises(templating.TemplateRefused) as refused:
        templating.check("nomination_received", "sms", None, body)
    assert problem in refused.value.problems["body.kk"]


@pytest.fixture
def client(runtime: Runtime) -> FlaskClient:
    return create_app(runtime).test_client()


def test_admins_save_new_versions_and_a_refused_one_changes_nothing(
    client: FlaskClient, runtime: Runtime
) -> None:
    admin = bearer(runtime)
    listed = client.get("/api/v1/templates", headers=admin).get_json()["items"]
    assert {(t["code"], t["channel"], t["version"]) for t in listed} == {(c, ch, 1) for c, ch in SEEDS}

    hostile = {"channel": "sms", "body": {"kk": "{{ ''.__class__ }}", "ru": "ok", "en": "ok"}}
    refused = client.put("/api/v1/templates/nomination_received", json=hostile, headers=admin)
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert "SecurityError" in refused.get_json()["problems"]["body.kk"]

    good = {
        "channel": "sms",
        "body": {
            "kk": "ТОП 100: {{ reference }} қабылданды",
            "ru": "ТОП 100: {{ reference }} принята",
            "en": "",
        },
    }
    saved = client.put("/api/v1/templates/nomination_received", json=good, headers=admin)
    assert saved.status_code == 201 and saved.get_json()["version"] == 2
    detail = client.get("/api/v1/templates/nomination_received", headers=admin).get_json()
    assert [(v["channel"], v["version"]) for v in detail["versions"]] == [
        ("email", 1),
        ("sms", 2),
        ("sms", 1),
    ]
    assert "reference" in detail["parameters"]
    member = bearer(runtime, role="national_chair", user_id="u-chair")
    assert client.put("/api/v1/templates/nomination_received", json=good, headers=member).status_code == 403


def test_the_preview_renders_as_typed_and_counts_sms_segments(client: FlaskClient, runtime: Runtime) -> None:
    admin = bearer(runtime)
    latin = {"channel": "sms", "language": "en", "body": {"kk": "", "ru": "", "en": "x" * 161}}
    reply = client.post("/api/v1/templates/winner/preview", json=latin, headers=admin).get_json()
    assert (reply["encoding"], reply["segments"], reply["characters"]) == ("GSM-7", 2, 161)
    kazakh = {
        "channel": "sms",
        "language": "kk",
        "body": {"kk": "Құттықтаймыз, {{ reference }}!", "ru": "", "en": ""},
    }
    reply = client.post("/api/v1/templates/winner/preview", json=kazakh, headers=admin).get_json()
    assert (reply["text"], reply["encoding"], reply["segments"]) == ("Құттықтаймыз, 0B6F3C1E!", "UCS-2", 1)
    current = {"channel": "email", "language": "ru", "params": {"greeting_name": "Иван Петрович"}}
    reply = client.post(
        "/api/v1/templates/candidate_advanced/preview", json=current, headers=admin
    ).get_json()
    assert "Здравствуйте, Иван Петрович!" in reply["text"] and "<p>" in reply["html"] and reply["subject"]
    assert '<html lang="ru">' in reply["html"] and "ТОП 100 студентов колледжей РК" in reply["html"]
    broken = {"channel": "sms", "language": "kk", "body": {"kk": "{{ oops }}", "ru": "", "en": ""}}
    assert client.post("/api/v1/templates/winner/preview", json=broken, headers=admin).status_code == 422


def test_the_editor_page_loads_its_script_from_a_file(client: FlaskClient, runtime: Runtime) -> None:
    admin = bearer(runtime)
    page = client.get("/templates/nomination_received/sms?lang=kk", headers=admin)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert '<script src="/notify-static/template.js"></script>' in html and "<script>" not in html
    assert client.get("/notify-static/template.js").status_code == 200
    assert "өтініміңіз қабылданды" in html


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        ("ru", ["Здравствуйте, Әлихан Қайратұлы", "20 октября", "Алматы"], ["қазан", "мәлімдеме"]),
        ("en", ["Dear Әлихан,", "20 October", "Almaty"], ["қазан", "октября", "Қайратұлы", "мәлімдеме"]),
        ("kk", ["Әлихан Қайратұлы", "20 қазан"], ["October", "октября"]),
    ],
)
def test_the_json_preview_fills_the_samples_in_the_language_previewed(
    client: FlaskClient, runtime: Runtime, language: str, said: list[str], not_said: list[str]
) -> None:
    """Once the API previewed every language with the Kazakh samples («20 қазан» in an English letter)."""
    body = {
        "kk": "{{ greeting_name }}. {{ amend_by }}. {{ missing | join(', ') }}.",
        "ru": "Здравствуйте, {{ greeting_name }}. {{ amend_by }}. {{ missing | join(', ') }}. Алматы",
        "en": "Dear {{ greeting_name }}, by {{ amend_by }}: {{ missing | join(', ') }}. Almaty",
    }
    draft = {
        "channel": "email",
        "language": language,
        "subject": {"kk": "А", "ru": "Б", "en": "C"},
        "body": body,
    }
    reply = client.post("/api/v1/templates/candidate_advanced/preview", json=draft, headers=bearer(runtime))
    assert reply.status_code == 200, reply.get_json()
    text = reply.get_json()["text"]
    assert all(words in text for words in said), text
    assert not any(words in text for words in not_said), text
