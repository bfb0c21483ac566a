"""Running an event handler exactly once in effect: inbox claim and effect in one transaction.

The worker (`shared.worker`) calls `handle` for every delivery and acks only after it returns, so a
crash before commit means redelivery and a crash after commit means a duplicate the inbox drops.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from shared import events, inbox
from shared.envelope import Event
from shared.runtime import Runtime


@dataclass
class HandlerContext:
    """What a handler gets: the open unit of work (state, outbox and inbox share it) and the wiring."""

    session: Session
    runtime: Runtime


Handler = Callable[[HandlerContext, Event], None]


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
    with runtime.db.unit_of_work() as session:
        if not inbox.claim(session, str(event.id), consumer, event.type):
            return False
        handler(HandlerContext(session=session, runtime=runtime), typed)
    return True
