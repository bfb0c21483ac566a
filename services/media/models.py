"""Media's store: the photos it was given and what became of them, what it keeps of each candidate to
print (name, college, region, statements, achievements, stage, consent), media kits and the
publications log.

Derivatives (and the original media keeps to print banners from, `original.jpg`) live in media's blob
store under the asset's own id (`media/<nomination_id>/<asset_id>/<name>.<ext>`): a new photo gets
new keys, so a link to the old one stops working, and the retry of one event (its asset id is
derived from the event id) writes the same keys again, never duplicates.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.audit import AuditColumns
from shared.inbox import INBOX
from shared.models import service_base
from shared.ordering import FollowedNomination
from shared.outbox import OUTBOX

ASSET_STATUSES = ("pending", "processed", "rejected", "missing", "superseded", "withdrawn")
KIT_STATUSES = ("queued", "building", "ready", "failed")
#: Where review's decisions took a candidate: the republican stage, or the winners.
STAGES = ("republican", "winner")
#: What a kit gathers: the candidates of the republican stage, or the winners.
KIT_STAGES = ("republican", "winners")


Base = service_base()
metadata = Base.metadata
outbox, inbox = metadata.tables[OUTBOX], metadata.tables[INBOX]


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(repr(value) for value in values)


class Asset(Base):
    """A nomination's photo as media received it and processed (or refused) it."""

    __tablename__ = "assets"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(ASSET_STATUSES)})", name="status"),
        CheckConstraint("status != 'rejected' OR reason IS NOT NULL", name="rejected_has_reason"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    nomination_id: Mapped[str] = mapped_column(String(64), index=True)
    region: Mapped[str] = mapped_column(String(40))
    source_key: Mapped[str | None] = mapped_column(String(500))
    source_url: Mapped[str | None] = mapped_column(String(1000))
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(50))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    #: Every blob key the asset owns, deleted with it: the derivatives (what `media.photo_processed`
    #: announces) and the original media keeps to print banners from (`originals`).
    derivatives: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Each derivative as the API lists it: {name, format, key, width, height, bytes}.
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: The nomination revision of the event that brought the photo: an older one delivered late
    #: is not processed over a newer one.
    revision: Mapped[int | None] = mapped_column(Integer)
    #: Where the media team put the crop point of `square`, `card` and `story` (shares of the upright
    #: photo's width and height, 0 to 1, as imgproxy's focus-point gravity); None: the face decides.
    focus_x: Mapped[float | None] = mapped_column(Float)
    focus_y: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Candidate(Base):
    """What media prints of a nomination (from intake's events) and where review's decisions put it."""

    __tablename__ = "candidates"
    __table_args__ = (CheckConstraint(f"stage IS NULL OR stage IN ({_in(STAGES)})", name="stage"),)

    nomination_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    region: Mapped[str] = mapped_column(String(40))
    college_code: Mapped[str] = mapped_column(String(40))
    college_names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: {last_name, first_name, patronymic} in the student's own spelling.
    name: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    achievements: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    statements: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    consent_publication: Mapped[bool] = mapped_column(Boolean, default=False)
    #: What the media team's search compares (`rules.search_text`): name, college's names and code.
    search_text: Mapped[str] = mapped_column(String(600), default="", server_default="")
    #: Review's id of the candidate (from its decisions), for `media.banner_ready`.
    review_candidate: Mapped[str | None] = mapped_column(String(64))
    stage: Mapped[str | None] = mapped_column(String(20))
    #: The banner and social cards of the current stage: {name, format, key, width, height, bytes}.
    banners: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: The newest decision applied per decided stage ({"regional": 2, "republican": 1}: review's
    #: `sequence` in each scope): an older one delivered late changes nothing.
    decided: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    revision: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime]


class Kit(Base):
    """A media kit the team asked for: a ZIP the worker builds in the background."""

    __tablename__ = "kits"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(KIT_STATUSES)})", name="status"),
        CheckConstraint(f"stage IN ({_in(KIT_STAGES)})", name="stage"),
        CheckConstraint("progress >= 0 AND progress <= 1", name="progress"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    candidates: Mapped[int] = mapped_column(Integer, default=0)
    bytes: Mapped[int | None] = mapped_column(Integer)
    key: Mapped[str | None] = mapped_column(String(200))
    requested_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Publication(Base):
    """A material an outlet published about candidates (the programme counts them per year)."""

    __tablename__ = "publications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    outlet: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(1000))
    published_on: Mapped[date] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(2))
    candidate_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class AuditEntry(AuditColumns, Base):
    """Who read personal data or changed something through media's pages and API (append-only; each entry is
    announced to review as `audit.recorded`, review keeps every service's together)."""

    __tablename__ = "audit_log"


class BannerWithdrawal(Base):
    """A correction took a candidate's advancement back: the banners and social cards made for it
    were deleted. Part of the publications log (append-only), so the team knows not to use them."""

    __tablename__ = "banner_withdrawals"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    nomination_id: Mapped[str] = mapped_column(String(64), index=True)
    region: Mapped[str] = mapped_column(String(40))
    #: The stage whose banners went (republican or winner) and the decision that took it back.
    stage: Mapped[str] = mapped_column(String(20))
    decision_id: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int | None] = mapped_column(Integer)
    keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    withdrawn_at: Mapped[datetime]


class Followed(FollowedNomination, Base):
    """Media's lock and tombstone per nomination: no photo is made for a withdrawn student."""
