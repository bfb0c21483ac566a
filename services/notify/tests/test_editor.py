"""The template editor as an administrator uses it: the parameters in plain words with examples, a
preview of the email (the letter's own HTML, in its own sandboxed policy) and of the SMS with its
segments in the language being edited with that language's dates; errors in the page's language
naming the line; the history with what changed and "restore this version" (audited); "send me a
test" to the administrator's own email or phone through the normal sending path, marked as a test."""

from __future__ import annotations

import email
import json
from email import policy

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from services.notify.app import create_app
from services.notify.models import Message, Template
from services.notify.tests import servers
from services.notify.tests.factories import bearer, from_environment
from shared import testing
from shared.runtime import Runtime


@pytest.fixture
def client(runtime: Runtime) -> FlaskClient:
    return create_app(runtime).test_client()


def test_the_help_names_each_parameter_in_words_with_an_example_in_the_page_language(
    client: FlaskClient, runtime: Runtime
) -> None:
    html = client.get("/templates/candidate_advanced/email?lang=ru", headers=bearer(runtime)).get_data(
        as_text=True
    )
    assert "<code>{{ amend_by }}</code>" in html and "Последний день для исправлений" in html
    assert '<q lang="ru">20 октября</q>' in html and "заявление на казахском языке" in html
    english = client.get("/templates/candidate_advanced/email?lang=en", headers=bearer(runtime)).get_data(
        as_text=True
    )
    assert "The last day for amendments" in english and "20 October" in english


def test_the_email_preview_is_the_letter_in_the_language_edited_with_its_dates(
    client: FlaskClient, runtime: Runtime
) -> None:
    admin = bearer(runtime)
    draft = {
        "subject.kk": "Мерзім", "subject.ru": "Срок {{ amend_by }}", "subject.en": "Due",
        "body.kk": "{{ amend_by }}", "body.ru": "Здравствуйте, {{ greeting_name }}!\n\nДо {{ amend_by }}.",
        "body.en": "By {{ amend_by }}",
    }  # fmt: skip
    reply = client.post("/templates/candidate_advanced/email/preview/ru?lang=ru", data=draft, headers=admin)
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200 and '<html lang="ru">' in html
    assert "<title>Срок 20 октября</title>" in html and "<p>До 20 октября.</p>" in html
    policy_ = reply.headers["Content-Security-Policy"]
    assert "sandbox" in policy_ and "script-src" not in policy_ and "default-src 'none'" in policy_
    assert reply.headers["X-Frame-Options"] == "SAMEORIGIN"
    kazakh = client.post("/templates/candidate_advanced/email/preview/kk?lang=ru", data=draft, headers=admin)
    assert "<p>20 қазан</p>" in kazakh.get_data(as_text=True)
    # Without a draft, the frame shows the current version.
    current = client.get("/templates/winner/email/preview/en?lang=en", headers=admin)
    assert current.status_code == 200 and '<html lang="en">' in current.get_data(as_text=True)


def test_the_sms_preview_counts_its_segments(client: FlaskClient, runtime: Runtime) -> None:
    draft = {
        "body.kk": "Құттықтаймыз, {{ reference }}! " + "ә" * 60,
        "body.ru": "",
        "body.en": "Hi {{ reference }}",
    }
    reply = client.post("/templates/winner/sms/preview/kk?lang=ru", data=draft, headers=bearer(runtime))
    html = reply.get_data(as_text=True)
    assert "Құттықтаймыз, 0B6F3C1E!" in html and "84 символа" in html and "2 SMS" in html and "UCS-2" in html
    english = client.post("/templates/winner/sms/preview/en?lang=en", data=draft, headers=bearer(runtime))
    assert "1 SMS" in english.get_data(as_text=True) and "GSM-7" in english.get_data(as_text=True)


def test_errors_are_in_the_page_language_and_name_the_line(client: FlaskClient, runtime: Runtime) -> None:
    admin = bearer(runtime)
    draft = {"body.kk": "Сәлем\n{{ reference }\n", "body.ru": "Привет\n\n{{ refrence }}", "body.en": "ok"}
    reply = client.post("/templates/winner/sms?lang=ru", data=draft, headers=admin)
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422 and "Шаблон не сохранён" in html
    assert (
        "Строка 2: шаблон не читается" in html
        and "Строка 3: «refrence» — не параметр этого сообщения" in html
    )
    assert 'href="#body-kk"' in html and 'aria-invalid="true"' in html
    assert "Привет\n\n{{ refrence }}</textarea>" in html  # what was typed is kept
    frame = client.post("/templates/winner/sms/preview/ru?lang=kk", data=draft, headers=admin)
    assert (
        frame.status_code == 422
        and "3-жол: «refrence» — бұл хабарламаның параметрі емес" in frame.get_data(as_text=True)
    )
    escape = client.post(
        "/templates/winner/sms/preview/en?lang=en", data={"body.en": "a\n{{ ''.__class__ }}"}, headers=admin
    )
    assert "Line 2: it fails with the sample values: SecurityError" in escape.get_data(as_text=True)
    with runtime.db.unit_of_work() as session:
        assert (
            session.scalars(select(Template).where(Template.code == "winner", Template.version > 1)).all()
            == []
        )


