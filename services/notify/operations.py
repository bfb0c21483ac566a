"""What changes notify's data and sends: one function per use case, in the caller's unit of work.

At-least-once delivery, exactly-once effect, one message at a time. A handler records what is to be
sent (one `queued` row per event and channel, unique, so a redelivery records nothing new) in its
transaction, with the inbox claim. Each row is then sent in a unit of work of its own, after that
commit, and marked `sent` or `failed` there: a failure of the SMS cannot undo the email sent before
it. When a row could not be sent now (a temporary failure, or an error no provider foresaw), the
event's inbox claim is released and the error raised, so the bus retries the event; the retry
records nothing new and sends only the rows still queued.

A lost database connection while a taken message is marked does not send it again: the mark is
retried on a fresh connection. The windows left: the process dies after the provider took a
message and before its row is marked, and the row is sent again with the same Message-ID (the file
mailer overwrites the same `.eml`; an SMTP reader sees a repeat of the same message); or it dies
between the handler's commit and the sending, and the rows stay queued until the worker's sweep
(`send_left_behind`, a chore every `SWEEP_EVERY` seconds, and after every send) finds them.

A withdrawal is recorded (a tombstone) whether or not the nomination is known, and nothing is sent
to the student after it: a message still queued then is marked `failed` with reason `withdrawn`.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy import event as orm_event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from services.notify import compose, rules
from services.notify.messages import OTHER_REASON, REASONS
from services.notify.models import Followed, Message, Recipient, inbox
from services.notify.providers import Delivery, PermanentFailure
from shared import clock, i18n, ordering, regions
from shared.db import Database, insert_ignore
from shared.envelope import Event
from shared.outbox import emit

log = logging.getLogger(__name__)

PRODUCER = "notify"
CONSUMER = "notify"

#: The parts of an amendment notify follows; `photo` only to tell a late report on an old photo.
PARTS = ("contacts", "language", "candidate", "photo")

#: A row queued longer than this was left behind by a worker that died before sending it.
#: Tries to mark a message the provider took, on fresh connections (0.2, 0.4, 0.8... s apart).
MARK_ATTEMPTS = 6
#: Seconds between two sweeps of queued rows by the worker (see `send_left_behind`).
SWEEP_EVERY = 30.0


class UnknownRecipient(LookupError):
    """A media event about a nomination notify has not heard of yet; the bus retries it later."""


def receipt(session: Session, event: Event) -> None:
    """Remember whom to write to, then queue the confirmation by email and SMS in their language."""
    recipient = remember(session, event)
    if ordering.follow(session, Followed, recipient.nomination_id).withdrawn:
        return
    email = compose.email_text("receipt", recipient.language, **_params(recipient))
    _record(session, event, recipient, "email", "receipt", recipient.email, email)
    reference = rules.short_reference(recipient.nomination_id)
    sms = compose.sms_text("receipt", recipient.language, reference=reference)
    _record(session, event, recipient, "sms", "receipt", recipient.phone, sms)


def amend(session: Session, event: Event) -> None:
    """Follow changed contacts, language or name, unless a newer event has set them already."""
    data = event.payload
    ordering.follow(session, Followed, data["nomination_id"])
    recipient = _known(session, data["nomination_id"])
    _take(recipient, data, ordering.parts_to_apply(data, PARTS, recipient.revisions or {}))


def withdraw(session: Session, event: Event) -> None:
    """Record the withdrawal, even of a nomination not heard of yet: nothing is sent after it."""
    ordering.withdraw(session, Followed, event.payload["nomination_id"], event.payload.get("revision"))


def photo_rejected(session: Session, event: Event) -> None:
    """Ask the student for a usable photo, saying what was wrong with the last one.

    A nomination submitted without a photo is not an error (the photo is needed by 20 October, for
    the republican stage), so media's `missing` is not worth a letter the same minute as the receipt.
    Nor is a rejection of a photo the student has replaced since, nor anything after a withdrawal.
    """
    data = event.payload
    if data["reason"] == "missing":
        return
    if ordering.follow(session, Followed, data["nomination_id"]).withdrawn:
        return
    recipient = _known(session, data["nomination_id"])
    current_photo = (recipient.revisions or {}).get("photo")
    if not ordering.newer(data.get("nomination_revision"), _before(current_photo)):
        return
    reason = REASONS.get(data["reason"], OTHER_REASON)
    params = {**_params(recipient), "reason": i18n.translate(reason, recipient.language)}
    text = compose.email_text("photo_rejected", recipient.language, **params)
    _record(session, event, recipient, "email", "photo_rejected", recipient.email, text)


def _before(revision: int | None) -> int | None:
    """One less than `revision`: a report on the photo of that very revision is still current."""
    return None if revision is None else revision - 1


def remember(session: Session, event: Event) -> Recipient:
    data = event.payload
    recipient = session.get(Recipient, data["nomination_id"]) or Recipient(
        nomination_id=data["nomination_id"], revisions={}
    )
    recipient.region = event.region
    # A submission handled again (its sending failed, so the bus retries it) must not undo an
    # amendment applied in between: only parts newer than what the recipient holds are taken.
    _take(recipient, data, ordering.parts_to_apply(data, PARTS, recipient.revisions or {}))
    session.add(recipient)
    return recipient


def _known(session: Session, nomination_id: str) -> Recipient:
    """The nomination's recipient; an event that overtook the submission is retried by the bus."""
    recipient = session.get(Recipient, nomination_id)
    if recipient is None:
        raise UnknownRecipient(f"nomination {nomination_id} is not known (yet)")
    return recipient


