"""The production providers against real local servers: smtplib to a tiny SMTP responder, urllib to
an HTTP gateway; and how their failures become retries or `failed` rows."""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.notify.app import create_app
from services.notify.handlers import HANDLERS
from services.notify.models import Message
from services.notify.providers import HttpSms, SmtpMailer, TemporaryFailure
from services.notify.tests.factories import from_environment, submitted
from shared import inbox, testing
from shared.handling import handle
from shared.runtime import Runtime
from shared.tests import nomination_story as story


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: refuses recipients at `refused.example`, keeps what it receives."""

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._say("220 test ESMTP")
        while line := self.rfile.readline():
            verb = line.decode().strip().split(" ", 1)[0].split(":", 1)[0].upper()
            if verb == "EHLO":
                self._say("250-test\r\n250 8BITMIME")
            elif verb == "RCPT" and b"refused.example" in line:
                # As real servers do, the reply repeats the address.
                self._say(f"550 5.1.1 {line.decode().strip()[8:]}: no such user")
            elif verb == "DATA":
                self._say("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk
                self.server.received.append(data)  # type: ignore[attr-defined]
                self._say("250 queued")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 ok")


@pytest.fixture
def smtp_server() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    server.received = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def gateway() -> Iterator[HTTPServer]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            self.server.requests.append((dict(self.headers), body))  # type: ignore[attr-defined]
            status = self.server.status  # type: ignore[attr-defined]
            if status == 0:  # not HTTP at all: urllib raises http.client.BadStatusLine
                self.wfile.write(b"SMS-GW busy\r\n")
                self.close_connection = True
                return
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"id": "gw-1"} if status == 200 else {"error": "x"}).encode())

        def log_message(self, *args: object) -> None:
            return None

    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.requests, server.status = [], 200  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(params=story.DATABASES)
def store(request: pytest.FixtureRequest) -> Runtime:
    return story.runtime_for(request)


def _rows(runtime: Runtime) -> dict[str, Message]:
    with runtime.db.unit_of_work() as session:
        return {row.channel: row for row in session.scalars(select(Message))}


def test_smtp_and_http_gateway_deliver_the_receipt(
    runtime: Runtime, smtp_server, gateway, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NOTIFY_SMTP_URL", f"smtp://127.0.0.1:{smtp_server.server_address[1]}")
    monkeypatch.setenv("NOTIFY_SMS_URL", f"http://127.0.0.1:{gateway.server_address[1]}/send")
    monkeypatch.setenv("NOTIFY_SMS_TOKEN", "secret")
    submission = submitted("kk")
    handle(from_environment(runtime), HANDLERS, "notify", submission)

    [data] = smtp_server.received
    letter = BytesParser(policy=policy.default).parsebytes(data)
    assert letter["To"].addresses[0].addr_spec == "alikhan@example.kz"
    assert "Нұрланұлы Әлихан Қайратұлы" in letter.get_content()
    [(headers, body)] = gateway.requests
    assert headers["Authorization"] == "Bearer secret"
    assert body["to"] == "+77011234567" and "қабылданды" in body["text"]
    assert body["reference"] == f"{submission.id}.sms"
    rows = _rows(runtime)
    assert (rows["email"].provider, rows["email"].provider_id) == (
        "smtp",
        f"<{submission.id}.email@top100.kz>",
    )
    assert (rows["sms"].provider, rows["sms"].provider_id, rows["sms"].status) == ("http", "gw-1", "sent")
    assert not (tmp_path / "mail").exists()


def test_a_refused_address_is_recorded_as_failed_not_retried(
    runtime: Runtime, smtp_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTIFY_SMTP_URL", f"smtp://127.0.0.1:{smtp_server.server_address[1]}")
    assert (
        handle(from_environment(runtime), HANDLERS, "notify", submitted(email="nobody@refused.example"))
        is True
    )
    rows = _rows(runtime)
    assert rows["email"].status == "failed" and rows["sms"].status == "sent"
    # A reason code, the SMTP code and the address masked: the error is shown on the page and the API.
    assert rows["email"].error == "recipient_refused: 550 no****@refused.example"
    client = create_app(runtime).test_client()
    page = client.get(f"/messages/{rows['email'].id}").get_data(as_text=True)
    api = client.get(f"/api/v1/messages?nomination_id={rows['email'].nomination_id}").get_data(as_text=True)
    for shown in (page, api):
        assert "recipient_refused" in shown and "nobody@" not in shown


def _inbox_rows(runtime: Runtime) -> int:
    with runtime.db.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(runtime.db.metadata.tables[inbox.INBOX]))


def test_an_unreachable_smtp_server_leaves_the_email_for_the_retry(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NOTIFY_SMTP_URL", f"smtp://127.0.0.1:{testing.free_ports()[0]}")
    submission = submitted()
    with pytest.raises(TemporaryFailure):
        handle(from_environment(runtime), HANDLERS, "notify", submission)
    rows = _rows(runtime)
    assert (rows["email"].status, rows["sms"].status) == ("queued", "sent")
    assert _inbox_rows(runtime) == 0  # released: the retry is not dropped as a duplicate
    monkeypatch.delenv("NOTIFY_SMTP_URL")
    assert handle(from_environment(runtime), HANDLERS, "notify", submission) is True
    assert {row.status for row in _rows(runtime).values()} == {"sent"}
    assert len((tmp_path / "sms" / "outbox.log").read_text(encoding="utf-8").splitlines()) == 1


@pytest.mark.parametrize("status", [503, 0], ids=["gateway-503", "not-http"])
def test_a_failing_sms_gateway_never_resends_the_email(
    store: Runtime, smtp_server, gateway, monkeypatch: pytest.MonkeyPatch, status: int
) -> None:
    """The SMS fails after the email went out, by a delivery error or one no provider foresaw
    (a gateway that does not speak HTTP); the retries send the SMS, and the email exactly once."""
    runtime = store
    monkeypatch.setenv("NOTIFY_SMTP_URL", f"smtp://127.0.0.1:{smtp_server.server_address[1]}")
    monkeypatch.setenv("NOTIFY_SMS_URL", f"http://127.0.0.1:{gateway.server_address[1]}/send")
    submission = submitted()
    gateway.status = status
    for _retry in range(2):
        with pytest.raises(Exception) as failure:
            handle(from_environment(runtime), HANDLERS, "notify", submission)
        assert not isinstance(failure.value, AssertionError)
    rows = _rows(runtime)
    assert (rows["email"].status, rows["sms"].status) == ("sent", "queued")
    gateway.status = 200
    assert handle(from_environment(runtime), HANDLERS, "notify", submission) is True
    assert handle(from_environment(runtime), HANDLERS, "notify", submission) is False
    assert len(smtp_server.received) == 1
    assert len(gateway.requests) == 3
    assert {row.status for row in _rows(runtime).values()} == {"sent"}


def test_provider_urls_are_checked() -> None:
    with pytest.raises(ValueError):
        SmtpMailer("http://mail.example")
    with pytest.raises(ValueError):
        HttpSms("ftp://sms.example")
    assert SmtpMailer("smtp+starttls://user:p%40ss@mail.example").port == 587
