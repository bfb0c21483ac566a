"""Delivery providers: each a small class behind one interface per channel.

Only the environment picks them (12-factor), through `shared.config.NotifySettings`:
- email: `NOTIFY_SMTP_URL` unset -> `FileMailer` (`.eml` files under `TOP100_DATA_DIR/mail/`);
  `smtp://host:port`, `smtp+starttls://user:pass@host:587` or `smtps://...` -> `SmtpMailer`, which
  keeps up to `NOTIFY_SMTP_CONNECTIONS` (4) connections open across messages.
- SMS: `NOTIFY_SMS_PROVIDERS` (a JSON list of gateways) -> `SmsRouter` with failover between them;
  else `NOTIFY_SMS_URL` (and `NOTIFY_SMS_TOKEN`) -> the same with that one gateway, named `http`;
  else `LogSms` (`TOP100_DATA_DIR/sms/outbox.log`).
A provider raises `TemporaryFailure` when a later attempt may succeed and `PermanentFailure` when
none will; notify schedules the first again (backoff) and records the second as `failed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from services.notify.operations.providers.base import (
    Mailer,
    PermanentFailure,
    SmsSender,
    Taken,
    TemporaryFailure,
)
from services.notify.operations.providers.mail import FileMailer, SmtpMailer
from services.notify.operations.providers.sms import Gateway, HttpSms, LogSms, SmsRouter
from shared.config import NotifySettings, Settings

__all__ = [
    "Delivery",
    "FileMailer",
    "Gateway",
    "HttpSms",
    "LogSms",
    "Mailer",
    "PermanentFailure",
    "SmsRouter",
    "SmsSender",
    "SmtpMailer",
    "Taken",
    "TemporaryFailure",
    "delivery_for",
    "gateways",
]


@dataclass(frozen=True)
class Delivery:
    mailer: Mailer
    sms: SmsSender
    #: The From of every email (`NOTIFY_MAIL_FROM`).
    sender: str
    #: Where unsubscribe links point (`NOTIFY_PUBLIC_URL`).
    public_url: str = ""
    #: Signs the unsubscribe links (`TOP100_SECRET_KEY`).
    secret_key: str = ""
    #: An event's messages handed over at once (`NOTIFY_EVENT_LANES`; see `sending.send_batch`).
    event_lanes: int = 1


def gateways(notify: NotifySettings) -> list[Gateway]:
    """The SMS gateways the environment names, by priority (empty in the embedded mode)."""
    if notify.sms_providers:
        return Gateway.parse_list(notify.sms_providers)
    if notify.sms_url:
        return [Gateway(name="http", url=notify.sms_url, token=notify.sms_token)]
    return []


def delivery_for(settings: Settings) -> Delivery:
    """The providers the environment asks for; one set per process, so failover health is kept."""
    return _delivery(settings.notify, settings.data_dir, settings.secret_key)


@lru_cache(maxsize=8)
def _delivery(notify: NotifySettings, data_dir: Path, secret_key: str) -> Delivery:
    mailer: Mailer = (
        SmtpMailer(notify.smtp_url, connections=notify.smtp_connections)
        if notify.smtp_url
        else FileMailer(data_dir / "mail")
    )
    configured = gateways(notify)
    sms: SmsSender = (
        SmsRouter([HttpSms(g) for g in configured]) if configured else LogSms(data_dir / "sms" / "outbox.log")
    )
    return Delivery(
        mailer=mailer,
        sms=sms,
        sender=notify.mail_from,
        public_url=notify.public_url,
        secret_key=secret_key,
        event_lanes=notify.event_lanes,
    )
