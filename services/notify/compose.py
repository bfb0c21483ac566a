"""Building the messages themselves: RFC 5322 email with the stdlib `email` package, and SMS text.

The Message-ID is derived from the event that caused the message, so every attempt to send the same
message carries the same id (mail clients and our file mailer treat a repeat as the same letter).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from services.notify.messages import LETTERS, SIGNATURE, SMS
from shared import i18n


def message_id(event_id: str, channel: str, from_header: str) -> str:
    domain = parseaddr(from_header)[1].rpartition("@")[2] or "top100.kz"
    return f"<{event_id}.{channel}@{domain}>"


@dataclass(frozen=True)
class Text:
    subject: str | None
    body: str


def email_text(template: str, language: str, **params: object) -> Text:
    letter = LETTERS[template]
    body = i18n.translate(letter.body, language, params)
    return Text(
        subject=i18n.translate(letter.subject, language, params),
        body=f"{body}\n\n{i18n.translate(SIGNATURE, language)}",
    )


def sms_text(template: str, language: str, **params: object) -> Text:
    return Text(subject=None, body=i18n.translate(SMS[template], language, params))


def email(
    *, from_header: str, to_address: str, text: Text, language: str, event_id: str, at: datetime
) -> EmailMessage:
    """A UTF-8 plain-text email; headers with Kazakh letters are encoded (RFC 2047) on the way out."""
    message = EmailMessage()
    message["From"] = from_header
    local, _, domain = to_address.rpartition("@")
    # The bare address: a long Kazakh display name is folded into two encoded-words, and CPython's
    # own parser reads that back with a space inside a word ("Қайрат ұлы"). The name is in the body.
    message["To"] = Address(username=local, domain=domain)
    message["Subject"] = text.subject or ""
    message["Date"] = format_datetime(at)
    message["Message-ID"] = message_id(event_id, "email", from_header)
    message["Content-Language"] = language
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text.body, charset="utf-8")
    return message
