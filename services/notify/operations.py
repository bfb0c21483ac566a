"""What changes notify's data and sends: one function per use case, in the caller's unit of work.

At-least-once delivery, exactly-once effect: a message is first recorded in the handler's
transaction under the unique key (event id, channel) and sent only when that row is new; the inbox
claim shares the transaction. The one window left: the process dies after the provider took the
message and before the commit. The redelivered event then sends again, with the same Message-ID
(the file mailer overwrites the same `.eml`; an SMTP reader sees a repeat of the same message).

Failures: a temporary email failure raises, the transaction rolls back and the bus retries the
event (nothing was sent). A permanent one is recorded as `failed`. An SMS failure of either kind is
recorded as `failed` and not retried, because the email of the same event has already gone out and
a retry of the event would send it twice.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from services.notify import compose, rules
from services.notify.messages import OTHER_REASON, REASONS
from services.notify.models import Message, Recipient
from services.notify.providers import Delivery, PermanentFailure
from services.notify.providers.base import DeliveryError
from shared import clock, db, i18n, regions
from shared.envelope import Event
from shared.outbox import emit

PRODUCER = "notify"


class UnknownRecipient(LookupError):
    """A media event about a nomination notify has not heard of yet; the bus retries it later."""


def receipt(session: Session, delivery: Delivery, event: Event) -> None:
    """Remember whom to write to, then confirm the nomination by email and SMS in their language."""
    recipient = remember(session, event)
    params = _params(recipient)
    _send_email(session, delivery, event, recipient, "receipt", params)
    _send_sms(
        session,
        delivery,
        event,
        recipient,
        "receipt",
        {"reference": rules.short_reference(recipient.nomination_id)},
    )


def amend(session: Session, event: Event) -> None:
    """Follow changed contacts, language or name; an amendment of other fields changes nothing here."""
    data = event.payload
    recipient = session.get(Recipient, data["nomination_id"])
    if recipient is None:
        raise UnknownRecipient(f"nomination {data['nomination_id']} is not known (yet)")
    if data.get("contacts"):
        recipient.email, recipient.phone = data["contacts"]["email"], data["contacts"]["phone"]
    if data.get("language"):
        recipient.language = data["language"]
    if data.get("candidate"):
        name = data["candidate"]
        recipient.last_name, recipient.first_name = name["last_name"], name["first_name"]
        recipient.patronymic = name.get("patronymic")
    recipient.updated_at = clock.utcnow()


def photo_rejected(session: Session, delivery: Delivery, event: Event) -> None:
    """Ask the student for a usable photo, saying what was wrong with the last one.

    A nomination submitted without a photo is not an error (the photo is needed by 20 October, for
    the republican stage), so media's `missing` is not worth a letter the same minute as the receipt.
    """
    if event.payload["reason"] == "missing":
        return
    recipient = session.get(Recipient, event.payload["nomination_id"])
    if recipient is None:
        raise UnknownRecipient(f"nomination {event.payload['nomination_id']} is not known (yet)")
    reason = REASONS.get(event.payload["reason"], OTHER_REASON)
    params = {**_params(recipient), "reason": i18n.translate(reason, recipient.language)}
    _send_email(session, delivery, event, recipient, "photo_rejected", params)


def remember(session: Session, event: Event) -> Recipient:
    data = event.payload
    name, contacts = data["candidate"], data["contacts"]
    recipient = session.get(Recipient, data["nomination_id"]) or Recipient(
        nomination_id=data["nomination_id"]
    )
    recipient.region, recipient.language = event.region, data["language"]
    recipient.last_name, recipient.first_name, recipient.patronymic = (
        name["last_name"],
        name["first_name"],
        name.get("patronymic"),
    )
    recipient.email, recipient.phone = contacts["email"], contacts["phone"]
    recipient.updated_at = clock.utcnow()
    session.add(recipient)
    return recipient


def _params(recipient: Recipient) -> dict[str, Any]:
    region = regions.resolve(recipient.region)
    return {
        "name": recipient.full_name,
        "nomination_id": recipient.nomination_id,
        "region": region.name(recipient.language) if region else recipient.region,
    }


def _send_email(
    session: Session,
    delivery: Delivery,
    event: Event,
    recipient: Recipient,
    template: str,
    params: dict[str, Any],
) -> None:
    text = compose.email_text(template, recipient.language, **params)
    row = _record(session, event, recipient, "email", template, recipient.email, text)
    if row is None:
        return
    letter = compose.email(
        from_header=delivery.sender,
        to_address=recipient.email,
        text=text,
        language=recipient.language,
        event_id=str(event.id),
        at=clock.local_now(),
    )
    try:
        provider_id = delivery.mailer.send(letter)
    except PermanentFailure as exc:
        _failed(row, delivery.mailer.name, exc)
        return
    _sent(session, event, row, delivery.mailer.name, provider_id)


def _send_sms(
    session: Session,
    delivery: Delivery,
    event: Event,
    recipient: Recipient,
    template: str,
    params: dict[str, Any],
) -> None:
    text = compose.sms_text(template, recipient.language, **params)
    row = _record(session, event, recipient, "sms", template, recipient.phone, text)
    if row is None:
        return
    try:
        provider_id = delivery.sms.send(recipient.phone, text.body, f"{event.id}.sms")
    except DeliveryError as exc:
        _failed(row, delivery.sms.name, exc)
        return
    _sent(session, event, row, delivery.sms.name, provider_id)


def _record(
    session: Session,
    event: Event,
    recipient: Recipient,
    channel: str,
    template: str,
    address: str,
    text: compose.Text,
) -> Message | None:
    """Insert the message as `queued`; None when this event already has a message on this channel."""
    message_id = str(uuid.uuid4())
    row = {
        "id": message_id,
        "event_id": str(event.id),
        "nomination_id": recipient.nomination_id,
        "region": event.region,
        "channel": channel,
        "template": template,
        "language": recipient.language,
        "recipient": address,
        "subject": text.subject,
        "body": text.body,
        "status": "queued",
        "created_at": clock.utcnow(),
    }
    if not db.insert_ignore(session, Message.__table__, row, conflict=("event_id", "channel")):
        return None
    return session.get(Message, message_id)


def _sent(session: Session, event: Event, row: Message, provider: str, provider_id: str) -> None:
    row.status, row.provider, row.provider_id, row.sent_at = "sent", provider, provider_id, clock.utcnow()
    emit(
        session,
        event.caused(
            PRODUCER,
            "notify.message_sent",
            {"nomination_id": row.nomination_id, "channel": row.channel, "template": row.template},
        ),
    )


def _failed(row: Message, provider: str, error: Exception) -> None:
    row.status, row.provider, row.error = "failed", provider, str(error)[:1000]
