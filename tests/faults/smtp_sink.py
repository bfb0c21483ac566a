"""An SMTP server that accepts every message and remembers its Message-ID: the count of real sends.

The embedded file mailer names each `.eml` after the Message-ID, so a second send of the same email
overwrites the first and leaves no trace; a run that must prove "sent once" needs the wire. This is
the least of the protocol smtplib's `send_message` speaks (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
QUIT), nothing more; the standard library's own server (`smtpd`) is deprecated and gone in 3.12.
"""

from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes, policy


class _Session(socketserver.StreamRequestHandler):
    server: _Server

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        self._reply("220 faults sink")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.strip().split(b" ", 1)[0].upper()
            if verb == b"EHLO":
                self._reply("250-faults sink")
                self._reply("250 8BITMIME")
            elif verb == b"DATA":
                self._reply("354 end with <CRLF>.<CRLF>")
                self.server.received(self._data())
                self._reply("250 queued")
            elif verb == b"QUIT":
                self._reply("221 bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self._reply("250 ok")

    def _data(self) -> bytes:
        lines = []
        while True:
            line = self.rfile.readline()
            if line in (b".\r\n", b".\n", b""):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.lock = threading.Lock()
        self.message_ids: list[str] = []
        self.raw: list[bytes] = []

    def received(self, data: bytes) -> None:
        message = message_from_bytes(data, policy=policy.default)
        with self.lock:
            self.message_ids.append(str(message["Message-ID"] or "").strip())
            self.raw.append(data)


class SmtpSink:
    """`with SmtpSink() as sink:` -> `sink.url` for NOTIFY_SMTP_URL, `sink.message_ids` afterwards."""

    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, name="smtp-sink", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"smtp://{host}:{port}"

    @property
    def message_ids(self) -> list[str]:
        with self._server.lock:
            return list(self._server.message_ids)

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