def _save(client: FlaskClient, runtime: Runtime, text: str) -> int:
    draft = {
        "body.kk": text,
        "body.ru": "Поздравляем, {{ reference }}!",
        "body.en": "Congratulations {{ reference }}",
    }
    reply = client.post("/templates/winner/sms?lang=ru", data=draft, headers=bearer(runtime))
    assert reply.status_code == 303, reply.get_data(as_text=True)
    return int(reply.headers["Location"].rsplit("saved=", 1)[1])


def test_the_history_shows_each_change_and_restores_a_version_audited(
    client: FlaskClient, runtime: Runtime
) -> None:
    admin = bearer(runtime)
    assert _save(client, runtime, "Құттықтаймыз, {{ reference }}!\nЖеңімпаз.") == 2
    assert _save(client, runtime, "Құттықтаймыз, {{ reference }}!\nСіз жеңімпазсыз.") == 3
    html = client.get("/templates/winner/sms/versions?lang=ru", headers=admin).get_data(as_text=True)
    version3 = html.split('id="version-3"', 1)[1].split('id="version-2"', 1)[0]
    assert '<tr class="removed"><td>2</td><td></td>' in version3 and "Жеңімпаз." in version3
    assert '<tr class="added"><td></td><td>2</td>' in version3 and "Сіз жеңімпазсыз." in version3
    assert "Восстановить версию 2" in html and "Восстановить версию 3" not in html
    restored = client.post("/templates/winner/sms/versions/2/restore?lang=ru", headers=admin)
    assert restored.status_code == 303
    with runtime.db.unit_of_work() as session:
        newest = session.scalars(select(Template).where(Template.code == "winner", Template.channel == "sms")
                                 .order_by(Template.version.desc())).first()  # fmt: skip
        assert newest.version == 4 and newest.body["kk"] == "Құттықтаймыз, {{ reference }}!\nЖеңімпаз."
    assert client.post("/templates/winner/sms/versions/99/restore", headers=admin).status_code == 404
    entries = [entry for entry in testing.audit_entries(runtime) if entry[0].startswith("template.")]
    assert entries == [("template.saved", "template:winner/sms", None)] * 2 + [
        ("template.restored", "template:winner/sms", None)
    ]


def test_send_me_a_test_reaches_the_administrators_own_email_through_smtp(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with servers.smtp_server() as server:
        monkeypatch.setenv("NOTIFY_SMTP_URL", f"smtp://127.0.0.1:{server.port}")
        configured = from_environment(runtime)
        client = create_app(configured).test_client()
        reply = client.post(
            "/templates/winner/email/test?lang=ru", data={"language": "ru"}, headers=bearer(configured)
        )
        assert reply.status_code == 303
        [(_, recipients, raw)] = server.handler.received
    assert recipients == ["u-admin@example.kz"]
    letter = email.message_from_bytes(raw, policy=policy.default)
    assert str(letter["Subject"]).startswith("[Тест] ") and letter["Content-Language"] == "ru"
    assert "Әлия Нұрғалиқызы" in letter.get_body(("plain",)).get_content()  # greeted by their own name
    page = client.get(reply.headers["Location"], headers=bearer(configured)).get_data(as_text=True)
    assert "Тест отправлен на u-*****@example.kz." in page and "Отправлено" in page
    with configured.db.unit_of_work() as session:
        row = session.scalars(select(Message)).one()
        assert (
            row.test and row.status == "sent" and row.recipient_kind == "member" and row.nomination_id is None
        )
    audited = [entry for entry in testing.audit_entries(configured) if entry[0] == "template.tested"]
    assert audited == [("template.tested", "template:winner/email", None)]


def test_send_me_a_test_sms_goes_to_the_phone_typed_through_the_gateway(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with servers.sms_gateway() as gateway:
        monkeypatch.setenv("NOTIFY_SMS_PROVIDERS", json.dumps([{"name": "kcell", "url": gateway.url}]))
        configured = from_environment(runtime)
        client = create_app(configured).test_client()
        admin = bearer(configured)
        wrong = client.post("/templates/winner/sms/test?lang=ru", data={"phone": "12345"}, headers=admin)
        assert wrong.status_code == 422 and "казахстанский мобильный номер" in wrong.get_data(as_text=True)
        assert gateway.requests == []
        sent = client.post(
            "/templates/winner/sms/test?lang=ru",
            data={"phone": "8 701 765 43 21", "language": "kk"},
            headers=admin,
        )
        assert sent.status_code == 303
        [(_, body)] = gateway.requests
    assert body["to"] == "+77017654321" and body["text"].startswith("[Сынақ] ")
