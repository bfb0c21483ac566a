"""Intake's tables: reference data, portal keys, nominations and their parts, progress, idempotency.

The database enforces what must hold even when two requests race: one nomination per student and
year among live (not withdrawn, not sandbox) nominations is a partial unique index, so is one
result per (portal key, Idempotency-Key). The college quota is enforced by locking the college row
(see `operations.submission.submit`), because a count cannot be a constraint.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.naming import conv

from shared.i18n import LANGUAGES
from shared.inbox import INBOX
from shared.models import one_of, partial_index, service_base
from shared.outbox import OUTBOX

LIVE_STUDENT = "status <> 'withdrawn' AND sandbox = false"
SANDBOX_STUDENT = "status <> 'withdrawn' AND sandbox = true"
#: The names of the one-nomination-per-student indexes: a violation is recognised by them.
LIVE_STUDENT_INDEX = "uq_nominations_live_student"
SANDBOX_STUDENT_INDEX = "uq_nominations_sandbox_student"


Base = service_base(people=False)  # intake takes no session cookie
metadata = Base.metadata
outbox, inbox = metadata.tables[OUTBOX], metadata.tables[INBOX]


class Region(Base):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    iso_code: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20))
    name_kk: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class College(Base):
    __tablename__ = "colleges"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    name_kk: Mapped[str] = mapped_column(String(300))
    name_ru: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(200), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Specialty(Base):
    """A specialty of the classifier of technical and vocational education (`refdata/specialties.csv`)."""

    __tablename__ = "specialties"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_kk: Mapped[str] = mapped_column(String(300))
    name_ru: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def names(self) -> dict[str, str]:
        return {"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en}


class PortalKey(Base):
    """A regional portal's API key: only a SHA-256 of it is kept (see `services.intake.api.auth`)."""

    __tablename__ = "portal_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    sandbox: Mapped[bool] = mapped_column(Boolean, default=False)
    label: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class CalendarYear(Base):
    """A year's stage dates; a year without a row uses `rules.default_calendar`.

    The two deadlines are instants (`shared.models.UTCDateTime`: stored in UTC, read back aware).
    """

    __tablename__ = "calendars"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    internal_stage_ends: Mapped[date] = mapped_column(Date)
    submission_closes: Mapped[datetime]
    regional_stage_ends: Mapped[date] = mapped_column(Date)
    amendments_close: Mapped[datetime]
    republican_stage_starts: Mapped[date] = mapped_column(Date)


def _one_per_student_and_year(name: str, where: str) -> Index:
    """A partial unique index: one nomination per IIN and year among the rows `where` selects."""
    return partial_index(name, "iin", "year", where=where, unique=True)


class Nomination(Base):
    __tablename__ = "nominations"
    __table_args__ = (
        CheckConstraint("status IN ('submitted', 'withdrawn')", name="status"),
        CheckConstraint("academic_standing IN ('excellent', 'good')", name="standing"),
        CheckConstraint(one_of("language", LANGUAGES), name="language"),
        CheckConstraint("length(iin) = 12", name="iin"),
        _one_per_student_and_year(LIVE_STUDENT_INDEX, LIVE_STUDENT),
        _one_per_student_and_year(SANDBOX_STUDENT_INDEX, SANDBOX_STUDENT),
        Index("ix_nominations_college_year", "college_code", "year", "sandbox", "status"),
        Index("ix_nominations_region_listing", "region_code", "sandbox", "submitted_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    college_code: Mapped[str] = mapped_column(ForeignKey("colleges.code"))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    portal_key_id: Mapped[str] = mapped_column(ForeignKey("portal_keys.id"))
    sandbox: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    iin: Mapped[str] = mapped_column(String(12))
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100), nullable=True)
    birth_date: Mapped[date] = mapped_column(Date)
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(2))
    #: The specialty in the portal's own words; empty when the portal named it by code only (the API
    #: shows null). Not made nullable: on SQLite that copies the table, and dropping the old copy
    #: would cascade to every nomination's statements, achievements and photo.
    specialty: Mapped[str] = mapped_column(String(200))
    #: A code of `specialties`, checked on submission and amendment (no foreign key, for the reason
    #: above: SQLite adds one only by copying the table).
    specialty_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    course: Mapped[int] = mapped_column(Integer)
    academic_standing: Mapped[str] = mapped_column(String(20))
    categories: Mapped[list[str]] = mapped_column(JSON)
    consent_personal_data: Mapped[bool] = mapped_column(Boolean)
    consent_publication: Mapped[bool] = mapped_column(Boolean)
    guardian_full_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    guardian_phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    coordinator_full_name: Mapped[str] = mapped_column(String(200))
    coordinator_email: Mapped[str] = mapped_column(String(254))
    coordinator_phone: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]
    #: 1 at submission, one more with each change that emits an event (`operations.events`), so the
    #: consumers can tell an older event from a newer one whatever order the bus delivers them in.
    revision: Mapped[int] = mapped_column(Integer, server_default=text("1"))

    achievements: Mapped[list[Achievement]] = relationship(
        order_by="Achievement.position", cascade="all, delete-orphan", lazy="selectin"
    )
    statements: Mapped[list[Statement]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    photo: Mapped[Photo | None] = relationship(cascade="all, delete-orphan", lazy="selectin")
    progress: Mapped[Progress | None] = relationship(cascade="all, delete-orphan", lazy="selectin")


class Achievement(Base):
    __tablename__ = "achievements"
    __table_args__ = (
        CheckConstraint(
            "level IN ('college', 'city', 'regional', 'national', 'international')",
            name="level",
        ),
    )

    nomination_id: Mapped[str] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)


class Statement(Base):
    __tablename__ = "statements"
    __table_args__ = (CheckConstraint(one_of("language", LANGUAGES), name="language"),)

    nomination_id: Mapped[str] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    words: Mapped[int] = mapped_column(Integer)


class Photo(Base):
    """The original upload's metadata; the bytes are in intake's blob store under `key`."""

    __tablename__ = "photos"

    nomination_id: Mapped[str] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime]
    #: The nomination's revision when this photo came (None: with the submission, revision 1), so a
    #: late report from media on an older photo does not overwrite the status of this one.
    revision: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Progress(Base):
    """What review and media told us about a nomination, for the portal to read back."""

    __tablename__ = "nomination_progress"
    __table_args__ = (
        CheckConstraint(
            "photo_status IN ('none', 'pending', 'processed', 'rejected')", name=conv("ck_progress_photo")
        ),
    )

    nomination_id: Mapped[str] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), primary_key=True
    )
    stage: Mapped[str | None] = mapped_column(String(30), nullable=True)
    candidate_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decisions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    photo_status: Mapped[str] = mapped_column(String(20), default="none")
    photo_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    photo_asset_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    notifications: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime]


class IdempotencyRecord(Base):
    """The first result of a request carrying an Idempotency-Key, replayed to its repetitions."""

    __tablename__ = "idempotency_records"

    portal_key_id: Mapped[str] = mapped_column(ForeignKey("portal_keys.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    location: Mapped[str | None] = mapped_column(String(300), nullable=True)
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
