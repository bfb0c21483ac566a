"""What media's API and pages read, and the rows as they show them (`shown_*`: each file with a
signed link that expires): only candidates who consented to publication ever appear, and to the
media team only those at the republican stage or winners."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from services.media import rules
from services.media.messages import REASONS
from services.media.models import Asset, BannerWithdrawal, Candidate, Followed, Kit, Publication
from shared import ordering, refusals
from shared.blobs import BlobStore
from shared.filtering import where_given
from shared.i18n import LANGUAGES, translate
from shared.identity import Identity
from shared.regions import all_regions

SHOWN = ("processed", "rejected", "missing", "pending")
#: An asset in one of these is the nomination's photo (a newer photo supersedes it).
LIVE = ("pending", "processed", "rejected", "missing")


def _visible(caller: Identity) -> Any:
    """Consenting candidates with their current photo; to the media team only those advanced to the
    republican stage or winners (`rules.publishable`)."""
    query = (
        select(Candidate, Asset)
        .outerjoin(Asset, (Asset.nomination_id == Candidate.nomination_id) & Asset.status.in_(SHOWN))
        .where(Candidate.consent_publication.is_(True))
    )
    if caller.role == "media":
        query = query.where(Candidate.stage.in_(rules.PUBLISHABLE_STAGES))
    return query


def _at_stage(query: Any, stage: str | None) -> Any:
    """A kit's stage: the winners, or the republican stage (where the winners were too)."""
    if not stage:
        return query
    stages = ("winner",) if rules.kit_stage(stage) == "winner" else ("republican", "winner")
    return query.where(Candidate.stage.in_(stages))


def listed(
    session: Session,
    caller: Identity,
    *,
    nomination_id: str | None = None,
    year: int | None = None,
    region: str | None = None,
    stage: str | None = None,
) -> list[tuple[Candidate, Asset | None]]:
    """Consenting candidates with their current photo, by nomination or by year, region and stage."""
    query = _at_stage(_visible(caller), stage)
    if nomination_id is not None:
        query = query.where(Candidate.nomination_id == nomination_id)
    query = where_given(query, (Candidate.year, year), (Candidate.region, region))
    query = query.order_by(Candidate.region, Candidate.nomination_id).limit(2000)
    return [(candidate, asset) for candidate, asset in session.execute(query)]


#: Candidates a page of the media team's list shows.
PER_PAGE = 50


@dataclass(frozen=True)
class Search:
    """What the media team's list is asked for: a year, and optionally a region, a stage, words
    found in the name, college or region (`rules.fold`), and only those with a banner."""

    year: int
    region: str | None = None
    stage: str | None = None
    text: str = ""
    has_banner: bool = False
    page: int = 1


@dataclass(frozen=True)
class Found:
    rows: list[tuple[Candidate, Asset | None]]
    total: int
    page: int
    pages: int


def _searched(query: Any, text: str) -> Any:
    """Every word of `text` in the candidate's name or college (`Candidate.search_text`) or in the
    name of their region, in any of the three languages."""
    for word in rules.fold(text).split():
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        regions = [region.code for region in all_regions() if rules.region_found(word, region)]
        query = query.where(
            or_(Candidate.search_text.like(pattern, escape="\\"), Candidate.region.in_(regions))
        )
    return query


