"""Email providers: `.eml` files (embedded mode, shown by the notify UI) and SMTP (production)."""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import threading
import time
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlparse

from services.notify.operations.providers.base import Mailer, PermanentFailure, TemporaryFailure
from services.notify.rules import mask_email

#: Connections (and so messages in hand at once) per SMTP server and process, `NOTIFY_SMTP_CONNECTIONS`.
DEFAULT_CONNECTIONS = 4
#: A kept connection unused for longer is closed, not reused (servers drop idle ones after 1-5 min).
IDLE_SECONDS = 30.0


def eml_name(message: EmailMessage) -> str:
    """A file name derived from the Message-ID, so a repeated send overwrites instead of duplicating."""
    message_id = str(message["Message-ID"] or "").strip("<>")
    if not message_id:
        raise ValueError("a message needs a Message-ID before it is sent")
    return re.sub(r"[^A-Za-z0-9._-]", "_", message_id) + ".eml"


def refusal(recipients: dict[str, tuple[int, bytes]]) -> str:
    """`recipient_refused: 550 al*****@example.kz`: a reason code, the SMTP codes and masked addresses.

    The text becomes a message's error (shown on notify's page and API) and, for a temporary refusal,
    a retried handler's error in the worker's log: neither may carry a student's address, and the
    server's own reply is left out because it usually repeats the address.
    """
    refused = ", ".join(f"{code} {mask_email(address)}" for address, (code, _) in sorted(recipients.items()))
    return f"recipient_refused: {refused}"


class FileMailer(Mailer):
    """Writes each message as an RFC 5322 file (CRLF, `<message-id>.eml`) into a folder, atomically."""

    name = "file"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / eml_name(message)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(message.as_bytes(policy=policy.SMTP))
        temporary.replace(path)
        return path.name


class _Data:
    """Marks a client once DATA was sent: from then on the server may have the message."""

    data_started = False

    def data(self, msg: bytes | str) -> tuple[int, bytes]:
        self.data_started = True
        return super().data(msg)  # type: ignore[misc]


class _Client(_Data, smtplib.SMTP):
    pass


class _SslClient(_Data, smtplib.SMTP_SSL):
    pass


@dataclass
class _Kept:
    """An open connection, who opened it (a forked process must not share it) and when it was used."""

    client: _Client | _SslClient
    pid: int
    used_at: float


