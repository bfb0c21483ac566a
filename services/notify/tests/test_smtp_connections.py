"""SMTP connections kept open across messages, on a real local server that counts its connections.

A kept connection is one TCP connection, greeting and EHLO for many messages (what a burst of
receipts on deadline night costs the mail server); a connection the server dropped in between is
reopened, and the message goes out once, neither lost nor doubled; a sweep of a burst hands its
emails over in parallel, never on more connections than the provider is allowed.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import update

from services.notify.handlers import HANDLERS
from services.notify.models import Message
from services.notify.operations import compose
from services.notify.operations.providers import SmtpMailer, delivery_for
from services.notify.operations.sending import send_due
from services.notify.tests import servers
from services.notify.tests.factories import from_environment, submitted
from shared import clock
from shared.handling import handle
from shared.runtime import Runtime


def _letter(number: int) -> object:
    return compose.email(
        from_header="TOP 100 <noreply@top100.kz>",
        to_address=f"student{number}@example.kz",
        subject="Өтінім қабылданды",
        text="Құрметті Әлихан!",
        language="kk",
        key=f"letter-{number}",
        at=clock.local_now(),
    )


def _ids(smtp: servers.Smtp) -> list[str]:
    return [
        raw.split(b"Message-ID: ", 1)[1].split(b"\r\n", 1)[0].decode() for _, _, raw in smtp.handler.received
    ]


def test_many_messages_go_over_one_kept_connection() -> None:
    with servers.smtp_server() as smtp:
        mailer = SmtpMailer(f"smtp://127.0.0.1:{smtp.port}")
        for number in range(20):
            mailer.send(_letter(number))  # type: ignore[arg-type]
        mailer.close()
        assert len(smtp.handler.received) == 20
        assert smtp.handler.connections == 1


def test_without_keeping_each_message_opens_its_own_connection() -> None:
    """The comparison the kept connection is measured against (`bench/smtp.py`)."""
    with servers.smtp_server() as smtp:
        mailer = SmtpMailer(f"smtp://127.0.0.1:{smtp.port}", keep_open=False)
        for number in range(5):
            mailer.send(_letter(number))  # type: ignore[arg-type]
        assert smtp.handler.connections == 5


def test_a_connection_the_server_dropped_is_reopened_and_the_message_sent_once() -> None:
    with servers.smtp_server() as smtp:
        smtp.handler.drop_after = {3}
        mailer = SmtpMailer(f"smtp://127.0.0.1:{smtp.port}")
        for number in range(3):
            mailer.send(_letter(number))  # type: ignore[arg-type]
        time.sleep(0.5)  # the server closes the kept connection, idle between two messages
        for number in range(3, 6):
            mailer.send(_letter(number))  # type: ignore[arg-type]
        assert _ids(smtp) == [f"<letter-{number}@top100.kz>" for number in range(6)]  # none lost, none twice
        assert smtp.handler.connections == 2


def test_a_connection_idle_too_long_is_not_reused() -> None:
    with servers.smtp_server() as smtp:
        mailer = SmtpMailer(f"smtp://127.0.0.1:{smtp.port}", idle=0.2)
        mailer.send(_letter(1))  # type: ignore[arg-type]
        time.sleep(0.4)
        mailer.send(_letter(2))  # type: ignore[arg-type]
        assert smtp.handler.connections == 2 and len(smtp.handler.received) == 2


def test_a_burst_is_swept_in_parallel_on_at_most_the_allowed_connections(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with servers.smtp_server() as smtp:
        monkeypatch.setenv("NOTIFY_SMTP_URL", f"smtp://127.0.0.1:{smtp.port}")
        monkeypatch.setenv("NOTIFY_SMTP_CONNECTIONS", "3")
        smtp.handler.busy = True  # every receipt refused for now: all of them wait for the sweep
        configured = from_environment(runtime)
        for number in range(24):
            event = submitted(
                nomination_id=f"0b6f3c1e-5d2a-4c8e-9f10-{number:012d}", email=f"s{number}@example.kz"
            )
            assert handle(configured, HANDLERS, "notify", event) is True
        assert smtp.handler.received == []
        smtp.handler.busy = False
        with runtime.db.unit_of_work() as session:
            session.execute(update(Message).values(send_after=clock.utcnow() - timedelta(seconds=1)))
        send_due(runtime.db, delivery_for(configured.settings))
        recipients = sorted(to[0] for _, to, _ in smtp.handler.received)
        assert recipients == sorted(f"s{number}@example.kz" for number in range(24))
        assert 1 <= smtp.handler.connections <= 1 + 3  # the refusing connection, then at most three
    with runtime.db.unit_of_work() as session:
        statuses = {row.status for row in session.query(Message).filter(Message.channel == "email")}
    assert statuses == {"sent"}
