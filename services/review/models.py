"""Review's store: the candidates of the programme, their statements and the state of their photos.

Review keeps the minimum it needs to judge and to publish: names, college, region, achievements and
statements. The student's contacts stay with intake and notify; they are not copied here.
Photo states live in their own table keyed by the nomination, because media's events may arrive
before review has registered the candidate (they come from another producer on another queue).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.i18n import LANGUAGES
from shared.inbox import INBOX
from shared.models import one_of, service_base
from shared.ordering import FollowedNomination
from shared.outbox import OUTBOX

STAGES = ("internal", "regional", "republican")
STATUSES = ("nominated", "withdrawn")
PHOTO_STATUSES = ("pending", "processed", "rejected", "missing")


Base = service_base()
metadata = Base.metadata
outbox, inbox = metadata.tables[OUTBOX], metadata.tables[INBOX]


class Candidate(Base):
    """A nominated student as the commissions see them."""

    __tablename__ = "candidates"
    __table_args__ = (
        CheckConstraint(one_of("stage", STAGES), name="stage"),
        CheckConstraint(one_of("status", STATUSES), name="status"),
        CheckConstraint(one_of("language", LANGUAGES), name="language"),
        CheckConstraint("course >= 1", name="course"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    nomination_id: Mapped[str] = mapped_column(String(64), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    region: Mapped[str] = mapped_column(String(40), index=True)
    college_code: Mapped[str] = mapped_column(String(40))
    #: The college's name in kk/ru/en as intake sent it (review keeps no reference data of its own).
    college_names: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(2))
    specialty: Mapped[str] = mapped_column(String(200))
    course: Mapped[int] = mapped_column(Integer)
    academic_standing: Mapped[str] = mapped_column(String(40))
    minor: Mapped[bool]
    categories: Mapped[list[str]] = mapped_column(JSON)
    achievements: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    stage: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    #: The nomination revision each part (name, statements, categories...) was last applied at, so
    #: an older amendment delivered late changes only the parts no newer event has set.
    revisions: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    statements: Mapped[list[Statement]] = relationship(
        back_populates="candidate", cascade="all, delete-orphan", order_by="Statement.language"
    )

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)


class Statement(Base):
    """The achievements told in one language (the republican stage needs kk, ru and en)."""

    __tablename__ = "statements"
    __table_args__ = (CheckConstraint(one_of("language", LANGUAGES), name="language"),)

    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    text: Mapped[str] = mapped_column(Text)

    candidate: Mapped[Candidate] = relationship(back_populates="statements")


class Photo(Base):
    """Where a nomination's photo stands: sent to media, processed into derivatives, or rejected.

    A state is ordered by the nomination revision of the photo it is about, then by who said it
    (intake sends a photo, media reports on it), so a late copy of an older event (the amendment
    that sent a new photo, arriving after media already processed it) does not win. Events without
    a revision (written before revisions existed) are ordered by `as_of`, when they occurred.
    """

    __tablename__ = "photos"
    __table_args__ = (CheckConstraint(one_of("status", PHOTO_STATUSES), name="status"),)

    nomination_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    source_key: Mapped[str | None] = mapped_column(String(500))
    asset_id: Mapped[str | None] = mapped_column(String(36))
    derivatives: Mapped[list[str]] = mapped_column(JSON, default=list)
    reason: Mapped[str | None] = mapped_column(String(100))
    as_of: Mapped[datetime]
    revision: Mapped[int | None] = mapped_column(Integer)
    #: Set by media's report on the photo, not by intake's event that sent it.
    reported: Mapped[bool] = mapped_column(Boolean, default=False)


class Followed(FollowedNomination, Base):
    """Review's lock and tombstone per nomination: a withdrawal may arrive before the submission."""

    withdrawal_reason: Mapped[str | None] = mapped_column(Text)


class StudentReach(Base):
    """Whether notify reached the student of a nomination, per channel: its newest status report."""

    __tablename__ = "student_reach"

    nomination_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), primary_key=True)
    #: `sent`, `delivered` or `failed`, as the last `notification.*` event said.
    status: Mapped[str] = mapped_column(String(10))
    template: Mapped[str] = mapped_column(String(50))
    reason: Mapped[str | None] = mapped_column(String(60))
    at: Mapped[datetime]
