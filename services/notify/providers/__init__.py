"""Delivery providers: each a small class behind one interface per channel.

Only the environment picks them (12-factor), through `shared.config.NotifySettings`:
- email: `NOTIFY_SMTP_URL` unset -> `FileMailer` (`.eml` files under `TOP100_DATA_DIR/mail/`);
  `smtp://host:port`, `smtp+starttls://user:pass@host:587` or `smtps://...` -> `SmtpMailer`.
- SMS: `NOTIFY_SMS_URL` unset -> `LogSms` (`TOP100_DATA_DIR/sms/outbox.log`); an http(s) URL ->
  `HttpSms`, an adapter for a JSON gateway (`NOTIFY_SMS_TOKEN` as a bearer token).
A provider raises `TemporaryFailure` when a later attempt may succeed and `PermanentFailure` when
none will; notify retries the first through the bus and records the second as `failed`.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.notify.providers.base import Mailer, PermanentFailure, SmsSender, TemporaryFailure
from services.notify.providers.mail import FileMailer, SmtpMailer
from services.notify.providers.sms import HttpSms, LogSms
from shared.config import Settings

__all__ = [
    "Delivery",
    "FileMailer",
    "HttpSms",
    "LogSms",
    "Mailer",
    "PermanentFailure",
    "SmsSender",
    "SmtpMailer",
    "TemporaryFailure",
    "delivery_for",
]


@dataclass(frozen=True)
class Delivery:
    mailer: Mailer
    sms: SmsSender
    #: The From of every email (`NOTIFY_MAIL_FROM`).
    sender: str


def delivery_for(settings: Settings) -> Delivery:
    """The providers the environment asks for; cheap to build (no connection is opened here)."""
    notify = settings.notify
    mailer: Mailer = (
        SmtpMailer(notify.smtp_url) if notify.smtp_url else FileMailer(settings.data_dir / "mail")
    )
    sms: SmsSender = (
        HttpSms(notify.sms_url, notify.sms_token)
        if notify.sms_url
        else LogSms(settings.data_dir / "sms" / "outbox.log")
    )
    return Delivery(mailer=mailer, sms=sms, sender=notify.mail_from)
