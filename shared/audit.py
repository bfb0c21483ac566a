"""Who saw or changed what, in every service that people sign in to: one entry model, one way to write it.

Review, media and notify each keep their own append-only audit table (`AuditColumns` gives them the
same columns; the migrations add the triggers refusing UPDATE and DELETE, `deploy/postgres/` withholds
the grants). Media and notify `record` an entry and announce it as `audit.recorded` through the outbox
in the same transaction, so review, which keeps every service's entries together for the people who
read the log, hears of exactly the entries that were committed, each once (by its `entry_id`).

An entry holds ids and codes, never personal data: what was read is named by `object`, a kind and an
id (`nomination:<id>`, `kit:<id>`, `message:<id>`), and the event carries ids only.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import partial
from typing import Any, Protocol, TypeVar

from flask import current_app
from sqlalchemy import JSON, BigInteger, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from shared import clock, identity, outbox
from shared.envelope import Event

EVENT = "audit.recorded"
#: Signing out, recorded by every service's `POST /logout` (`shared.web`).
LOGOUT = "logout"
#: Where an app keeps its recorder (`install`), for what every service shares (signing out).
RECORDER = "top100.audit"


class AuditColumns:
    """The columns of every service's audit log (a mixin for a service's declarative model)."""

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    #: The entry's id across services: review keeps each service's entry once by it. None only on
    #: review's entries written before every service's entries came together.
    entry_id: Mapped[str | None] = mapped_column(String(36), index=True, unique=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[str | None] = mapped_column(String(36), index=True)
    role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40), index=True)
    #: What was read or changed: `<kind>:<id>`, or None (a login, a list).
    object: Mapped[str | None] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


Entry = TypeVar("Entry", bound=AuditColumns)


def new_entry(
    model: type[Entry],
    actor: identity.Identity | None,
    action: str,
    *,
    object: str | None = None,
    region: str | None = None,
    details: dict[str, Any] | None = None,
) -> Entry:
    """An entry (not yet added to a session): `actor` None for the console or an anonymous visitor."""
    return model(
        entry_id=str(uuid.uuid4()),
        at=clock.utcnow(),
        actor_id=actor.user_id if actor else None,
        role=actor.role if actor else None,
        action=action,
        object=object,
        region=region,
        details=details or {},
    )


def announce(session: Session, service: str, entry: AuditColumns) -> None:
    """Put `audit.recorded` for `entry` in the outbox (ids only). Its routing key needs a region: the
    candidate's where the entry has one, else the capital's, as for national users' events."""
    payload = {
        "entry_id": entry.entry_id,
        "service": service,
        "actor_id": entry.actor_id,
        "action": entry.action,
        "object": entry.object,
        "at": entry.at.isoformat(),
        "region": entry.region,
    }
    region = entry.region or identity.NATIONAL_EVENT_REGION
    outbox.emit(session, Event(type=EVENT, version=1, region=region, producer=service, payload=payload))


def record(
    session: Session,
    actor: identity.Identity | None,
    action: str,
    *,
    model: type[Entry],
    service: str,
    object: str | None = None,
    region: str | None = None,
    **details: Any,
) -> Entry:
    """Add an entry to `session`'s transaction and announce it (media and notify: review collects)."""
    entry = new_entry(model, actor, action, object=object, region=region, details=details)
    session.add(entry)
    announce(session, service, entry)
    return entry


class Recorder(Protocol):
    """Records one entry in a service's log: `(session, actor, action, object=..., region=..., **details)`."""

    def __call__(
        self,
        session: Session,
        actor: identity.Identity | None,
        action: str,
        *,
        object: str | None = None,
        region: str | None = None,
        **details: Any,
    ) -> object: ...


def recorder(model: type[Entry], service: str) -> Recorder:
    """`record` bound to a service's model and name: what media and notify call `audit.record`."""
    return partial(record, model=model, service=service)


def install(app: Any, recorder: Recorder) -> None:
    """Name how this app records an entry, for the routes every service shares (`POST /logout`)."""
    app.extensions[RECORDER] = recorder


def installed() -> Recorder | None:
    """The current app's recorder, or None (an app that keeps no audit log)."""
    found: Recorder | None = current_app.extensions.get(RECORDER)
    return found
