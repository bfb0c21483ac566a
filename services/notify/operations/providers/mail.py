"""Email providers: `.eml` files (embedded mode, shown by the notify UI) and SMTP (production)."""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from email import policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlparse

from services.notify.operations.providers.base import Mailer, PermanentFailure, TemporaryFailure
from services.notify.rules import mask_email


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


class SmtpMailer(Mailer):
    """SMTP through smtplib: `smtp://host:25`, `smtp+starttls://user:pass@host:587`, `smtps://host:465`."""

    name = "smtp"

    def __init__(self, url: str, timeout: float = 15.0, tls: ssl.SSLContext | None = None) -> None:
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

    def _connect(self) -> smtplib.SMTP:
        if self.scheme == "smtps":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self.tls or ssl.create_default_context()
            )
        client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.scheme == "smtp+starttls":
            client.starttls(context=self.tls or ssl.create_default_context())
        return client

    def send(self, message: EmailMessage) -> str:
        try:
            with self._connect() as client:
                if self.username:
                    client.login(self.username, self.password or "")
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            failure = PermanentFailure if all(code >= 500 for code in codes) else TemporaryFailure
            # Not chained: smtplib's exception holds the addresses and would print them in a traceback.
            raise failure(refusal(exc.recipients)) from None
        except smtplib.SMTPResponseException as exc:
            failure = PermanentFailure if exc.smtp_code >= 500 else TemporaryFailure
            raise failure(f"smtp_rejected: {exc.smtp_code}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"smtp_unavailable: {exc}") from exc
        return str(message["Message-ID"])
