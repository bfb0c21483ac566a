"""Sending recorded messages: each in a unit of work of its own, marked in the same one.

A handler records its messages (`queueing`) in its transaction, with the inbox claim; once that has
committed, its rows are sent one by one here. A temporary failure (an SMTP server that refuses for
now, every SMS gateway down) does not fail the event: the row stays `queued` with `send_after` pushed
back (exponential backoff with jitter, `rules.backoff`), and the worker's sweep (`send_due`, a chore)
sends it then; after `rules.MAX_ATTEMPTS` it is `failed` with the reason. A permanent failure is
`failed` at once. So a known failure never parks the event, and no worker sleeps on a retry.

Two workers cannot send one row twice: a row is locked while sent (`SKIP LOCKED` on PostgreSQL, so
the other worker takes the next one) and is no longer due once marked. A lost database connection
while a taken message is marked is retried on fresh connections; the window left is a process that
dies after the provider took a message and before its row is marked (sent again, same Message-ID):
one message per kill on an event's path, at most one per parallel lane of a sweep (`send_due`).
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import event as orm_event
from sqlalchemy import or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from services.notify import rules
from services.notify.models import Followed, Message
from services.notify.operations import compose, status
from services.notify.operations.providers import Delivery, PermanentFailure, Taken, TemporaryFailure
from services.notify.operations.queueing import TO_SEND, erase
from services.notify.operations.unsubscribe import links
from services.notify.rules.catalogue import NEVER_HELD
from shared import clock
from shared.db import Database

log = logging.getLogger(__name__)

#: Tries to mark a message the provider took, on fresh connections (0.2, 0.4, 0.8... s apart).
MARK_ATTEMPTS = 6
#: Seconds between two sweeps of due messages by the worker (see `send_due`).
SWEEP_EVERY = 5.0
#: Seconds one sweep may send for, well within the worker's handler time limit.
SWEEP_BUDGET = 30.0
#: SMS requests a sweep has in flight at once (each gateway answers in tens of milliseconds).
SMS_AT_ONCE = 4


def send_after_commit(session: Session, db: Database, delivery: Delivery) -> None:
    """Once the handler's transaction has committed, send the messages it recorded (`queueing`)."""

    def send(committed: Session) -> None:
        ids = committed.info.pop(TO_SEND, [])
        if not ids:
            return
        try:
            send_batch(db, delivery, ids)
        except Exception as exc:  # the database went away: the sweep sends them
            log.warning("messages could not be sent now (%s)", type(exc).__name__)

    orm_event.listen(session, "after_commit", send, once=True)


def send_due(db: Database, delivery: Delivery, limit: int = 200, budget: float = SWEEP_BUDGET) -> int:
    """Send what is due: held until after the quiet hours, waiting out a backoff, or left behind by a
    worker that died between its commit and the sending. Returns how many were looked at.

    A burst (the morning's held SMS, a backlog after a provider came back) goes out in parallel, each
    channel at most `width` at a time (the SMTP connections kept open, `SMS_AT_ONCE` requests), each
    row still its own unit of work. It stops after `budget` seconds (a mail server that times out on
    every message would otherwise hold the worker past its watchdog); the next sweep takes the rest.
    """
    stop_at = time.monotonic() + budget
    now = clock.utcnow()
    with db.unit_of_work() as session:
        rows = list(
            session.execute(
                select(Message.id, Message.channel)
                .where(
                    Message.status.in_(("queued", "held")),
                    or_(Message.send_after.is_(None), Message.send_after <= now),
                )
                .order_by(Message.created_at)
                .limit(limit)
            )
        )
    widths = {"email": getattr(delivery.mailer, "connections", 1), "sms": SMS_AT_ONCE}
    lanes = {channel: [row.id for row in rows if row.channel == channel] for channel in widths}
    with ThreadPoolExecutor(sum(widths.values()), thread_name_prefix="notify-send") as pool:
        looked = pool.map(
            lambda item: _send_lane(db, delivery, item[1], stop_at),
            [
                (channel, lane[start :: widths[channel]])
                for channel, lane in lanes.items()
                for start in range(widths[channel])
            ],
        )
        return sum(looked)


def _send_lane(db: Database, delivery: Delivery, ids: list[str], stop_at: float) -> int:
    """One of a sweep's parallel lanes: its rows one after the other, until the budget is spent."""
    looked = 0
    for message_id in ids:
        if time.monotonic() > stop_at:
            break
        looked += 1
        try:
            send_one(db, delivery, message_id)
        except Exception as exc:
            log.warning("a due message could not be sent yet (%s)", type(exc).__name__)
    return looked


def send_one(db: Database, delivery: Delivery, message_id: str) -> None:
    send_batch(db, delivery, [message_id])


