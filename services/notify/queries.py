"""What notify's API and page read."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notify.models import Message


def messages_of(session: Session, nomination_id: str) -> list[Message]:
    query = select(Message).where(Message.nomination_id == nomination_id)
    return list(session.scalars(query.order_by(Message.created_at, Message.channel)))


def recent_messages(session: Session, limit: int = 200) -> list[Message]:
    query = select(Message).order_by(Message.created_at.desc(), Message.channel).limit(limit)
    return list(session.scalars(query))


def get_message(session: Session, message_id: str) -> Message | None:
    return session.get(Message, message_id)
