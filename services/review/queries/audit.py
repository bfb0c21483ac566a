"""Reading the audit log: the entries a viewer may see, filtered as they ask (`rules.audit.Filters`)."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from services.review.models import AuditEntry
from services.review.rules.audit import Filters
from shared.identity import Identity


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
