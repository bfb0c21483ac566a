"""Reading the audit log: the entries a viewer may see, filtered as they ask (`rules.audit.Filters`)."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from services.review.models import AuditEntry
from services.review.rules.audit import Filters
from shared.filtering import where_given
from shared.identity import Identity


def entries(session: Session, viewer: Identity, filters: Filters, offset: int = 0) -> list[AuditEntry]:
    """The entries `viewer` may see, newest first: an administrator or the national chair every one,
    a regional chair those of their region; `offset` skips the newer pages."""
    query = _visible(viewer, filters).order_by(AuditEntry.id.desc()).limit(filters.limit)
    return list(session.scalars(query.offset(offset) if offset else query))


def count(session: Session, viewer: Identity, filters: Filters) -> int:
    """How many entries `entries` would page through (the audit page's "page 2 of 7")."""
    visible = _visible(viewer, filters).with_only_columns(func.count(AuditEntry.id))
    return session.scalar(visible) or 0


def _visible(viewer: Identity, filters: Filters) -> Select[tuple[AuditEntry]]:
    query: Select[tuple[AuditEntry]] = select(AuditEntry)
    if viewer.region is not None:
        query = query.where(AuditEntry.region == viewer.region)
    if filters.actor:
        actor = filters.actor
        query = query.where(or_(AuditEntry.actor_id == actor, AuditEntry.actor_email == actor))
    query = where_given(
        query,
        (AuditEntry.action, filters.action),
        (AuditEntry.service, filters.service),
        (AuditEntry.candidate_id, filters.candidate),
    )
    if filters.since:
        query = query.where(AuditEntry.at >= filters.since)
    if filters.until:
        query = query.where(AuditEntry.at < filters.until)
    if filters.before_id:
        query = query.where(AuditEntry.id < filters.before_id)
    return query