def send_batch(db: Database, delivery: Delivery, ids: list[str]) -> None:
    """Send due rows, each handed over and marked in a unit of work of its own (the row locked).

    One commit per message, not one per event: a provider's taking of a message is committed on its
    own, so a worker killed while it sends repeats at most the messages it had in hand (one
    transaction for an event's few messages would repeat them all). On PostgreSQL an event's messages
    go out at once, up to `delivery.event_lanes` (a receipt's three: the student's email and SMS, the
    coordinator's email), so their hand-overs and commits overlap instead of adding up; SQLite, one
    writer at a time, takes them one after the other. If the database fails once a provider has
    taken a message, its mark is retried on fresh connections, never rolled back to be sent again.
    """
    with db.unit_of_work() as session:
        query = select(Message.id).where(Message.id.in_(ids)).order_by(Message.created_at, Message.channel)
        ordered = list(session.scalars(query))
    width = min(len(ordered), delivery.event_lanes if db.is_postgres else 1)
    if width <= 1:
        for message_id in ordered:
            _send_row(db, delivery, message_id)
        return
    with ThreadPoolExecutor(width, thread_name_prefix="notify-event") as pool:
        for sent in [pool.submit(_send_row, db, delivery, message_id) for message_id in ordered]:
            sent.result()  # the first failure is raised, once every message has had its turn


def _send_row(db: Database, delivery: Delivery, message_id: str) -> None:
    taken: Taken | None = None
    try:
        with db.unit_of_work() as session:
            locking = {"skip_locked": True} if db.is_postgres else {}
            query = select(Message).where(Message.id == message_id)
            row = session.scalars(
                query.with_for_update(**locking).execution_options(populate_existing=True)
            ).first()
            if row is None or row.status not in ("queued", "held") or not _due(row):
                return
            if row.recipient_kind in ("student", "coordinator") and _withdrawn(session, [row]):
                _fail(session, row, "withdrawn")
                return
            taken = _attempt(session, delivery, row)
            if taken is not None:
                _mark_sent(session, row, taken)
    except SQLAlchemyError:
        if taken is None:
            raise
        _mark_after_hand_over(db, message_id, taken)


def _attempt(session: Session, delivery: Delivery, row: Message) -> Taken | None:
    """Hand one row over; a refusal is recorded on the row (failed, or later after a backoff)."""
    if row.template in NEVER_HELD and rules.code_expired(row.created_at, clock.utcnow()):
        _fail(session, row, "expired")
        return None
    if row.channel == "sms" and row.template not in NEVER_HELD:
        held_until = rules.quiet_until(clock.local_now())
        if held_until is not None:
            if row.status != "held":
                status.step(session, row, "held")
            row.status, row.send_after = "held", held_until
            return None
    try:
        return _hand_over(delivery, row)
    except PermanentFailure as exc:
        row.attempts += 1
        _fail(session, row, str(exc))
    except TemporaryFailure as exc:
        _later(session, row, str(exc))
    except Exception as exc:
        log.warning("a provider failed unexpectedly (%s)", type(exc).__name__)
        _later(session, row, f"unexpected: {type(exc).__name__}")
    return None


def _due(row: Message) -> bool:
    return row.send_after is None or row.send_after <= clock.utcnow()


def _withdrawn(session: Session, rows: list[Message]) -> set[str]:
    """The nominations of `rows` withdrawn since their messages were recorded."""
    nominations = {row.nomination_id for row in rows if row.nomination_id}
    if not nominations:
        return set()
    query = select(Followed).where(Followed.nomination_id.in_(nominations))
    return {followed.nomination_id for followed in session.scalars(query) if followed.withdrawn}


def _fail(session: Session, row: Message, reason: str) -> None:
    row.status, row.error = "failed", reason[:1000]
    status.failed(session, row, reason)
    erase(row)


def _later(session: Session, row: Message, reason: str) -> None:
    """A temporary failure: again after a backoff, or failed for good after the last attempt."""
    row.attempts += 1
    if row.attempts >= rules.MAX_ATTEMPTS:
        _fail(session, row, f"{reason} (after {row.attempts} attempts)")
        return
    row.status, row.error = "queued", reason[:1000]
    row.send_after = clock.utcnow() + rules.backoff(row.attempts)
    status.step(session, row, "queued", row.error)


def _mark_sent(session: Session, row: Message, taken: Taken) -> None:
    row.status, row.provider, row.provider_id = "sent", taken.provider, taken.id
    row.attempts += 1
    row.sent_at, row.error, row.send_after = clock.utcnow(), None, None
    status.sent(session, row)
    erase(row)


def _mark_after_hand_over(db: Database, message_id: str, taken: Taken) -> None:
    """Mark a row the provider has taken, on fresh connections, a few times before giving up."""
    for attempt in range(MARK_ATTEMPTS):
        try:
            with db.unit_of_work() as session:
                row = session.get(Message, message_id, with_for_update=True, populate_existing=True)
                if row is not None and row.status in ("queued", "held"):
                    _mark_sent(session, row, taken)
            return
        except SQLAlchemyError as exc:
            if attempt == MARK_ATTEMPTS - 1:
                raise
            log.warning("marking a sent message failed (%s); trying again", type(exc).__name__)
            time.sleep(0.2 * 2**attempt)


def _hand_over(delivery: Delivery, row: Message) -> Taken:
    """Give the provider the message as recorded."""
    if row.channel == "sms":
        return delivery.sms.send(row.recipient, row.body or "", row.id)
    letter = compose.email(
        from_header=delivery.sender,
        to_address=row.recipient,
        subject=row.subject or "",
        text=row.body or "",
        language=row.language,
        key=row.id,
        at=clock.local_now(),
        unsubscribe=links(delivery, row.recipient) if row.optional else None,
    )
    return Taken(delivery.mailer.name, delivery.mailer.send(letter))
