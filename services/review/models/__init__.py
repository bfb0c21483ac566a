"""Review's store: the candidates of the programme, their statements and the state of their photos.

Review keeps the minimum it needs to judge and to publish: names, college, region, achievements and
statements. The student's contacts stay with intake and notify; they are not copied here.
Photo states live in their own table keyed by the nomination, because media's events may arrive
before review has registered the candidate (they come from another producer on another queue).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.review.rules.scoring import SCORED_STAGES
from shared.audit import AuditColumns
from shared.i18n import LANGUAGES
from shared.identity import ROLES
from shared.inbox import INBOX
from shared.models import one_of, partial_index, service_base
from shared.ordering import FollowedNomination
from shared.outbox import OUTBOX

#: A candidate's stage and status as the review contract names them (`rules.STAGES`, `rules.STATUSES`).
STAGES = ("regional", "republican", "winner")
STATUSES = ("under_review", "advanced", "not_advanced", "withdrawn", "winner")
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
        # The list's filters: a scope's candidates of a year at a stage.
        Index("ix_candidates_year_stage_region", "year", "stage", "region"),
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
    #: The full name case-folded in Python (`rules.fold`), filled on every write: the search finds
    #: "әлихан" in "ӘЛИХАН" alike in SQLite and PostgreSQL, whose own lower() differ on Kazakh letters.
    search_name: Mapped[str] = mapped_column(String(320), default="")
    language: Mapped[str] = mapped_column(String(2))
    #: The portal's own words for the specialty (intake's classifier name in the student's language
    #: when the portal gave only a code): shown when the specialty has no name in the page's language.
    specialty: Mapped[str] = mapped_column(String(200))
    #: The specialty's code in intake's classifier and its names in kk/ru/en, as intake sent them
    #: (none for a portal that typed the specialty): pages show the name of their own language.
    specialty_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    specialty_names: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    course: Mapped[int] = mapped_column(Integer)
    academic_standing: Mapped[str] = mapped_column(String(40))
    minor: Mapped[bool]
    categories: Mapped[list[str]] = mapped_column(JSON)
    achievements: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    stage: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    #: Whether the student consents to publication now (given at submission, withdrawable at any
    #: time): the public pages show only those who do (`queries.public`).
    consent_publication: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
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
    #: Its words as `shared.words` counts them (as intake does), counted on write, not per page.
    words: Mapped[int] = mapped_column(Integer, default=0)

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


DECISION_STAGES = ("regional", "republican")


class Decision(Base):
    """A commission's decision for one scope (a region, or `national`) and stage: never updated or
    deleted (triggers refuse it in the database). A correction is a new decision that `supersedes`
    the one it corrects, with a `reason`; the current decision of a scope is the one nothing supersedes.
    """

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint(one_of("stage", DECISION_STAGES), name="stage"),
        CheckConstraint(one_of("language", LANGUAGES), name="language"),
        CheckConstraint("(supersedes IS NULL) = (reason IS NULL)", name="correction_reason"),
        # One first decision per scope and stage, and one correction per decision: two chairs'
        # tabs cannot both record, whatever the lock below did.
        partial_index(
            "uq_decisions_first", "year", "stage", "scope", unique=True, where="supersedes IS NULL"
        ),
        # The scope's decisions numbered 1, 2, ... in the order recorded (under the scope's lock).
        Index("uq_decisions_sequence", "year", "stage", "scope", "sequence", unique=True),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(String(40))
    #: 1 for the scope's first decision, one more for each correction: every decision event carries
    #: it, so a consumer tells a correction from a late copy of an older decision.
    sequence: Mapped[int] = mapped_column(Integer)
    advanced: Mapped[list[str]] = mapped_column(JSON)
    not_advanced: Mapped[list[str]] = mapped_column(JSON)
    quota: Mapped[int] = mapped_column(Integer)
    justification: Mapped[str] = mapped_column(Text)
    members_present: Mapped[list[str]] = mapped_column(JSON)
    place: Mapped[str | None] = mapped_column(String(200))
    #: The commission's language: the chair's, the protocol's default.
    language: Mapped[str] = mapped_column(String(2))
    chair_id: Mapped[str] = mapped_column(String(36))
    chair_email: Mapped[str] = mapped_column(String(254))
    chair_name: Mapped[str] = mapped_column(String(200))
    supersedes: Mapped[str | None] = mapped_column(ForeignKey("decisions.id"), unique=True)
    reason: Mapped[str | None] = mapped_column(Text)
    #: An admin's reason for correcting a regional decision after the republican decision concerned
    #: the region, and that republican decision (to be checked again by the working group).
    override_reason: Mapped[str | None] = mapped_column(Text)
    rechecks: Mapped[str | None] = mapped_column(String(36))
    #: The ranking and scores the commission saw, frozen with the decision for its protocol.
    record: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decided_at: Mapped[datetime]


class Extension(Base):
    """An admin moved a stage's deadline for one scope, with a reason (append-only as decisions)."""

    __tablename__ = "extensions"
    __table_args__ = (CheckConstraint(one_of("stage", DECISION_STAGES), name="stage"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(String(40))
    until: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    admin_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime]


class DecisionScope(Base):
    """One row per (year, stage, scope) that a decision locks (SELECT ... FOR UPDATE) while it checks
    the quota and what is already decided, so two decisions at once are taken one after the other."""

    __tablename__ = "decision_scopes"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    current_decision: Mapped[str | None] = mapped_column(String(36))
    advanced: Mapped[int] = mapped_column(Integer, default=0)


class Score(Base):
    """One member's score of one candidate at one stage: a value per criterion and a comment.

    Replaced (not added to) when the member scores again; removed when they declare a conflict.
    `weighted` is Σ weight × value ÷ Σ weight under the rubric it was given with, kept for rankings.
    """

    __tablename__ = "scores"
    __table_args__ = (
        CheckConstraint(one_of("stage", SCORED_STAGES), name="stage"),
        Index("ix_scores_year_stage_region", "year", "stage", "region"),
        Index("ix_scores_member_id", "member_id", "stage"),
    )

    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    region: Mapped[str] = mapped_column(String(40))
    values: Mapped[dict[str, int]] = mapped_column(JSON)
    weighted: Mapped[float] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Conflict(Base):
    """A member's declared conflict of interest: they do not score the candidate, at any stage."""

    __tablename__ = "conflicts"

    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_name: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[datetime]


class RubricChange(Base):
    """A year's rubric of a stage as an admin set it; without a row the shipped default applies."""

    __tablename__ = "rubrics"
    __table_args__ = (CheckConstraint(one_of("stage", SCORED_STAGES), name="stage"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime]


class StageSetting(Base):
    """How a stage is worked in one scope (a region, or `national`): blind or not (set by an admin for
    the whole stage, scope `national`), and whether a chair assigned N scorers per candidate."""

    __tablename__ = "stage_settings"
    __table_args__ = (CheckConstraint(one_of("stage", SCORED_STAGES), name="stage"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    blind: Mapped[bool] = mapped_column(Boolean, default=False)
    #: None: every member scores every candidate; N: each candidate gets at least N assigned scorers.
    scorers: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: When (and by whom) a chair chose to show every score of the scope before its scoring was done.
    scores_shown_at: Mapped[datetime | None] = mapped_column(nullable=True)
    scores_shown_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Assignment(Base):
    """In assigned mode, a member who is to score a candidate at a stage."""

    __tablename__ = "assignments"

    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


# --- People: accounts, login attempts, the audit log ------------------------------------------------

#: An id that is a BIGINT on PostgreSQL and SQLite's autoincrementing INTEGER.
_ROW_ID = BigInteger().with_variant(Integer, "sqlite")


class User(Base):
    """A person who signs in: a commission member or chair, the media team, an administrator.

    `generation` grows with every change that must end the user's sessions and tokens (password,
    role, scope, disabling): every service refuses credentials of an older generation.
    """

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(one_of("role", ROLES), name="role"),
        CheckConstraint(one_of("language", LANGUAGES), name="language"),
        CheckConstraint("generation >= 1", name="generation"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: Lower-cased: one account per address, however it is typed at login.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: What pages show: typed whole, or made from the parts below when they are given.
    name: Mapped[str] = mapped_column(String(200))
    #: The name in parts (`rules.names`), all None for an account with one whole name: letters greet
    #: by given name and patronymic.
    last_name: Mapped[str | None] = mapped_column(String(100))
    first_name: Mapped[str | None] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    #: A region code for a regional role, `national` for every other role.
    scope: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(2))
    #: The college a member is attached to: its candidates are not theirs to score.
    college: Mapped[str | None] = mapped_column(String(40))
    generation: Mapped[int] = mapped_column(Integer)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class LoginAttempt(Base):
    """One try at the login form, kept a day: the throttle counts recent failures per account and
    per address in the database, so it holds across gunicorn workers and replicas.

    The account is kept as a keyed hash of the typed email (an unknown address is throttled the same
    way as a known one, and the table names nobody).
    """

    __tablename__ = "login_attempts"
    __table_args__ = (
        CheckConstraint(one_of("outcome", ("succeeded", "failed", "refused")), name="outcome"),
        Index("ix_login_attempts_account_at", "account", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(_ROW_ID, primary_key=True, autoincrement=True)
    account: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(index=True)


class AuditEntry(AuditColumns, Base):
    """Who did or saw what, when, in every service people sign in to: logins, reads of personal
    data, scores, decisions, user changes here, and what media and notify announced (`service`).

    `details` holds codes and ids, never personal data (a failed login keeps a masked email).
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_candidate_id_at", "candidate_id", "at"),)

    #: Where the entry was written: review, or the service whose `audit.recorded` brought it.
    service: Mapped[str] = mapped_column(String(20), default="review", server_default="review", index=True)
    actor_email: Mapped[str | None] = mapped_column(String(254))
    candidate_id: Mapped[str | None] = mapped_column(String(36))


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


# The public vote's tables join the same metadata (kept in their own module: `models.votes`).
from services.review.models import votes as votes  # noqa: E402
