"""Media's store: one asset row per photo it was given, with what became of it.

The derivatives themselves live in media's blob store under deterministic keys
(`media/<nomination_id>/<name>.jpg`), so processing the same photo twice overwrites, never duplicates.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.inbox import INBOX
from shared.models import service_base
from shared.ordering import FollowedNomination
from shared.outbox import OUTBOX

ASSET_STATUSES = ("pending", "processed", "rejected", "missing", "superseded", "withdrawn")


Base = service_base()
metadata = Base.metadata
outbox, inbox = metadata.tables[OUTBOX], metadata.tables[INBOX]


class Asset(Base):
    """A nomination's photo as media received it and processed (or refused) it."""

    __tablename__ = "assets"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in ASSET_STATUSES)})", name="status"),
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
    derivatives: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The nomination revision of the event that brought the photo: an older one delivered late
    #: is not processed over a newer one (the derivatives' keys are the same for both).
    revision: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Followed(FollowedNomination, Base):
    """Media's lock and tombstone per nomination: no photo is made for a withdrawn student."""
