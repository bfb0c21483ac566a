"""The production providers against real local servers: an SMTP server (aiosmtpd) with STARTTLS and
AUTH, and HTTP SMS gateways with priority and failover; and how their failures become later attempts
or `failed` rows."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select

from services.notify.app import create_app
from services.notify.handlers import HANDLERS
from services.notify.models import Message, outbox
from services.notify.operations.providers import SmtpMailer, TemporaryFailure
from services.notify.operations.providers.sms import Gateway as GatewayConfig
from services.notify.operations.sending import send_due
from services.notify.rules import MAX_ATTEMPTS
from services.notify.tests import servers
from services.notify.tests.factories import bearer, from_environment, submitted
from shared.handling import handle
from shared.runtime import Runtime


@pytest.fixture
def smtp() -> Iterator[servers.Smtp]:
    with servers.smtp_server() as server:
        yield server


@pytest.fixture
def gateways() -> Iterator[tuple[servers.Gateway, servers.Gateway]]:
    with servers.sms_gateway() as first, servers.sms_gateway() as second:
        yield first, second


def _rows(runtime: Runtime) -> dict[str, Message]:
    with runtime.db.unit_of_work() as session:
        return {row.channel: row for row in session.scalars(select(Message))}


def _providers(*entries: dict[str, Any]) -> str:
    return json.dumps(list(entries))


def _letter(raw: bytes) -> Any:
    return BytesParser(policy=policy.default).parsebytes(raw)


def test_smtp_with_starttls_and_auth_delivers_text_and_html(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with servers.smtp_server(starttls=True) as server:
        assert server.ca is not None
        ca_file = tmp_path / "ca.pem"
        server.ca.cert_pem.write_to_path(str(ca_file))
        monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))  # the system's CAs, as far as ssl knows
        url = f"smtp+starttls://{servers.USER}:{quote(servers.PASSWORD)}@127.0.0.1:{server.port}"
        monkeypatch.setenv("NOTIFY_SMTP_URL", url)
        assert handle(from_environment(runtime), HANDLERS, "notify", submitted("kk")) is True
        [(sender, recipients, raw)] = server.handler.received
    assert sender == "noreply@top100.kz" and recipients == ["alikhan@example.kz"]
    letter = _letter(raw)
    assert letter.get_content_type() == "multipart/alternative"
    assert "Құрметті Әлихан Қайратұлы!" in letter.get_body(("plain",)).get_content()
    assert "<p>Құрметті Әлихан Қайратұлы!</p>" in letter.get_body(("html",)).get_content()
    assert letter["List-Unsubscribe"] is None  # a receipt is not optional
    row = _rows(runtime)["email"]
    assert (row.status, row.provider, row.provider_id) == ("sent", "smtp", letter["Message-ID"])


def test_starttls_with_a_wrong_password_is_refused_and_never_sent_in_clear() -> None:
    with servers.smtp_server(starttls=True) as server:
        wrong = SmtpMailer(
            f"smtp+starttls://{servers.USER}:nope@127.0.0.1:{server.port}", tls=server.client_tls()
        )
        from services.notify.operations import compose
        from shared import clock

        letter = compose.email(
            from_header="TOP 100 <noreply@top100.kz>",
            to_address="a@example.kz",
            subject="s",
            text="t",
            language="en",
            key="k",
            at=clock.local_now(),
        )
        with pytest.raises(Exception) as refused:
            wrong.send(letter)
        assert "smtp_rejected: 535" in str(refused.value)
        plain = SmtpMailer(f"smtp://127.0.0.1:{server.port}")  # no STARTTLS: the server refuses the mail
        with pytest.raises(Exception) as cleartext:
            plain.send(letter)
        assert "smtp_rejected: 530" in str(cleartext.value)
        right = SmtpMailer(
            f"smtp+starttls://{servers.USER}:{quote(servers.PASSWORD)}@127.0.0.1:{server.port}",
            tls=server.client_tls(),
        )
        assert right.send(letter) == "<k@top100.kz>"
        assert len(server.handler.received) == 1


def test_a_refused_address_is_recorded_as_failed_not_retried(
    runtime: Runtime, smtp: servers.Smtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTIFY_SMTP_URL", f"smtp://127.0.0.1:{smtp.port}")
    assert (
        handle(from_environment(runtime), HANDLERS, "notify", submitted(email="nobody@refused.example"))
        is True
    )
    rows = _rows(runtime)
    assert rows["email"].status == "failed" and rows["sms"].status == "sent"
    # A reason code, the SMTP code and the address masked: the error is shown on the page and the API.
    assert rows["email"].error == "recipient_refused: 550 no****@refused.example"
    assert rows["email"].attempts == 1 and rows["email"].send_after is None
    client, admin = create_app(runtime).test_client(), bearer(runtime)
    page = client.get(f"/messages/{rows['email'].id}", headers=admin).get_data(as_text=True)
    api = client.get(f"/api/v1/messages?nomination_id={rows['email'].nomination_id}", headers=admin).get_data(
        as_text=True
    )
    for shown in (page, api):
        assert "recipient_refused" in shown and "nobody@" not in shown
    with runtime.db.unit_of_work() as session:
        events = [json.loads(row.body) for row in session.execute(select(outbox))]
    failed = [e["payload"] for e in events if e["type"] == "notification.failed"]
    assert failed == [
        {
            "message_id": rows["email"].id,
            "nomination_id": rows["email"].nomination_id,
            "template": "nomination_received",
            "channel": "email",
            "recipient_kind": "student",
            "reason": "recipient_refused",
        }
    ]


def test_a_server_that_refuses_for_now_is_retried_with_backoff_then_failed_with_the_reason(
    runtime: Runtime, smtp: servers.Smtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """451 to every attempt: each one later than the last, never a parked event, then `failed`."""
    monkeypatch.setenv("NOTIFY_SMTP_URL", f"smtp://127.0.0.1:{smtp.port}")
    smtp.handler.busy = True
    assert handle(from_environment(runtime), HANDLERS, "notify", submitted()) is True
    waits = []
    for _attempt in range(MAX_ATTEMPTS - 1):
        row = _rows(runtime)["email"]
        assert row.status == "queued" and row.error == "recipient_refused: 451 al*****@example.kz"
        waits.append(row.send_after)
        monkeypatch.setenv("TOP100_NOW", row.send_after.isoformat())
        send_due(runtime.db, _delivery(runtime))
    row = _rows(runtime)["email"]
    assert waits == sorted(waits) and len(set(waits)) == len(waits)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(waits)]
    assert gaps == sorted(gaps)  # exponential: every wait longer than the one before
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
    assert row.error == f"recipient_refused: 451 al*****@example.kz (after {MAX_ATTEMPTS} attempts)"
    assert smtp.handler.received == []


def _delivery(runtime: Runtime) -> Any:
    from services.notify.operations.providers import delivery_for

    return delivery_for(from_environment(runtime).settings)


def test_the_next_gateway_takes_over_when_the_first_fails(
    runtime: Runtime, gateways: tuple[servers.Gateway, servers.Gateway], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = gateways
    first.status = 503
    monkeypatch.setenv(
        "NOTIFY_SMS_PROVIDERS",
        _providers(
            {"name": "beeline", "url": second.url, "token": "t2", "sender": "TOP100-B", "priority": 2},
            {"name": "kcell", "url": first.url, "token": "t1", "sender": "TOP100-K", "priority": 1},
        ),
    )
    assert handle(from_environment(runtime), HANDLERS, "notify", submitted()) is True
    [(headers_1, tried)] = first.requests
    [(headers_2, taken)] = second.requests
    assert headers_1["Authorization"] == "Bearer t1" and tried["sender"] == "TOP100-K"
    assert headers_2["Authorization"] == "Bearer t2" and taken["sender"] == "TOP100-B"
    assert taken["to"] == "+77011234567" and "қабылданды" in taken["text"]
    row = _rows(runtime)["sms"]
    assert (row.status, row.provider, row.provider_id) == (
        "sent",
        "beeline",
        f"{second.server.server_address[1]}-1",
    )
    assert taken["reference"] == row.id


def test_a_gateway_that_hangs_times_out_and_the_next_one_sends(
    runtime: Runtime, gateways: tuple[servers.Gateway, servers.Gateway], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = gateways
    first.status, first.hang = -1, 3.0
    monkeypatch.setenv(
        "NOTIFY_SMS_PROVIDERS",
        _providers(
            {"name": "slow", "url": first.url, "priority": 1, "timeout": 0.5},
            {"name": "spare", "url": second.url, "priority": 2},
        ),
    )
    assert handle(from_environment(runtime), HANDLERS, "notify", submitted()) is True
    assert len(first.requests) == 1 and len(second.requests) == 1
    assert _rows(runtime)["sms"].provider == "spare"


def test_every_gateway_down_is_a_temporary_failure_and_the_sms_waits(
    runtime: Runtime, gateways: tuple[servers.Gateway, servers.Gateway], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = gateways
    first.status, second.status = 0, 502  # one not speaking HTTP, one answering 502
    monkeypatch.setenv(
        "NOTIFY_SMS_PROVIDERS",
        _providers(
            {"name": "a", "url": first.url, "priority": 1}, {"name": "b", "url": second.url, "priority": 2}
        ),
    )
    assert handle(from_environment(runtime), HANDLERS, "notify", submitted()) is True
    row = _rows(runtime)["sms"]
    assert (row.status, row.attempts) == ("queued", 1) and "a: gateway unreachable" in row.error
    assert "b: gateway answered 502" in row.error
    second.status = 200
    monkeypatch.setenv("TOP100_NOW", row.send_after.isoformat())
    send_due(runtime.db, _delivery(runtime))
    assert _rows(runtime)["sms"].status == "sent" and _rows(runtime)["email"].status == "sent"


def test_a_gateway_refusing_the_message_is_a_permanent_failure(
    runtime: Runtime, gateways: tuple[servers.Gateway, servers.Gateway], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = gateways
    first.status = 400
    monkeypatch.setenv(
        "NOTIFY_SMS_PROVIDERS",
        _providers(
            {"name": "a", "url": first.url, "priority": 1}, {"name": "b", "url": second.url, "priority": 2}
        ),
    )
    handle(from_environment(runtime), HANDLERS, "notify", submitted())
    row = _rows(runtime)["sms"]
    assert (row.status, row.error) == ("failed", "a: gateway answered 400") and second.requests == []


def test_nomination_sms_url_alone_still_works_as_one_provider(
    runtime: Runtime, gateways: tuple[servers.Gateway, servers.Gateway], monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway = gateways[0]
    monkeypatch.setenv("NOTIFY_SMS_URL", gateway.url)
    monkeypatch.setenv("NOTIFY_SMS_TOKEN", "secret")
    handle(from_environment(runtime), HANDLERS, "notify", submitted())
    [(headers, body)] = gateway.requests
    assert headers["Authorization"] == "Bearer secret" and body["sender"] == "TOP100"
    assert (_rows(runtime)["sms"].provider, _rows(runtime)["sms"].status) == ("http", "sent")


def test_a_landline_or_foreign_number_is_recorded_as_not_sendable(
    runtime: Runtime, gateways: tuple[servers.Gateway, servers.Gateway], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTIFY_SMS_URL", gateways[0].url)
    for number, nomination in (("+77272501234", "n-landline"), ("+79161234567", "n-russia")):
        event = submitted(nomination_id=nomination)
        event.payload["contacts"]["phone"] = number
        handle(from_environment(runtime), HANDLERS, "notify", event)
    with runtime.db.unit_of_work() as session:
        sms = list(session.scalars(select(Message).where(Message.channel == "sms")))
    assert [(row.status, row.error) for row in sms] == [
        ("failed", "not_sendable: not a Kazakhstan mobile number")
    ] * 2
    assert gateways[0].requests == []


def test_provider_settings_are_checked() -> None:
    with pytest.raises(ValueError):
        SmtpMailer("http://mail.example")
    with pytest.raises(ValueError):
        GatewayConfig.parse_list(json.dumps([{"name": "x", "url": "ftp://sms.example"}]))
    with pytest.raises(ValueError):
        GatewayConfig.parse_list(
            json.dumps([{"name": "x", "url": "http://a"}, {"name": "x", "url": "http://b"}])
        )
    assert SmtpMailer("smtp+starttls://user:p%40ss@mail.example").port == 587
    assert issubclass(TemporaryFailure, Exception)


def test_a_sweep_stops_after_its_time_budget_and_leaves_the_rest_for_the_next(
    runtime: Runtime, smtp: servers.Smtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mail server slow on every message must not hold the worker past its watchdog."""
    for n in range(3):
        handle(runtime, HANDLERS, "notify", submitted(nomination_id=f"n-{n}", email=f"s{n}@example.kz"))
    with runtime.db.unit_of_work() as session:
        for row in session.scalars(select(Message)):
            row.status, row.sent_at = "queued", None
    assert send_due(runtime.db, _delivery(runtime), budget=0.0) == 0
    assert send_due(runtime.db, _delivery(runtime)) == 6
