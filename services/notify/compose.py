"""Building the email itself (RFC 5322, the stdlib `email` package): a text part and an HTML part.

The Message-ID is derived from the message row, so every attempt to send the same message carries
the same id (mail clients and our file mailer treat a repeat as the same letter). Optional messages
carry `List-Unsubscribe` (and the one-click `List-Unsubscribe-Post`, RFC 8058); decisions never do.
"""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from services.notify import templating


def message_id(key: str, from_header: str) -> str:
    domain = parseaddr(from_header)[1].rpartition("@")[2] or "top100.kz"
    return f"<{key}@{domain}>"


def email(
    *,
    from_header: str,
    to_address: str,
    subject: str,
    text: str,
    language: str,
    key: str,
    at: datetime,
    unsubscribe: str | None = None,
) -> EmailMessage:
    """A UTF-8 email with text and HTML parts; headers with Kazakh letters are encoded (RFC 2047)."""
    message = EmailMessage()
    message["From"] = from_header
    local, _, domain = to_address.rpartition("@")
    # The bare address: a long Kazakh display name is folded into two encoded-words, and CPython's
    # own parser reads that back with a space inside a word ("Қайрат ұлы"). The name is in the body.
    message["To"] = Address(username=local, domain=domain)
    message["Subject"] = subject
    message["Date"] = format_datetime(at)
    message["Message-ID"] = message_id(key, from_header)
    message["Content-Language"] = language
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text, charset="utf-8")
    message.add_alternative(templating.to_html(text), subtype="html", charset="utf-8")
    return message
