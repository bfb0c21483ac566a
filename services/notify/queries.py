"""What notify's API and pages read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from services.notify.models import Message, MessageStep
from shared import refusals

#: Messages on one page of the delivery log.
PER_PAGE = 50


def _filtered(statement: Select[Any], query: dict[str, Any]) -> Select[Any]:
    for name in ("nomination_id", "status", "template", "channel", "region", "recipient_hash"):
        if query.get(name):
            statement = statement.where(getattr(Message, name) == query[name])
    if query.get("nomination"):
        # A nomination's full id, or the short reference its SMS and letters show (its first characters).
        statement = statement.where(
            Message.nomination_id.startswith(query["nomination"].lower(), autoescape=True)
        )
    if query.get("from_"):
        statement = statement.where(Message.created_at >= query["from_"])
    if query.get("to"):
        statement = statement.where(Message.created_at < query["to"])
    return statement


def messages(session: Session, query: dict[str, Any]) -> list[Message]:
    """The log, newest first, filtered by what the query names (status, template, channel, region, dates)."""
    statement = _filtered(select(Message), query)
    statement = statement.order_by(Message.created_at.desc(), Message.channel).limit(query.get("limit", 200))
    return list(session.scalars(statement))


def within_region(query: dict[str, Any], region: str | None) -> dict[str, Any]:
    """The log's filters for a caller who sees one region (a chair): narrowed to it, and `Forbidden`
    when they ask for another's."""
    if region is not None:
        if query.get("region") not in (None, region):
            raise refusals.Forbidden()
        query["region"] = region
    return query


@dataclass(frozen=True)
class LogPage:
    """One page of the delivery log: its messages, which page of how many, and how many in all."""

    items: list[Message]
    page: int
    pages: int
    total: int


def log_page(session: Session, query: dict[str, Any], page: int = 1) -> LogPage:
    """`PER_PAGE` messages of the filtered log, newest first; a page past the last shows the last."""
    total = session.scalar(_filtered(select(func.count()).select_from(Message), query)) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    statement = _filtered(select(Message), query).order_by(Message.created_at.desc(), Message.id)
    items = list(session.scalars(statement.limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    return LogPage(items, page, pages, total)


def get_message(session: Session, message_id: str) -> Message | None:
    return session.get(Message, message_id)


def steps(session: Session, message_id: str) -> list[MessageStep]:
    """A message's timeline, oldest step first."""
    query = select(MessageStep).where(MessageStep.message_id == message_id)
    return list(session.scalars(query.order_by(MessageStep.at, MessageStep.id)))
