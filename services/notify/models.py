"""Notify's store: templates (versioned), whom to write to (from the other services' events), every
message with its delivery status, and what the reminders and digests need to know.

A message row is keyed by (event key, recipient, channel): a second delivery of the same event can
never record, and therefore never send, a second message to the same person on the same channel.
A reminder's or a digest's event key names its kind and day, so each is sent once per recipient and day.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from shared.audit import AuditColumns
from shared.i18n import LANGUAGES
from shared.inbox import INBOX
from shared.models import one_of, service_base
from shared.ordering import FollowedNomination
from shared.outbox import OUTBOX

CHANNELS = ("email", "sms")
STATUSES = ("held", "queued", "sent", "delivered", "failed")
#: `voter`: the public vote's one-time codes, to a phone and to no nomination (`vote.code_requested`).
RECIPIENT_KINDS = ("student", "coordinator", "member", "region", "voter")


Base = service_base()
metadata = Base.metadata
outbox, inbox = metadata.tables[OUTBOX], metadata.tables[INBOX]


class Recipient(Base):
    """The student of a nomination: contacts and language, the minimum notify needs to write, and
    the college's coordinator the nomination named (who hears of it too)."""

    __tablename__ = "recipients"
    __table_args__ = (CheckConstraint(one_of("language", LANGUAGES), name="language"),)

    nomination_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    region: Mapped[str] = mapped_column(String(40))
    college_code: Mapped[str | None] = mapped_column(String(40), index=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(2))
    coordinator_name: Mapped[str | None] = mapped_column(String(200))
    coordinator_email: Mapped[str | None] = mapped_column(String(320))
    #: The nomination revision each part (contacts, language, name, photo) was last applied at.
    revisions: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)


class Message(Base):
    """One email or SMS: what was sent to whom, in which language, and what the provider said.

    `subject` and `body` are emptied after the retention period (`purged_at`); the rest is the log.
    """

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("event_id", "recipient_ref", "channel", name="uq_messages_event_recipient_channel"),
        CheckConstraint(one_of("channel", CHANNELS), name="channel"),
        CheckConstraint(one_of("status", STATUSES), name="status"),
        CheckConstraint(one_of("language", LANGUAGES), name="language"),
        CheckConstraint(one_of("recipient_kind", RECIPIENT_KINDS), name="recipient_kind"),
        CheckConstraint("status NOT IN ('sent', 'delivered') OR sent_at IS NOT NULL", name="sent_has_time"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: The event's id, `winner:<year>:<nomination>` for a winner (told once), or
    #: `reminder:<kind>:<day>` / `digest:<day>` for what the clock sends.
    event_id: Mapped[str] = mapped_column(String(80))
    nomination_id: Mapped[str | None] = mapped_column(String(64), index=True)
    region: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    template: Mapped[str] = mapped_column(String(50))
    template_version: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(2))
    recipient_kind: Mapped[str] = mapped_column(String(12))
    #: Who, stably: `student:<nomination>`, `coordinator:<nomination>`, `user:<id>`.
    recipient_ref: Mapped[str] = mapped_column(String(120))
    recipient: Mapped[str] = mapped_column(String(320))
    #: The recipient's contact as a keyed hash (HMAC with the server's secret, `searching`): the
    #: delivery log finds a person's messages by it, never by comparing contacts in clear.
    recipient_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    #: An administrator's "send me a test" (`trial`): to themselves, never counted as news told.
    test: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    optional: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), index=True)
    #: Not before this moment: quiet hours (`held`) or the backoff of a temporary failure.
    send_after: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    segments: Mapped[int | None] = mapped_column(Integer)
    provider: Mapped[str | None] = mapped_column(String(30))
    provider_id: Mapped[str | None] = mapped_column(String(300), index=True)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]


class MessageStep(Base):
    """One step of a message's way (queued, held, sent, delivered, failed, or queued again after a
    temporary failure), with the provider's reason: the timeline the delivery log shows."""

    __tablename__ = "message_steps"
    __table_args__ = (CheckConstraint(one_of("status", STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10))
    #: What the provider or notify said (`smtp_rejected: 550 ...`, `undelivered: ...`), or None.
    reason: Mapped[str | None] = mapped_column(Text)


class Template(Base):
    """One version of a (message, channel) template: the kk, ru and en texts, saved together."""

    __tablename__ = "templates"
    __table_args__ = (
        UniqueConstraint("code", "channel", "version", name="uq_templates_code_channel_version"),
        CheckConstraint(one_of("channel", CHANNELS), name="channel"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(50))
    channel: Mapped[str] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer)
    #: {"kk", "ru", "en"} -> text; email only.
    subject: Mapped[dict[str, str] | None] = mapped_column(JSON)
    body: Mapped[dict[str, str]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime]


class Person(Base):
    """A commission member or chair, from review's `user.*` events: whom digests and reminders reach."""

    __tablename__ = "people"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200))
    #: The name in parts, where review's account has them (all None where it has one whole `name`):
    #: letters greet by given name and patronymic (`rules.greeting_name`).
    last_name: Mapped[str | None] = mapped_column(String(100))
    first_name: Mapped[str | None] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(30))
    scope: Mapped[str] = mapped_column(String(40), index=True)
    language: Mapped[str] = mapped_column(String(2))
    college: Mapped[str | None] = mapped_column(String(40))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class Candidate(Base):
    """What review decided about a nomination, as far as reminders and digests need it."""

    __tablename__ = "candidates"

    nomination_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    region: Mapped[str] = mapped_column(String(40), index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    #: The stage it awaits a decision at (`internal`, `regional`, `republican`) or `winner`.
    stage: Mapped[str] = mapped_column(String(20))
    #: `pending` (to be scored), `advanced`, `not_advanced`.
    outcome: Mapped[str] = mapped_column(String(20))
    #: What it still lacks for the republican stage (`statements.kk`, `photo`...).
    missing: Mapped[list[str]] = mapped_column(JSON, default=list)
    amend_by: Mapped[datetime | None]
    #: When it last became something to score (registered, or advanced to the republican stage).
    changed_at: Mapped[datetime] = mapped_column(index=True)


class ClosedStage(Base):
    """A commission's decision recorded for a region's stage: its reminders are no longer due."""

    __tablename__ = "closed_stages"

    region: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    decision_id: Mapped[str] = mapped_column(String(64))


class OptOut(Base):
    """An address that asked for no more optional messages (List-Unsubscribe)."""

    __tablename__ = "opt_outs"

    address: Mapped[str] = mapped_column(String(320), primary_key=True)
    at: Mapped[datetime]


class AuditEntry(AuditColumns, Base):
    """Who read personal data or changed something through notify's pages and API (append-only; each entry is
    announced to review as `audit.recorded`, review keeps every service's together)."""

    __tablename__ = "audit_log"


class Followed(FollowedNomination, Base):
    """Notify's lock and tombstone per nomination: nothing is sent to a withdrawn student."""
