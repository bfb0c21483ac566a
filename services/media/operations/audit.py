"""Media's audit log: every read of a candidate's personal data (name, statements, photo, a kit) and
every change a person makes (a kit asked for, a publication logged), each entry announced to review
as `audit.recorded` in the same transaction (`shared.audit`), where the log is read."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.media.models import AuditEntry, Candidate, Kit
from shared import audit
from shared.identity import Identity
from shared.regions import region_codes

SERVICE = "media"

CANDIDATE_READ = "candidate.read"
CANDIDATES_LISTED = "candidates.listed"
PHOTO_LINK = "photo.link"
KIT_REQUESTED = "kit.requested"
KIT_DOWNLOAD = "kit.download"
#: One candidate's files taken as a ZIP from their page.
FILES_DOWNLOAD = "files.download"
#: The crop point of a photo's square, card and story moved (its crops made again).
FOCUS_MOVED = "focus.moved"
PUBLICATION_LOGGED = "publication.logged"

record = audit.recorder(AuditEntry, SERVICE)


def nomination(nomination_id: str) -> str:
    """A candidate as the log names it: by the nomination, which every service knows it by."""
    return f"nomination:{nomination_id}"


def candidate_read(session: Session, caller: Identity, candidate: Candidate) -> None:
    record(
        session, caller, CANDIDATE_READ, object=nomination(candidate.nomination_id), region=candidate.region
    )


def listed(
    session: Session, caller: Identity, count: int, *, year: int | None, region: str | None, stage: str | None
) -> None:
    """A list of candidates (names, photos) was shown: one entry with what it was filtered by."""
    known = region if region in region_codes() else None  # the routing key takes only a region's code
    record(session, caller, CANDIDATES_LISTED, region=known, year=year, stage=stage, count=count)


def kit_downloaded(session: Session, caller: Identity, kit: Kit) -> None:
    """A link to a ready kit (every member's name, photo and statements) was handed out."""
    record(session, caller, KIT_DOWNLOAD, object=f"kit:{kit.id}", region=kit.region)
