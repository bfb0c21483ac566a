"""Running an event handler exactly once in effect: inbox claim and effect in one transaction.

The worker (`shared.worker`) calls `handle` for every delivery and acks only after it returns, so a
crash before commit means redelivery and a crash after commit means a duplicate the inbox drops.

A handler whose work starts with slow I/O (media downloads and decodes a photo) is given a
`prepare` step (`prepared_by`): it runs before the unit of work opens, so no database connection
waits on the network, and what it returns reaches the handler as `ctx.prepared`. An event already in
the inbox is dropped before that step; the handler still checks everything again inside its unit of
work (the claim, the nomination's state), so a redelivery is applied once, as without the step.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared import events, inbox
from shared.envelope import Event
from shared.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass
class HandlerContext:
    """What a handler gets: the open unit of work (state, outbox and inbox share it) and the wiring."""

    session: Session
    runtime: Runtime
    #: What to undo outside the database if the transaction does not commit (blobs written for it):
    #: run after the rollback, in order, each on its own so one failing does not stop the others.
    undo: list[Callable[[], None]] = field(default_factory=list)
    #: What the handler's `prepare` step made before the transaction opened (None without one).
    prepared: Any = None


Handler = Callable[[HandlerContext, Event], None]
#: A step run before the handler's unit of work: slow I/O that must hold no database connection.
Prepare = Callable[[Runtime, Event], Any]


def prepared_by(prepare: Prepare) -> Callable[[Handler], Handler]:
    """Give a handler a `prepare` step run outside its transaction (see the module's docstring)."""

    def mark(handler: Handler) -> Handler:
        handler.prepare = prepare  # type: ignore[attr-defined]
        return handler

    return mark


class NoHandler(events.UnknownEvent):
    """The service follows the aggregate but has no handler for this event type."""


def handle(runtime: Runtime, handlers: Mapping[str, Handler], consumer: str, event: Event) -> bool:
    """Validate the payload, then run the handler once per event id; False for a duplicate.

    Raises `events.UnknownEvent` / `NoHandler` / `marshmallow.ValidationError` for a message that
    no retry can fix (the worker parks it), and whatever the handler raises otherwise (retried).
    """
    handler = handlers.get(event.type)
    if handler is None:
        raise NoHandler(f"{consumer} has no handler for {event.type}")
    loaded = events.load_payload(event.type, event.version, event.payload)
    typed = Event(
        type=event.type,
        version=event.version,
        region=event.region,
        producer=event.producer,
        payload=loaded,
        id=event.id,
        occurred_at=event.occurred_at,
        correlation_id=event.correlation_id,
    )
    prepare: Prepare | None = getattr(handler, "prepare", None)
    prepared = None
    if prepare is not None:
        with runtime.db.unit_of_work() as session:
            if inbox.handled(session, str(event.id), consumer):
                return False
        prepared = prepare(runtime, typed)
    undo: list[Callable[[], None]] = []
    try:
        with runtime.db.unit_of_work() as session:
            if runtime.db.is_postgres:  # a stuck statement ends with the handler's time
                timeout = str(round(runtime.settings.handler_timeout * 1000))
                session.execute(select(func.set_config("statement_timeout", timeout, True)))
            if not inbox.claim(session, str(event.id), consumer, event.type):
                return False
            handler(HandlerContext(session=session, runtime=runtime, undo=undo, prepared=prepared), typed)
    except BaseException:
        _undo(undo)
        raise
    return True


def _undo(steps: list[Callable[[], None]]) -> None:
    """Best effort: the handler's own failure is what the worker reports and retries."""
    for step in steps:
        try:
            step()
        except Exception as exc:
            log.warning("could not undo part of a failed handler: %s", failure_summary(exc))


def failure_summary(exc: BaseException) -> str:
    """What a failure was, without what it was about: for logs and the headers of retried messages.

    An exception's text may quote personal data (a database error quotes the value it refused, a
    provider the address it could not reach), so only the exception's type is kept, with, for a
    database error, the driver's error class, its SQLSTATE and the constraint or table it names.
    """
    parts = [type(exc).__name__]
    original = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
    sqlstate = getattr(original, "sqlstate", None)
    if original is not exc:
        parts.append(f"from {type(original).__module__}.{type(original).__name__}")
    if sqlstate:
        parts.append(f"SQLSTATE {sqlstate}")
    diag = getattr(original, "diag", None)
    for label in ("constraint_name", "table_name"):
        name = getattr(diag, label, None)
        if name:
            parts.append(f"{label.split('_')[0]} {name}")
    return " ".join(parts)