def _take(recipient: Recipient, data: dict[str, Any], parts: list[str]) -> None:
    """Take the recipient's `parts` (contacts, language, name) from a payload, at its revision."""
    if "contacts" in parts:
        recipient.email, recipient.phone = data["contacts"]["email"], data["contacts"]["phone"]
    if "language" in parts:
        recipient.language = data["language"]
    if "candidate" in parts:
        name = data["candidate"]
        recipient.last_name, recipient.first_name = name["last_name"], name["first_name"]
        recipient.patronymic = name.get("patronymic")
    recipient.revisions = ordering.stamped(recipient.revisions or {}, parts, data.get("revision"))
    recipient.updated_at = clock.utcnow()


def _params(recipient: Recipient) -> dict[str, Any]:
    region = regions.resolve(recipient.region)
    return {
        "name": recipient.full_name,
        "nomination_id": recipient.nomination_id,
        "region": region.name(recipient.language) if region else recipient.region,
    }


def _record(
    session: Session,
    event: Event,
    recipient: Recipient,
    channel: str,
    template: str,
    address: str,
    text: compose.Text,
) -> None:
    """Insert the message as `queued`, unless this event already has a message on this channel."""
    row = {
        "id": str(uuid.uuid4()),
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
    insert_ignore(session, Message.__table__, row, conflict=("event_id", "channel"))


def send_after_commit(session: Session, db: Database, delivery: Delivery, event: Event) -> None:
    """Once the handler's transaction has committed, send the event's queued rows one by one."""

    def send(_session: Session) -> None:
        send_queued(db, delivery, event)

    orm_event.listen(session, "after_commit", send, once=True)


def send_queued(db: Database, delivery: Delivery, event: Event) -> None:
    """Send every row of `event` still queued, each in its own unit of work.

    A row that could not be sent now stays queued (the others are still tried); the event's inbox
    claim is then released and the first error raised, so the bus retries the event and the retry
    sends only what is left.
    """
    with db.unit_of_work() as session:
        ids = list(
            session.scalars(
                select(Message.id).where(Message.event_id == str(event.id), Message.status == "queued")
            )
        )
    failure: Exception | None = None
    for message_id in ids:
        try:
            _send_one(db, delivery, message_id, event.correlation_id)
        except Exception as exc:
            failure = failure or exc
    if failure is not None:
        with db.unit_of_work() as session:
            session.execute(
                delete(inbox).where(inbox.c.event_id == str(event.id), inbox.c.consumer == CONSUMER)
            )
        raise failure
    send_left_behind(db, delivery)


def send_left_behind(db: Database, delivery: Delivery, limit: int = 20) -> None:
    """Send rows still queued, such as those of a worker that died between its commit and the sending.

    Their events are in the inbox already, so no retry of the event would send them. Any queued row
    may be taken: one that another worker is sending is locked (and skipped), and one it has sent is
    no longer queued, so nothing goes twice; a row whose sending failed for now goes out here at the
    latest when its event's retry would have sent it. A row that fails again stays queued for the
    next sweep; it does not fail the event being handled now.
    """
    with db.unit_of_work() as session:
        ids = list(
            session.scalars(
                select(Message.id).where(Message.status == "queued").order_by(Message.created_at).limit(limit)
            )
        )
    for message_id in ids:
        try:
            _send_one(db, delivery, message_id, None)
        except Exception as exc:
            log.warning("a message left behind could not be sent yet (%s)", type(exc).__name__)


def _send_one(db: Database, delivery: Delivery, message_id: str, correlation_id: str | None) -> None:
    """Send one queued row and mark it, in a unit of work of its own (the row locked meanwhile).

    A temporary failure, or any error no provider foresaw, rolls this unit back: the row stays queued.
    Once the provider has taken the message, a database error (a connection lost while marking) no
    longer rolls it back to `queued`, where it would be sent again: the mark is retried on a fresh
    connection (`_mark_after_hand_over`).
    """
    taken: tuple[str, str] | None = None
    try:
        with db.unit_of_work() as session:
            locking = {"skip_locked": True} if db.is_postgres else True
            row = session.get(Message, message_id, with_for_update=locking, populate_existing=True)
            if row is None or row.status != "queued":
                return
            followed = session.get(Followed, row.nomination_id) if row.nomination_id else None
            if followed is not None and followed.withdrawn:
                row.status, row.error = "failed", "withdrawn"
                return
            provider = delivery.mailer if row.channel == "email" else delivery.sms
            try:
                provider_id = _hand_over(delivery, row)
            except PermanentFailure as exc:
                row.status, row.provider, row.error = "failed", provider.name, str(exc)[:1000]
                return
            taken = (provider.name, provider_id)
            _mark_sent(session, row, provider.name, provider_id, correlation_id)
    except SQLAlchemyError:
        if taken is None:
            raise
        _mark_after_hand_over(db, message_id, *taken, correlation_id)


def _mark_sent(
    session: Session, row: Message, provider: str, provider_id: str, correlation_id: str | None
) -> None:
    row.status, row.provider, row.provider_id = "sent", provider, provider_id
    row.sent_at = clock.utcnow()
    sent = {"nomination_id": row.nomination_id, "channel": row.channel, "template": row.template}
    wiring: dict[str, Any] = {"correlation_id": correlation_id} if correlation_id else {}
    emit(
        session,
        Event(
            type="notify.message_sent",
            version=1,
            region=row.region,
            producer=PRODUCER,
            payload=sent,
            **wiring,
        ),
    )


def _mark_after_hand_over(
    db: Database, message_id: str, provider: str, provider_id: str, correlation_id: str | None
) -> None:
    """Mark a row the provider has taken, on fresh connections, a few times before giving up."""
    for attempt in range(MARK_ATTEMPTS):
        try:
            with db.unit_of_work() as session:
                row = session.get(Message, message_id, with_for_update=True, populate_existing=True)
                if row is not None and row.status == "queued":
                    _mark_sent(session, row, provider, provider_id, correlation_id)
            return
        except SQLAlchemyError as exc:
            if attempt == MARK_ATTEMPTS - 1:
                raise
            log.warning("marking a sent message failed (%s); trying again", type(exc).__name__)
            time.sleep(0.2 * 2**attempt)


def _hand_over(delivery: Delivery, row: Message) -> str:
    """Give the provider the message as recorded; returns the provider's id for it."""
    if row.channel == "sms":
        return delivery.sms.send(row.recipient, row.body, f"{row.event_id}.sms")
    letter = compose.email(
        from_header=delivery.sender,
        to_address=row.recipient,
        text=compose.Text(subject=row.subject, body=row.body),
        language=row.language,
        event_id=row.event_id,
        at=clock.local_now(),
    )
    return delivery.mailer.send(letter)
