"""The audit log: who did or saw what, when (logins, reads of personal data, scores, decisions,
user changes). Every operation that must be accountable calls `record` in its own transaction, so an
entry exists exactly when the thing it tells of happened.

Entries hold ids and codes, never personal data: a candidate is named by its id, a failed login by
a masked email. The actions' names are in `rules.audit`, the reading of the log in `queries.audit`.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.review.models import AuditEntry, Candidate, User
from services.review.rules.audit import SERVICE
from shared import audit as shared_audit
from shared.identity import Identity


class _HasRegion(Protocol):
    id: str
    region: str


def record(
    session: Session,
    actor: Identity | None,
    action: str,
    *,
    candidate: str | _HasRegion | None = None,
    region: str | None = None,
    **details: Any,
) -> AuditEntry:
    """Add an entry to the log in `session`'s transaction.

    `actor` is the caller (None for the console or an anonymous visitor); `candidate` is a candidate
    or its id (a candidate's own region is taken when `region` is not given); `details` are codes and
    ids, JSON-serialisable, never personal data.
    """
    candidate_id: str | None
    if candidate is None or isinstance(candidate, str):
        candidate_id = candidate
    else:
        candidate_id = candidate.id
        region = region or candidate.region
    entry = shared_audit.new_entry(AuditEntry, actor, action, region=region, details=details)
    entry.service, entry.candidate_id = SERVICE, candidate_id
    entry.actor_email = actor.email if actor else None
    session.add(entry)
    return entry


def receive(session: Session, payload: dict[str, Any]) -> AuditEntry | None:
    """Keep an entry media or notify announced, once by its `entry_id` (a producer's relay may send
    it twice under two event ids; the inbox drops a redelivery of one).

    The event carries ids only: who the actor is (email, role) and which candidate and region a
    `nomination:<id>` names are looked up here, so a regional chair sees their region's entries and
    the log is filtered by a person's email as for review's own. None if it was kept already.
    """
    if session.scalar(select(AuditEntry.id).where(AuditEntry.entry_id == payload["entry_id"])) is not None:
        return None
    kind, _, ref = (payload.get("object") or "").partition(":")
    candidate = (
        session.scalar(select(Candidate).where(Candidate.nomination_id == ref))
        if kind == "nomination" and ref
        else None
    )
    actor = session.get(User, payload["actor_id"]) if payload.get("actor_id") else None
    entry = AuditEntry(
        entry_id=payload["entry_id"],
        service=payload["service"],
        at=payload["at"],
        actor_id=payload.get("actor_id"),
        actor_email=actor.email if actor else None,
        role=actor.role if actor else None,
        action=payload["action"],
        object=payload.get("object"),
        candidate_id=candidate.id if candidate else None,
        region=payload.get("region") or (candidate.region if candidate else None),
        details={},
    )
    session.add(entry)
    return entry
