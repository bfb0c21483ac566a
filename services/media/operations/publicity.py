"""Review's decisions, as media acts on them: a candidate advanced to the republican stage or a winner
gets a print banner and social cards, announced as `media.banner_ready`; a correction that takes the
advancement back withdraws them.

Only candidates who consented to publication get any. A candidate whose photo is not processed yet
is given its stage now and its banners when the photo is (the photo's handler calls `make_banners`).
A later stage (winner after republican) replaces the earlier stage's banners; an earlier one arriving
late (the bus reorders) does not go back.

Review numbers the decisions of each scope (`sequence`); media keeps, per candidate, the newest it
applied of each decided stage. A `candidate.not_advanced` newer than that is a correction: the
banners and social cards go (deleted from the store once committed, so their links answer 404), the
candidate leaves the listings and later kits, and the publications log records the withdrawal. A
decision older than the one applied, delivered late, changes nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from services.media import queries, rules
from services.media.models import Asset, BannerWithdrawal, Candidate, Followed
from services.media.operations import PRODUCER, banners, originals
from services.media.operations.photos import delete_after_commit
from shared import clock, ordering, regions
from shared.blobs import BlobStore
from shared.envelope import Event
from shared.outbox import emit

_ORDER = {None: 0, "republican": 1, "winner": 2}


def advance(
    session: Session,
    blobs: BlobStore,
    event: Event,
    decided: tuple[str, str, int],
    stage: str,
    written: list[str],
) -> None:
    """Record the candidate's new stage and make its banners if it has a processed photo.

    `decided` is (nomination id, candidate id, year). A decision that arrives before the submission
    (they come from different services) keeps the stage on a row the submission then fills in.
    """
    nomination_id, candidate_id, year = decided
    if ordering.follow(session, Followed, nomination_id).withdrawn:
        return
    candidate = _candidate(session, event, nomination_id, year)
    if not _applies(candidate, rules.DECIDED_BY[stage], event.payload.get("sequence"), rules.not_older):
        return  # a late copy of a decision a correction has replaced since
    if _ORDER[stage] < _ORDER[candidate.stage]:
        return
    if candidate.stage == stage and candidate.banners:
        return  # the same decision announced again (a winners' list after the advancement)
    candidate.review_candidate, candidate.stage, candidate.updated_at = candidate_id, stage, clock.utcnow()
    asset = queries.current_photo(session, nomination_id)
    if asset is not None:
        make_banners(session, blobs, event, candidate, asset, written)


def take_back(session: Session, blobs: BlobStore, event: Event, written: list[str]) -> None:
    """A decision did not advance the candidate: if it is newer than the advancement media holds (a
    correction), withdraw what that advancement made; a republican one leaves the republican banners."""
    data = event.payload
    nomination_id = data["nomination_id"]
    if ordering.follow(session, Followed, nomination_id).withdrawn:
        return
    candidate = _candidate(session, event, nomination_id, data["year"])
    if not _applies(candidate, data["stage"], data.get("sequence"), rules.newer):
        return
    fallback = rules.withdrawn_stage(candidate.stage, data["stage"])
    if fallback == candidate.stage:
        return  # nothing was made of an advancement by this stage
    withdraw(session, blobs, candidate, data)
    candidate.stage, candidate.updated_at = fallback, clock.utcnow()
    asset = queries.current_photo(session, nomination_id)
    if fallback is not None and asset is not None:
        make_banners(session, blobs, event, candidate, asset, written)


def withdraw(session: Session, blobs: BlobStore, candidate: Candidate, data: dict[str, Any]) -> None:
    """Delete the candidate's banners and social cards once this commits, and log the withdrawal."""
    keys = [file["key"] for file in candidate.banners]
    delete_after_commit(session, blobs, keys)
    if candidate.consent_publication:
        session.add(
            BannerWithdrawal(
                id=str(uuid.uuid4()),
                year=candidate.year,
                nomination_id=candidate.nomination_id,
                region=candidate.region,
                stage=candidate.stage or "republican",
                decision_id=data["decision_id"],
                sequence=data.get("sequence"),
                keys=keys,
                withdrawn_at=clock.utcnow(),
            )
        )
    candidate.banners = []


def unpublish(session: Session, blobs: BlobStore, candidate: Candidate) -> None:
    """The student withdrew the consent to publication: the banners and social cards go (deleted
    once this commits, so their links answer 404). Not a correction of a decision, so nothing goes
    in the publications log, which shows only consenting candidates."""
    delete_after_commit(session, blobs, [file["key"] for file in candidate.banners])
    candidate.banners, candidate.updated_at = [], clock.utcnow()


def _applies(candidate: Candidate, decided_stage: str, sequence: int | None, test: Any) -> bool:
    """Whether a decision of `decided_stage` numbered `sequence` is to be applied (`test` compares it
    with the newest applied); if so it becomes the newest."""
    decided = dict(candidate.decided or {})
    if not test(sequence, decided.get(decided_stage)):
        return False
    decided[decided_stage] = rules.decision_number(sequence)
    candidate.decided = decided
    return True


def _candidate(session: Session, event: Event, nomination_id: str, year: int) -> Candidate:
    """The candidate's row, or one a decision that arrives before the submission (they come from
    different services) starts and the submission then fills in."""
    candidate = session.get(Candidate, nomination_id)
    if candidate is None:
        candidate = Candidate(
            nomination_id=nomination_id,
            year=year,
            region=event.region,
            college_code="",
            college_names={},
            name={},
            achievements=[],
            statements={},
            consent_publication=False,
            banners=[],
            decided={},
            updated_at=clock.utcnow(),
        )
        session.add(candidate)
    return candidate


def make_banners(
    session: Session, blobs: BlobStore, event: Event, candidate: Candidate, asset: Asset, written: list[str]
) -> None:
    """Render, store and announce the banner and social cards from the candidate's current photo
    (its original: `originals.print_source`)."""
    if not candidate.consent_publication or candidate.stage is None:
        return
    source = originals.print_source(blobs, asset)
    if source is None:
        return  # a photo processed before the square existed: its banner comes with the next photo
    made = banners.make_all(facts(candidate), source)
    delete_after_commit(session, blobs, [old["key"] for old in candidate.banners])
    files: list[dict[str, Any]] = []
    for item in made:
        key = rules.banner_key(candidate.nomination_id, asset.id, candidate.stage, item.name, item.format)
        written.append(key)
        blobs.put(key, item.data, rules.CONTENT_TYPES[item.format])
        files.append(
            {
                "name": item.name,
                "format": item.format,
                "key": key,
                "width": item.width,
                "height": item.height,
                "bytes": len(item.data),
                **({"dpi": item.dpi} if item.dpi is not None else {}),
            }
        )
    candidate.banners, candidate.updated_at = files, clock.utcnow()
    session.flush()
    emit(
        session,
        event.caused(
            PRODUCER,
            "media.banner_ready",
            {
                "nomination_id": candidate.nomination_id,
                "candidate_id": candidate.review_candidate or candidate.nomination_id,
                "stage": candidate.stage,
                "derivatives": [file["key"] for file in files],
            },
        ),
    )


def facts(candidate: Candidate) -> banners.Facts:
    region = regions.resolve(candidate.region)
    achievement = candidate.achievements[0]["title"] if candidate.achievements else None
    return banners.Facts(
        name=rules.full_name(candidate.name),
        college=candidate.college_names or {"en": candidate.college_code},
        region=dict(region.names) if region else {"en": candidate.region},
        stage=candidate.stage or "republican",
        achievement=achievement,
    )
