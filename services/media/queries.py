"""What media's API and pages read: only candidates who consented to publication ever appear, and to
the media team only those at the republican stage or winners."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.media import rules
from services.media.models import Asset, BannerWithdrawal, Candidate, Followed, Kit, Publication
from shared.identity import Identity

SHOWN = ("processed", "rejected", "missing", "pending")


def listed(
    session: Session,
    caller: Identity,
    *,
    nomination_id: str | None = None,
    year: int | None = None,
    region: str | None = None,
    stage: str | None = None,
) -> list[tuple[Candidate, Asset | None]]:
    """Consenting candidates with their current photo, by nomination or by year, region and stage;
    to the media team only those advanced to the republican stage or winners (`rules.publishable`)."""
    query = (
        select(Candidate, Asset)
        .outerjoin(Asset, (Asset.nomination_id == Candidate.nomination_id) & Asset.status.in_(SHOWN))
        .where(Candidate.consent_publication.is_(True))
    )
    if caller.role == "media":
        query = query.where(Candidate.stage.in_(rules.PUBLISHABLE_STAGES))
    if nomination_id is not None:
        query = query.where(Candidate.nomination_id == nomination_id)
    if year is not None:
        query = query.where(Candidate.year == year)
    if region:
        query = query.where(Candidate.region == region)
    if stage:
        stages = ("winner",) if rules.kit_stage(stage) == "winner" else ("republican", "winner")
        query = query.where(Candidate.stage.in_(stages))
    query = query.order_by(Candidate.region, Candidate.nomination_id).limit(2000)
    return [(candidate, asset) for candidate, asset in session.execute(query)]


def years(session: Session) -> list[int]:
    return list(session.scalars(select(Candidate.year).distinct().order_by(Candidate.year.desc())))


def kits(session: Session, limit: int = 50) -> list[Kit]:
    return list(session.scalars(select(Kit).order_by(Kit.created_at.desc()).limit(limit)))


def publications(session: Session, year: int) -> list[Publication]:
    query = select(Publication).where(Publication.year == year).order_by(Publication.published_on.desc())
    return list(session.scalars(query))


def publication_count(session: Session, year: int) -> int:
    return session.scalar(select(func.count()).select_from(Publication).where(Publication.year == year)) or 0


def withdrawals(session: Session, year: int) -> list[tuple[BannerWithdrawal, Candidate | None]]:
    """The publications log's withdrawals: banners a correction took back, newest first, with whom."""
    query = (
        select(BannerWithdrawal, Candidate)
        .outerjoin(Candidate, Candidate.nomination_id == BannerWithdrawal.nomination_id)
        .where(BannerWithdrawal.year == year)
        .order_by(BannerWithdrawal.withdrawn_at.desc(), BannerWithdrawal.id)
    )
    return [(row, candidate) for row, candidate in session.execute(query)]


def public_photo(session: Session, nomination_id: str, name: str, image_format: str) -> str | None:
    """The blob key of a public derivative: only of a candidate who consents to publication now,
    whose nomination is not withdrawn, from the current processed photo; None otherwise."""
    query = (
        select(Asset.files)
        .join(Candidate, Candidate.nomination_id == Asset.nomination_id)
        .outerjoin(Followed, Followed.nomination_id == Asset.nomination_id)
        .where(
            Asset.nomination_id == nomination_id,
            Asset.status == "processed",
            Candidate.consent_publication.is_(True),
            Followed.withdrawn_at.is_(None),
        )
        .limit(1)
    )
    files = session.scalar(query) or []
    return next(
        (file["key"] for file in files if file["name"] == name and file["format"] == image_format), None
    )
