"""Building the email itself (RFC 5322, the stdlib `email` package): a text part and an HTML part.

The Message-ID is derived from the message row, so every attempt to send the same message carries
the same id (mail clients and our file mailer treat a repeat as the same letter). Optional messages
carry `List-Unsubscribe` (and the one-click `List-Unsubscribe-Post`, RFC 8058); decisions never do.

`List-Unsubscribe` is written as RFC 2369 and 8058 write it, `<https://...>, <mailto:...>`: the stdlib
folds a header longer than 78 characters into RFC 2047 encoded-words when it has no space to fold
at, which no mail client reads as a link, so that header has a class of its own that writes it as
given (on one line; between its links should it pass the 998 characters SMTP allows a line). So has
`Subject`, whose stdlib fold loses a space between words in Kazakh (`SubjectHeader`).
"""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.header import Header
from email.headerregistry import Address, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from services.notify.operations import templating

#: The longest line SMTP carries (RFC 5322, 2.1.1), CRLF aside.
MAX_LINE = 998


class ListHeader(UnstructuredHeader):
    """A header of `<URI>`s separated by commas, written as given: never encoded."""

    def fold(self, *, policy: Any) -> str:
        line = f"{self.name}: {self}"
        if len(line) > MAX_LINE:
            line = f",{policy.linesep} ".join(part.strip() for part in line.split(","))
        return line + policy.linesep


class SubjectHeader(UnstructuredHeader):
    """A subject with Kazakh or Russian letters, folded so that no space is lost.

    The stdlib's fold of a long non-ASCII subject puts the space between two words *between* two
    encoded-words, where RFC 2047 (6.2) has every reader drop it: «республикалық кезеңге» arrived as
    «республикалыққкезеңге». The older `email.header.Header` keeps each space inside a word."""

    def fold(self, *, policy: Any) -> str:
        if str(self).isascii():
            return super().fold(policy=policy)
        encoded = Header(str(self), "utf-8", header_name=self.name).encode(linesep=policy.linesep)
        return f"{self.name}: {encoded}{policy.linesep}"


def _headers() -> HeaderRegistry:
    registry = HeaderRegistry()
    registry.map_to_type("list-unsubscribe", ListHeader)
    registry.map_to_type("subject", SubjectHeader)
    return registry


#: The stdlib's policy, with `List-Unsubscribe` written as given.
POLICY = policy.default.clone(header_factory=_headers())


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
    unsubscribe: tuple[str, str] | None = None,
) -> EmailMessage:
    """A UTF-8 email with text and HTML parts, both under the programme's name in the letter's
    language (the HTML says it in `lang`); headers with Kazakh letters are encoded (RFC 2047).

    `unsubscribe` is (the one-click https link, the mailto link) of an optional message."""
    message = EmailMessage(policy=POLICY)
    message["From"] = from_header
    local, _, domain = to_address.rpartition("@")
    # The bare address: a long Kazakh display name is folded into two encoded-words, and CPython's
    # own parser reads that back with a space inside a word ("Қайрат ұлы"). The name is in the body.
    message["To"] = Address(username=local, domain=domain)
    message["Subject"] = subject
    message["Date"] = format_datetime(at)
    message["Message-ID"] = message_id(key, from_header)
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe:
        message["List-Unsubscribe"] = ", ".join(f"<{link}>" for link in unsubscribe)
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(templating.to_plain(text, language), charset="utf-8")
    message.add_alternative(templating.to_html(text, language, subject), subtype="html", charset="utf-8")
    # After the content: setting it clears every Content-* header set before (it used to drop this).
    message["Content-Language"] = language
    return message
