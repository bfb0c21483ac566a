"""What notify's API and pages read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notify.models import Message
from shared import refusals


def messages(session: Session, query: dict[str, Any]) -> list[Message]:
    """The log, newest first, filtered by what the query names (status, template, channel, region, dates)."""
    statement = select(Message)
    for name in ("nomination_id", "status", "template", "channel", "region"):
        if query.get(name):
            statement = statement.where(getattr(Message, name) == query[name])
    if query.get("from_"):
        statement = statement.where(Message.created_at >= query["from_"])
    if query.get("to"):
        statement = statement.where(Message.created_at < query["to"])
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


def get_message(session: Session, message_id: str) -> Message | None:
    return session.get(Message, message_id)