def search(session: Session, caller: Identity, asked: Search) -> Found:
    """A page of the candidates `caller` may see, by `asked`, in the order of region then name."""
    query = _at_stage(_visible(caller), asked.stage).where(Candidate.year == asked.year)
    if asked.region:
        query = query.where(Candidate.region == asked.region)
    if asked.text.strip():
        query = _searched(query, asked.text)
    if asked.has_banner:  # the JSON list as stored: "[]" when the stage made none (or took them back)
        query = query.where(cast(Candidate.banners, String).not_in(("[]", "null")))
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, asked.page), pages)
    query = query.order_by(Candidate.region, Candidate.search_text, Candidate.nomination_id)
    rows = session.execute(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    return Found([(candidate, asset) for candidate, asset in rows], total, page, pages)


def unknown_candidates(session: Session, caller: Identity, ids: list[str]) -> list[str]:
    """Which of `ids` name no candidate `caller` may see (a typo, another service's id, a candidate
    who did not consent): a publication is logged about candidates the team can find, only."""
    query = select(Candidate.nomination_id).where(
        Candidate.nomination_id.in_(ids), Candidate.consent_publication.is_(True)
    )
    if caller.role == "media":
        query = query.where(Candidate.stage.in_(rules.PUBLISHABLE_STAGES))
    known = set(session.scalars(query))
    return [nomination_id for nomination_id in ids if nomination_id not in known]


def names(session: Session, ids: set[str]) -> dict[str, str]:
    """The candidates' names as the students spell them, by nomination (the publications log's)."""
    if not ids:
        return {}
    rows = session.execute(
        select(Candidate.nomination_id, Candidate.name).where(Candidate.nomination_id.in_(ids))
    )
    return {nomination_id: rules.full_name(name) for nomination_id, name in rows}


def years(session: Session) -> list[int]:
    return list(session.scalars(select(Candidate.year).distinct().order_by(Candidate.year.desc())))


def kit(session: Session, kit_id: str) -> Kit:
    """The kit of that id; `NotFound` if there is none."""
    found = session.get(Kit, kit_id)
    if found is None:
        raise refusals.NotFound()
    return found


def kits(session: Session, limit: int = 50) -> list[Kit]:
    return list(session.scalars(select(Kit).order_by(Kit.created_at.desc()).limit(limit)))


def publications(session: Session, year: int) -> list[Publication]:
    query = select(Publication).where(Publication.year == year).order_by(Publication.published_on.desc())
    return list(session.scalars(query))


def withdrawals(session: Session, year: int) -> list[tuple[BannerWithdrawal, Candidate | None]]:
    """The publications log's withdrawals: banners a correction took back, newest first, with whom."""
    query = (
        select(BannerWithdrawal, Candidate)
        .outerjoin(Candidate, Candidate.nomination_id == BannerWithdrawal.nomination_id)
        .where(BannerWithdrawal.year == year)
        .order_by(BannerWithdrawal.withdrawn_at.desc(), BannerWithdrawal.id)
    )
    return [(row, candidate) for row, candidate in session.execute(query)]


def current_photo(session: Session, nomination_id: str) -> Asset | None:
    """The nomination's processed photo, if it has one now."""
    return session.scalar(
        select(Asset).where(Asset.nomination_id == nomination_id, Asset.status == "processed").limit(1)
    )


def latest_revision(session: Session, nomination_id: str) -> int | None:
    """The newest nomination revision a photo was taken at (None before the first)."""
    return session.scalar(select(func.max(Asset.revision)).where(Asset.nomination_id == nomination_id))


def live_asset(session: Session, nomination_id: str, sha256: str) -> Asset | None:
    """The asset already made from this very photo (a resubmission under a new event id)."""
    return session.scalar(
        select(Asset).where(
            Asset.nomination_id == nomination_id, Asset.source_sha256 == sha256, Asset.status.in_(LIVE)
        )
    )


def photo_needed(session: Session, nomination_id: str, revision: int | None, sha256: str) -> bool:
    """Whether an event's photo is to be fetched at all: not for a withdrawn nomination, nor for a
    revision older than the photo taken, nor for the photo already made. Read without a lock, before
    the unit of work that records it, which checks it all again (`operations.photos.take_photo`)."""
    followed = session.get(Followed, nomination_id)
    if followed is not None and followed.withdrawn:
        return False
    if not ordering.newer(revision, latest_revision(session, nomination_id)):
        return False
    return live_asset(session, nomination_id, sha256) is None


def members(session: Session, year: int, stage: str, region: str | None) -> list[Candidate]:
    """Who a kit gathers: consenting candidates of the year at the stage (winners were republican too)."""
    stages = ("winner",) if rules.kit_stage(stage) == "winner" else ("republican", "winner")
    query = select(Candidate).where(
        Candidate.year == year, Candidate.stage.in_(stages), Candidate.consent_publication.is_(True)
    )
    if region:
        query = query.where(Candidate.region == region)
    return list(session.scalars(query.order_by(Candidate.region, Candidate.nomination_id)))


#: How long a download link works (the contract's default: one hour).
LINK_SECONDS = 3600


def shown_files(blobs: BlobStore, described: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each file with its link; a banner with `dpi` (its photo's resolution at print size) and
    `low_dpi` (under `rules.rules.LOW_DPI`: the photo will look soft)."""
    return [
        {
            "name": file["name"],
            "format": file["format"],
            "width": file["width"],
            "height": file["height"],
            "bytes": file["bytes"],
            "url": blobs.presigned_url(file["key"], LINK_SECONDS),
            **({"dpi": file["dpi"], "low_dpi": file["dpi"] < rules.LOW_DPI} if file.get("dpi") else {}),
        }
        for file in described
    ]


def shown_asset(blobs: BlobStore, candidate: Candidate, photo: Asset | None) -> dict[str, Any]:
    reason = photo.reason if photo else None
    return {
        "id": photo.id if photo else None,
        "nomination_id": candidate.nomination_id,
        "region": candidate.region,
        "year": candidate.year,
        "name": rules.full_name(candidate.name),
        "college": dict(candidate.college_names or {}),
        "stage": candidate.stage,
        "status": photo.status if photo else "missing",
        "reason": reason,
        "reason_text": (
            {lang: translate(REASONS[reason], lang, rules.problem_params(reason)) for lang in LANGUAGES}
            if reason in REASONS
            else None
        ),
        "width": photo.width if photo else None,
        "height": photo.height if photo else None,
        "derivatives": shown_files(blobs, [*(photo.files if photo else []), *candidate.banners]),
        "updated_at": max(candidate.updated_at, photo.updated_at) if photo else candidate.updated_at,
    }


def shown_kit(blobs: BlobStore, row: Kit) -> dict[str, Any]:
    return {
        "id": row.id,
        "year": row.year,
        "stage": row.stage,
        "region": row.region,
        "status": row.status,
        "progress": row.progress,
        "candidates": row.candidates,
        "bytes": row.bytes,
        "url": blobs.presigned_url(row.key, LINK_SECONDS) if row.status == "ready" and row.key else None,
        "created_at": row.created_at,
    }


def shown_withdrawal(row: BannerWithdrawal, candidate: Candidate | None) -> dict[str, Any]:
    """A withdrawal as the publications log lists it: whose banners, which stage's, by which decision."""
    return {
        "nomination_id": row.nomination_id,
        "name": rules.full_name(candidate.name) if candidate else "",
        "region": row.region,
        "stage": row.stage,
        "decision_id": row.decision_id,
        "sequence": row.sequence,
        "files": len(row.keys),
        "withdrawn_at": row.withdrawn_at,
    }


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
