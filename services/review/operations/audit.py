"""The audit log: who did or saw what, when (logins, reads of personal data, scores, decisions,
user changes). Every operation that must be accountable calls `record` in its own transaction, so an
entry exists exactly when the thing it tells of happened.

Entries hold ids and codes, never personal data: a candidate is named by its id, a failed login by
a masked email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from services.review.models import AuditEntry, Candidate, User
from shared import audit as shared_audit
from shared.identity import Identity

#: The actions this service records; other engineers' operations add theirs (`score.put`, ...).
LOGIN = "login"
LOGIN_FAILED = "login.failed"
LOGIN_REFUSED = "login.refused"
USER_CREATED = "user.created"
USER_CHANGED = "user.changed"
USER_RESET = "user.reset"
USER_DISABLED = "user.disabled"
TOKEN_ISSUED = "user.token_issued"
LOGOUT = shared_audit.LOGOUT
#: Entries written here; media's and notify's come with their `audit.recorded`.
SERVICE = "review"


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


def mask_email(email: str) -> str:
    """`a***@example.kz`: enough for an administrator to recognise a colleague's typo, not an address."""
    local, at, domain = email.strip().partition("@")
    return f"{local[:1]}***{at}{domain}" if at else f"{email[:1]}***"


@dataclass(frozen=True)
class Filters:
    actor: str | None = None
    action: str | None = None
    candidate: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    before_id: int | None = None
    service: str | None = None
    limit: int = 100


def visible_to(viewer: Identity) -> bool:
    """Whether `viewer` may read the log at all: administrators and chairs."""
    return viewer.role == "admin" or viewer.chair


def entries(session: Session, viewer: Identity, filters: Filters) -> list[AuditEntry]:
    """The entries `viewer` may see, newest first: an administrator or the national chair every one,
    a regional chair those of their region."""
    query: Select[tuple[AuditEntry]] = select(AuditEntry)
    if viewer.region is not None:
        query = query.where(AuditEntry.region == viewer.region)
    if filters.actor:
        actor = filters.actor
        query = query.where(or_(AuditEntry.actor_id == actor, AuditEntry.actor_email == actor))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.service:
        query = query.where(AuditEntry.service == filters.service)
    if filters.candidate:
        query = query.where(AuditEntry.candidate_id == filters.candidate)
    if filters.since:
        query = query.where(AuditEntry.at >= filters.since)
    if filters.until:
        query = query.where(AuditEntry.at < filters.until)
    if filters.before_id:
        query = query.where(AuditEntry.id < filters.before_id)
    query = query.order_by(AuditEntry.id.desc()).limit(filters.limit)
    return list(session.scalars(query))


#: The services whose entries the log holds (review's own and those `audit.recorded` brings).
SERVICES = ("review", "media", "notify")


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
