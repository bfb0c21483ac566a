"""The receipt: one email and one SMS per submission, in the student's language, whatever the redelivery."""

from __future__ import annotations

import json
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlalchemy import select

from services.notify.handlers import HANDLERS
from services.notify.models import Message, outbox
from services.notify.operations.notices import UnknownRecipient
from services.notify.tests.factories import event, from_environment, submitted
from shared.handling import handle
from shared.runtime import Runtime

NAME = "Нұрланұлы Әлихан Қайратұлы"
SUBJECTS = {
    "kk": "ТОП 100: өтініміңіз қабылданды",
    "ru": "ТОП 100: ваша заявка принята",
    "en": "TOP 100: your nomination has been received",
}
#: How the receipt greets Әлихан Қайратұлы Нұрланұлы: given name and patronymic, the given name in English.
GREETINGS = {
    "kk": "Құрметті Әлихан Қайратұлы!",
    "ru": "Здравствуйте, Әлихан Қайратұлы!",
    "en": "Dear Әлихан,",
}
SIGNATURES = {"kk": "ТОП 100 жобасының командасы", "ru": "Команда проекта ТОП 100", "en": "The TOP 100 team"}


def _messages(runtime: Runtime) -> list[Message]:
    with runtime.db.unit_of_work() as session:
        return list(session.scalars(select(Message).order_by(Message.channel, Message.created_at)))


def _outbox(runtime: Runtime) -> list[dict]:
    with runtime.db.unit_of_work() as session:
        return [json.loads(row.body) for row in session.execute(select(outbox).order_by(outbox.c.id))]


def _emails(folder: Path) -> list[Path]:
    return sorted((folder / "mail").glob("*.eml"))


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_one_receipt_email_in_the_students_language(runtime: Runtime, tmp_path: Path, language: str) -> None:
    submission = submitted(language)
    assert handle(runtime, HANDLERS, "notify", submission) is True
    assert handle(runtime, HANDLERS, "notify", submission) is False

    [path] = _emails(tmp_path)
    raw = path.read_bytes()
    assert all(byte < 128 for byte in raw.split(b"\r\n\r\n", 1)[0])  # headers encoded, CRLF line ends
    letter = BytesParser(policy=policy.default).parsebytes(raw)
    assert letter["To"].addresses[0].addr_spec == "alikhan@example.kz"
    assert letter["From"].addresses[0].addr_spec == "noreply@top100.kz"
    assert str(letter["Subject"]) == SUBJECTS[language]
    [email_row, sms_row] = _messages(runtime)
    assert letter["Message-ID"] == f"<{email_row.id}@top100.kz>"
    assert letter["Date"].datetime.utcoffset().total_seconds() == 5 * 3600
    assert letter.get_content_type() == "multipart/alternative" and letter["List-Unsubscribe"] is None
    body = letter.get_body(("plain",)).get_content()
    assert GREETINGS[language] in letter.get_body(("html",)).get_content()
    assert GREETINGS[language] in body and NAME not in body
    assert submission.payload["nomination_id"] not in body and "0B6F3C1E" not in body
    assert body.rstrip().endswith(SIGNATURES[language])
    assert {"kk": "Алматы", "ru": "Алматы", "en": "Almaty"}[language] in body

    assert (email_row.channel, email_row.status, email_row.language, email_row.provider) == (
        "email",
        "sent",
        language,
        "file",
    )
    assert email_row.provider_id == path.name and email_row.event_id == str(submission.id)
    assert (sms_row.channel, sms_row.status, sms_row.recipient) == ("sms", "sent", "+77011234567")
    log = (tmp_path / "sms" / "outbox.log").read_text(encoding="utf-8").splitlines()
    assert len(log) == 1 and log[0].endswith(sms_row.body)
    assert "Әлихан" in sms_row.body and "0B6F3C1E" not in sms_row.body
    sent = _outbox(runtime)
    assert [(m["type"], m["payload"]["channel"], m["payload"]["recipient_kind"]) for m in sent] == [
        ("notification.sent", "email", "student"),
        ("notification.sent", "sms", "student"),
    ]
    assert {m["payload"]["message_id"] for m in sent} == {email_row.id, sms_row.id}


def test_sender_comes_from_the_environment(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTIFY_MAIL_FROM", "ТОП 100 <hello@example.org>")
    submission = submitted("ru")
    handle(from_environment(runtime), HANDLERS, "notify", submission)
    [path] = _emails(tmp_path)
    letter = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert letter["From"].addresses[0].display_name == "ТОП 100"
    assert letter["Message-ID"].endswith("@example.org>")


def test_photo_rejected_asks_again_in_the_students_language_at_the_amended_address(
    runtime: Runtime, tmp_path: Path
) -> None:
    submission = submitted("ru")
    handle(runtime, HANDLERS, "notify", submission)
    nomination_id = submission.payload["nomination_id"]
    handle(
        runtime,
        HANDLERS,
        "notify",
        event(
            "nomination.amended",
            {
                "nomination_id": nomination_id,
                "changed": ["contacts"],
                "contacts": {"email": "new@example.kz", "phone": "+77051112233"},
            },
        ),
    )
    handle(
        runtime,
        HANDLERS,
        "notify",
        event("media.photo_rejected", {"nomination_id": nomination_id, "reason": "too_small"}, "media"),
    )
    letters = [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in _emails(tmp_path)]
    [rejection] = [letter for letter in letters if letter["To"].addresses[0].addr_spec == "new@example.kz"]
    assert str(rejection["Subject"]) == "ТОП 100: отправьте фото ещё раз"
    text = rejection.get_body(("plain",)).get_content()
    assert "не принято: слишком маленькое (короткая сторона меньше 600 пикселей)." in text
    assert "Здравствуйте, Әлихан Қайратұлы!" in text and "до 20 октября" in text


def test_a_missing_photo_is_not_worth_a_letter(runtime: Runtime, tmp_path: Path) -> None:
    submission = submitted("kk")
    handle(runtime, HANDLERS, "notify", submission)
    missing = {"nomination_id": submission.payload["nomination_id"], "reason": "missing"}
    assert handle(runtime, HANDLERS, "notify", event("media.photo_rejected", missing, "media")) is True
    assert len(_emails(tmp_path)) == 1


def test_photo_rejected_for_an_unknown_nomination_is_retried(runtime: Runtime) -> None:
    rejected = event("media.photo_rejected", {"nomination_id": "nom-x", "reason": "not_jpeg"}, "media")
    with pytest.raises(UnknownRecipient):
        handle(runtime, HANDLERS, "notify", rejected)
    assert _messages(runtime) == []


def test_events_without_a_message_are_accepted_quietly(runtime: Runtime, tmp_path: Path) -> None:
    for quiet in (
        event(
            "review.candidate_registered",
            {"nomination_id": "n", "candidate_id": "c", "stage": "internal"},
            "review",
        ),
        event("media.photo_processed", {"nomination_id": "n", "asset_id": "a", "derivatives": []}, "media"),
        event("nomination.withdrawn", {"nomination_id": "n"}),
    ):
        assert handle(runtime, HANDLERS, "notify", quiet) is True
    assert _messages(runtime) == [] and not (tmp_path / "mail").exists()
