"""`List-Unsubscribe` as RFC 8058 writes it, `<https://...>, <mailto:...>`, as the SMTP server receives
it: never RFC 2047-encoded (a mail client cannot read an encoded URI), whatever its length."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from urllib.parse import unquote, urlsplit

import pytest

from services.notify.handlers import HANDLERS
from services.notify.operations import chores
from services.notify.operations.unsubscribe import address_of
from services.notify.tests import servers
from services.notify.tests.factories import event, from_environment, submitted
from shared.handling import handle
from shared.runtime import Runtime

HEADER = re.compile(rb"^List-Unsubscribe: (.*?)\r\n(?! )", re.MULTILINE | re.DOTALL)
EXACT = re.compile(r"<(https://[^<>\s]+)>, <(mailto:[^<>\s]+)>")


def test_list_unsubscribe_reaches_the_smtp_server_as_written(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with servers.smtp_server() as smtp:
        monkeypatch.setenv("NOTIFY_SMTP_URL", f"smtp://127.0.0.1:{smtp.port}")
        monkeypatch.setenv("NOTIFY_PUBLIC_URL", "https://notify.top100.kz/notify")
        runtime = from_environment(runtime)
        chair = {
            "user_id": "chair",
            "generation": 1,
            "email": "a.very.long.name.of.the.regional.chair@akimat.almaty.example.kz",
            "name": "Әлия Нұрғалиқызы",
            "role": "regional_chair",
            "scope": "almaty",
            "language": "kk",
            "college": None,
        }
        assert handle(runtime, HANDLERS, "notify", event("user.changed", chair, "review")) is True
        assert handle(runtime, HANDLERS, "notify", submitted(nomination_id="n-1")) is True
        smtp.handler.received.clear()
        monkeypatch.setenv("TOP100_NOW", "2026-10-02T09:00:00+05:00")
        chores.calendar(runtime)
        [(_sender, recipients, raw)] = smtp.handler.received

    assert recipients == [chair["email"]]
    head = raw.split(b"\r\n\r\n", 1)[0] + b"\r\n"
    [written] = HEADER.findall(head)
    assert b"=?" not in written and b"\r\n" not in written  # one line, not encoded
    assert re.search(rb"^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$", head, re.MULTILINE)
    match = EXACT.fullmatch(written.decode("ascii"))
    assert match is not None, written

    letter = BytesParser(policy=policy.default).parsebytes(raw)
    assert str(letter["List-Unsubscribe"]) == written.decode("ascii")
    link, mailto = match.groups()
    assert link.startswith("https://notify.top100.kz/notify/api/v1/unsubscribe/")
    token = urlsplit(link).path.rsplit("/", 1)[1]
    assert address_of(runtime.settings.secret_key, token) == chair["email"]
    mailbox = urlsplit(mailto)
    assert mailbox.path == "noreply@top100.kz" and unquote(mailbox.query) == f"subject=unsubscribe {token}"
