"""An event's messages go out at once on PostgreSQL (`NOTIFY_EVENT_LANES`): a receipt's SMS does not
wait behind its email when the mail server is slow, and each message is still sent and marked once.

On deadline night notify's worker handed a receipt's messages over one after the other, each with its
own commit, and kept up with half of intake's rate (docs/operations.md, "Deadline night"). The test
makes the mail server take a second and a half per message and looks at when the SMS reached the
gateway: before the email was accepted with lanes, after it with `NOTIFY_EVENT_LANES=1`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from services.notify.handlers import HANDLERS
from services.notify.models import Message
from services.notify.tests import servers
from services.notify.tests.factories import from_environment, submitted
from shared.handling import handle
from shared.runtime import Runtime

pytestmark = pytest.mark.integration

SLOW_MAIL = 1.5


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[servers.Smtp, servers.Gateway]]:
    with servers.smtp_server() as smtp, servers.sms_gateway() as gateway:
        smtp.handler.delay = SLOW_MAIL
        monkeypatch.setenv("NOTIFY_SMTP_URL", f"smtp://127.0.0.1:{smtp.port}")
        monkeypatch.setenv("NOTIFY_SMS_URL", gateway.url)
        yield smtp, gateway


def _receipt(pg_runtime: Runtime) -> dict[str, str]:
    assert handle(from_environment(pg_runtime), HANDLERS, "notify", submitted("kk")) is True
    with pg_runtime.db.unit_of_work() as session:
        return {row.channel: row.status for row in session.scalars(select(Message))}


def test_a_receipts_sms_does_not_wait_for_its_email(
    pg_runtime: Runtime, wire: tuple[servers.Smtp, servers.Gateway]
) -> None:
    smtp, gateway = wire

    assert _receipt(pg_runtime) == {"email": "sent", "sms": "sent"}
    assert len(smtp.handler.received) == len(gateway.requests) == 1
    assert gateway.at[0] < smtp.handler.at[0] - SLOW_MAIL / 2  # the SMS went while the email waited


def test_one_lane_sends_them_one_after_the_other(
    pg_runtime: Runtime, wire: tuple[servers.Smtp, servers.Gateway], monkeypatch: pytest.MonkeyPatch
) -> None:
    smtp, gateway = wire
    monkeypatch.setenv("NOTIFY_EVENT_LANES", "1")

    assert _receipt(pg_runtime) == {"email": "sent", "sms": "sent"}
    assert gateway.at[0] > smtp.handler.at[0]  # the email first, then the SMS