class SmtpMailer(Mailer):
    """SMTP through smtplib: `smtp://host:25`, `smtp+starttls://user:pass@host:587`, `smtps://host:465`.

    Connections are kept open across messages (a new one costs a TCP handshake, the greeting, EHLO,
    STARTTLS and AUTH: more than the message itself), at most `connections` at a time, which also
    bounds how many messages this process hands over at once. A kept connection the server has
    dropped meanwhile (idle timeout, restart) fails at MAIL, before the message left: it is closed and
    the message sent once on a new connection. A failure after DATA began is not retried here (the
    server may have the message): it is a temporary failure, retried later under the same Message-ID.
    A connection idle for more than `idle` seconds is closed rather than reused.
    """

    name = "smtp"

    def __init__(
        self,
        url: str,
        timeout: float = 15.0,
        tls: ssl.SSLContext | None = None,
        *,
        connections: int = DEFAULT_CONNECTIONS,
        keep_open: bool = True,
        idle: float = IDLE_SECONDS,
    ) -> None:
        parsed = urlparse(url)
        if parsed.scheme not in ("smtp", "smtp+starttls", "smtps") or not parsed.hostname:
            raise ValueError(
                f"NOTIFY_SMTP_URL must be smtp://, smtp+starttls:// or smtps://host:port, not {url!r}"
            )
        self.scheme = parsed.scheme
        self.host = parsed.hostname
        self.port = parsed.port or {"smtp": 25, "smtp+starttls": 587, "smtps": 465}[parsed.scheme]
        self.username = unquote(parsed.username) if parsed.username else None
        self.password = unquote(parsed.password) if parsed.password else None
        self.timeout = timeout
        #: The TLS context (the system's CAs unless a test brings its own).
        self.tls = tls
        self.connections = max(1, connections)
        self.keep_open = keep_open
        self.idle = idle
        self._slots = threading.BoundedSemaphore(self.connections)
        self._lock = threading.Lock()
        self._free: list[_Kept] = []

    def _connect(self) -> _Client | _SslClient:
        client: _Client | _SslClient
        if self.scheme == "smtps":
            client = _SslClient(
                self.host, self.port, timeout=self.timeout, context=self.tls or ssl.create_default_context()
            )
        else:
            client = _Client(self.host, self.port, timeout=self.timeout)
            if self.scheme == "smtp+starttls":
                client.starttls(context=self.tls or ssl.create_default_context())
        if self.username:
            client.login(self.username, self.password or "")
        return client

    def _take(self) -> _Kept | None:
        """A kept connection of this process, fresh enough to reuse, or None."""
        now = time.monotonic()
        with self._lock:
            while self._free:
                kept = self._free.pop()
                if kept.pid == os.getpid() and now - kept.used_at <= self.idle:
                    return kept
                if kept.pid == os.getpid():
                    _close(kept.client)
        return None

    def _give_back(self, client: _Client | _SslClient) -> None:
        if not self.keep_open:
            _close(client, quit=True)
            return
        client.data_started = False
        with self._lock:
            self._free.append(_Kept(client, os.getpid(), time.monotonic()))

    def close(self) -> None:
        """QUIT every kept connection (a worker that stops)."""
        with self._lock:
            kept, self._free = self._free, []
        for entry in kept:
            _close(entry.client, quit=True)

    def send(self, message: EmailMessage) -> str:
        with self._slots:
            kept = self._take()
            client = kept.client if kept else None
            try:
                if client is not None and not _sent_on_kept(client, message):
                    client = None
                if client is None:
                    client = self._connect()
                    client.send_message(message)
            except smtplib.SMTPRecipientsRefused as exc:
                if client is not None:
                    self._give_back(client)  # smtplib reset the transaction: the connection is good
                codes = [code for code, _ in exc.recipients.values()]
                failure = PermanentFailure if all(code >= 500 for code in codes) else TemporaryFailure
                # Not chained: smtplib's exception holds the addresses and would print them in a traceback.
                raise failure(refusal(exc.recipients)) from None
            except smtplib.SMTPResponseException as exc:
                _close(client)
                failure = PermanentFailure if exc.smtp_code >= 500 else TemporaryFailure
                raise failure(f"smtp_rejected: {exc.smtp_code}") from None
            except (smtplib.SMTPException, OSError) as exc:
                _close(client)
                raise TemporaryFailure(f"smtp_unavailable: {exc}") from exc
            self._give_back(client)
        return str(message["Message-ID"])


def _sent_on_kept(client: _Client | _SslClient, message: EmailMessage) -> bool:
    """Send on a kept connection; False (connection closed) when the server had dropped it before the
    message left (a broken socket, or 421 "closing" at MAIL); any other failure is raised.

    smtplib's exceptions are OSErrors too: a refusal (a recipient, a server's 5xx) is not a dropped
    connection and is raised as it is.
    """
    try:
        client.send_message(message)
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPSenderRefused) as exc:
        dropped = not isinstance(exc, smtplib.SMTPSenderRefused) or exc.smtp_code == 421
        if client.data_started or not dropped:
            raise
    except smtplib.SMTPException:
        raise
    except OSError:
        if client.data_started:
            raise
    else:
        return True
    _close(client)
    return False


def _close(client: smtplib.SMTP | None, *, quit: bool = False) -> None:
    """Close a connection, politely (QUIT) when it is still good, never raising."""
    if client is None:
        return
    try:
        if quit:
            client.quit()
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        client.close()
