"""Notify's store: whom to write to (from intake's events) and every message with its delivery status.

A message row is keyed by (event id, channel): a second delivery of the same event can never record,
and therefore never send, a second message on the same channel. Every message of an event goes to
the nomination's student, so the key is also (event, recipient, channel).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.i18n import LANGUAGES
from shared.inbox import INBOX
from shared.models import one_of, service_base
from shared.ordering import FollowedNomination
from shared.outbox import OUTBOX

CHANNELS = ("email", "sms")
STATUSES = ("queued", "sent", "failed")


Base = service_base()
metadata = Base.metadata
outbox, inbox = metadata.tables[OUTBOX], metadata.tables[INBOX]


class Recipient(Base):
    """The student of a nomination: contacts and language, the minimum notify needs to write."""

    __tablename__ = "recipients"
    __table_args__ = (CheckConstraint(one_of("language", LANGUAGES), name="language"),)

    nomination_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    region: Mapped[str] = mapped_column(String(40))
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(2))
    #: The nomination revision each part (contacts, language, name, photo) was last applied at.
    revisions: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)


class Message(Base):
    """One email or SMS: what was sent to whom, in which language, and what the provider said."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("event_id", "channel", name="uq_messages_event_channel"),
        CheckConstraint(one_of("channel", CHANNELS), name="channel"),
        CheckConstraint(one_of("status", STATUSES), name="status"),
        CheckConstraint(one_of("language", LANGUAGES), name="language"),
        CheckConstraint("status != 'sent' OR sent_at IS NOT NULL", name="sent_has_time"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36))
    nomination_id: Mapped[str | None] = mapped_column(String(64), index=True)
    region: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    template: Mapped[str] = mapped_column(String(50))
    language: Mapped[str] = mapped_column(String(2))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))
    provider: Mapped[str | None] = mapped_column(String(30))
    provider_id: Mapped[str | None] = mapped_column(String(300))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]


class Followed(FollowedNomination, Base):
    """Notify's lock and tombstone per nomination: nothing is sent to a withdrawn student."""
