"""Real local servers for notify's delivery tests: an SMTP server (aiosmtpd, with STARTTLS on a
certificate of a throwaway CA and AUTH when asked) and HTTP SMS gateways speaking the contract's protocol."""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from shared import testing

USER, PASSWORD = "notify", "p@ss word:1"


@dataclass
class MailHandler:
    """Keeps what it receives; refuses recipients at `refused.example` (550) and, while `busy`, says
    421 to every message (a temporary refusal)."""

    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    #: When each message of `received` arrived (time.time()), for benchmarks.
    at: list[float] = field(default_factory=list)
    busy: bool = False
    #: Connections opened to the server so far (a kept connection is one, whatever it carries).
    connections: int = 0
    #: After the message with this (1-based) number, the server drops the connection, as a server's
    #: idle timeout or restart does between two messages.
    drop_after: set[int] = field(default_factory=set)
    #: Seconds the server takes to accept a message's data (a slow or distant mail server).
    delay: float = 0.0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.endswith("@refused.example"):
            return f"550 5.1.1 <{address}>: no such user"
        if self.busy:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        self.at.append(time.time())
        if len(self.received) in self.drop_after:  # after the reply has gone out
            asyncio.get_running_loop().call_later(0.1, server.transport.close)
        return "250 OK queued"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


class _Counting(SMTP):
    """aiosmtpd's server, counting the connections it accepts in its handler."""

    def connection_made(self, transport: Any) -> None:
        self.event_handler.connections += 1
        super().connection_made(transport)


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _Counting(self.handler, **self.SMTP_kwargs)


@dataclass
class Smtp:
    port: int
    handler: MailHandler
    ca: trustme.CA | None

    def client_tls(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        assert self.ca is not None
        self.ca.configure_trust(context)
        return context


@contextmanager
def smtp_server(*, starttls: bool = False) -> Iterator[Smtp]:
    """An SMTP server on a free port; with `starttls`, STARTTLS and AUTH (LOGIN/PLAIN) are required."""
    handler = MailHandler()
    port = testing.free_ports()[0]
    ca = trustme.CA() if starttls else None
    options: dict[str, Any] = {}
    if ca is not None:
        server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(server_tls)
        options = {
            "tls_context": server_tls,
            "require_starttls": True,
            "auth_required": True,
            "authenticator": _authenticate,
        }
    controller = _Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10, **options)
    controller.start()
    handler.connections = 0  # the controller's own check that the server answers
    try:
        yield Smtp(port, handler, ca)
    finally:
        controller.stop()


@dataclass
class Gateway:
    """An SMS gateway: answers `status` (0: not HTTP at all; -1: hangs), keeps every request."""

    server: ThreadingHTTPServer
    requests: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    status: int = 200
    hang: float = 3.0
    sent: int = 0
    #: When each request arrived (time.time()), for benchmarks.
    at: list[float] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/send"


@contextmanager
def sms_gateway() -> Iterator[Gateway]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            gateway: Gateway = self.server.gateway  # type: ignore[attr-defined]
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            gateway.requests.append((dict(self.headers), body))
            gateway.at.append(time.time())
            if gateway.status == -1:
                time.sleep(gateway.hang)
                return
            if gateway.status == 0:  # not HTTP: urllib raises http.client.BadStatusLine
                self.wfile.write(b"SMS-GW busy\r\n")
                self.close_connection = True
                return
            self.send_response(gateway.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            if gateway.status == 200:
                gateway.sent += 1
                reply = {"id": f"{self.server.server_address[1]}-{gateway.sent}"}  # type: ignore[index]
            else:
                reply = {"error": "x"}
            self.wfile.write(json.dumps(reply).encode())

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    gateway = Gateway(server)
    server.gateway = gateway  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
