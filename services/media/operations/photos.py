"""What changes media's photos and candidates: one function per use case, in the caller's unit of work.

Derivatives are written to the blob store inside the handler, before the transaction commits, under
keys of the asset's own id, which is derived from the event's id: a retry of the same event writes
the same keys again. If the commit fails, `discard_orphans` deletes the keys it wrote that no
committed asset names. A new photo supersedes the old asset, whose files are deleted once that
commits: a link to an old derivative stops working and the API never lists a stale one.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import event as orm_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.media import queries, rules
from services.media.messages import REASONS
from services.media.models import Asset, Candidate, Followed
from services.media.operations import PRODUCER, imaging, originals, sources
from shared import clock, ordering
from shared.blobs import BlobStore
from shared.db import Database
from shared.envelope import Event
from shared.i18n import LANGUAGES, translate
from shared.outbox import emit
from shared.runtime import Runtime

#: Asset ids derived from event ids: the same event, retried, makes the same asset and the same keys.
_ASSETS = uuid.UUID("0b6f6f3e-5d1c-4c8e-9a51-6d3c2b7c1a00")


def remember(session: Session, event: Event) -> Candidate | None:
    """Keep what media prints of the nomination: name, college, region, statements, achievements,
    consent to publication. Nothing for a withdrawn nomination; an older revision changes nothing."""
    data = event.payload
    nomination_id = data["nomination_id"]
    if ordering.follow(session, Followed, nomination_id).withdrawn:
        return None
    candidate = session.get(Candidate, nomination_id)
    revision = data.get("revision")
    if event.type == "nomination.submitted":
        if candidate is None:
            candidate = Candidate(nomination_id=nomination_id, banners=[], stage=None, review_candidate=None)
            session.add(candidate)
        elif not ordering.newer(revision, candidate.revision):
            return candidate
        candidate.year, candidate.region = data["year"], event.region
        candidate.college_code, candidate.college_names = (
            data["college_code"],
            data.get("college_names") or {},
        )
        candidate.consent_publication = bool(data.get("consent_publication"))
    elif candidate is None or not ordering.newer(revision, candidate.revision):
        return candidate  # an amendment before its submission: the submission will carry the whole
    if data.get("consent_publication") is not None:  # an amendment's: the student withdrew it
        candidate.consent_publication = bool(data["consent_publication"])
    if data.get("candidate") is not None:
        candidate.name = dict(data["candidate"])
    if data.get("statements") is not None:
        candidate.statements = dict(data["statements"])
    if data.get("achievements") is not None:
        candidate.achievements = [dict(achievement) for achievement in data["achievements"]]
    candidate.search_text = rules.search_text(
        candidate.name or {}, candidate.college_names or {}, candidate.college_code
    )
    candidate.revision, candidate.updated_at = revision or candidate.revision, clock.utcnow()
    return candidate


@dataclass(frozen=True)
class Fetched:
    """A photo read through its link and decoded: its checksum, the original's bytes and what
    `imaging.process` made of them, or the reason it cannot be used (`unavailable`,
    `checksum_mismatch`, or one of imaging's)."""

    sha256: str
    original: bytes | None = None
    outcome: imaging.Outcome | None = None
    reason: str | None = None


def fetch(photo: dict[str, Any]) -> Fetched:
    """Read the photo an event points at, check its checksum and decode it into every derivative.

    Slow (a download of up to 15 MB, then about a second of CPU), and touching no database: the
    worker runs it before the unit of work that records the result opens (`handlers.fetch_photo`).
    A server that does not answer raises, and the worker retries the event.
    """
    try:
        original = sources.fetch(photo["url"])
    except sources.Unavailable:
        return Fetched(photo["sha256"], reason="unavailable")
    if hashlib.sha256(original).hexdigest() != photo["sha256"].lower():
        return Fetched(photo["sha256"], reason="checksum_mismatch")
    outcome = imaging.process(original)
    return Fetched(photo["sha256"], original, outcome, outcome.reason)


def take_photo(
    session: Session, blobs: BlobStore, event: Event, written: list[str], fetched: Fetched | None = None
) -> Asset | None:
    """Record the photo a submission or an amendment carries; an amendment without one changes nothing.

    A submission without a photo is recorded as `missing` and announced as `media.photo_rejected`
    with reason `missing`, so review and notify learn of it the same way as of any other refusal.
    Nothing is made for a withdrawn nomination, nor from a photo older than the latest one taken.
    `fetched` is the photo as `fetch` read it before this unit of work; without it (or for another
    photo than the event's) it is fetched here. `written` collects the keys written, for the undo
    should the transaction fail.
    """
    photo = event.payload.get("photo")
    if photo is None and event.type != "nomination.submitted":
        return None
    nomination_id, revision = event.payload["nomination_id"], event.payload.get("revision")
    if ordering.follow(session, Followed, nomination_id).withdrawn:
        return None
    if not ordering.newer(revision, queries.latest_revision(session, nomination_id)):
        return None
    if photo is not None:
        same = queries.live_asset(session, nomination_id, photo["sha256"])
        if same is not None:
            same.revision = revision
            return same
    _supersede(session, blobs, nomination_id)
    asset = _new_asset(session, event, photo)
    if photo is None:
        asset.status = "missing"
        _reject(session, event, asset, "missing")
        return asset
    if fetched is None or fetched.sha256 != photo["sha256"]:
        fetched = fetch(photo)
    _record(session, blobs, event, asset, fetched, written)
    return asset


def _new_asset(session: Session, event: Event, photo: dict[str, Any] | None) -> Asset:
    """The pending asset of this event's photo (its id derived from the event's: a retry makes the same)."""
    now = clock.utcnow()
    asset = Asset(
        id=str(uuid.uuid5(_ASSETS, str(event.id))),
        nomination_id=event.payload["nomination_id"],
        region=event.region,
        status="pending",
        source_key=photo and photo["key"],
        source_url=photo and photo["url"][:1000],
        source_sha256=photo and photo["sha256"],
        derivatives=[],
        files=[],
        revision=event.payload.get("revision"),
        created_at=now,
        updated_at=now,
    )
    session.add(asset)
    return asset


def _record(
    session: Session, blobs: BlobStore, event: Event, asset: Asset, fetched: Fetched, written: list[str]
) -> None:
    """Store the derivatives and the original of a usable photo and announce them; else the refusal."""
    if fetched.outcome is not None:
        asset.width, asset.height = fetched.outcome.width or None, fetched.outcome.height or None
    if fetched.reason or fetched.outcome is None or fetched.original is None:
        _reject(session, event, asset, fetched.reason or "unreadable")
        return
    asset.files = store(blobs, fetched.outcome.derivatives, written, asset.nomination_id, asset.id)
    kept = originals.keep(blobs, fetched.original, written, asset.nomination_id, asset.id)
    asset.status, asset.derivatives = "processed", [*(file["key"] for file in asset.files), kept]
    session.flush()
    payload = {
        "nomination_id": asset.nomination_id,
        "asset_id": asset.id,
        "derivatives": [file["key"] for file in asset.files],
        "nomination_revision": asset.revision,
    }
    emit(session, event.caused(PRODUCER, "media.photo_processed", payload))


def store(
    blobs: BlobStore,
    made: tuple[imaging.Derivative, ...],
    written: list[str],
    nomination_id: str,
    asset_id: str,
) -> list[dict[str, Any]]:
    files = []
    for derivative in made:
        key = rules.derivative_key(nomination_id, asset_id, derivative.name, derivative.format)
        written.append(key)
        blobs.put(key, derivative.data, rules.CONTENT_TYPES[derivative.format])
        files.append(
            {
                "name": derivative.name,
                "format": derivative.format,
                "key": key,
                "width": derivative.width,
                "height": derivative.height,
                "bytes": len(derivative.data),
            }
        )
    return files


def withdraw(session: Session, blobs: BlobStore, event: Event) -> None:
    """A withdrawn student is not to be published: delete the derivatives and banners, keep the record.

    The withdrawal is recorded first, whether or not a photo was taken yet, so one that arrives
    later (a retried fetch, a reordered amendment) is never made.
    """
    nomination_id = event.payload["nomination_id"]
    ordering.withdraw(session, Followed, nomination_id, event.payload.get("revision"))
    keys: set[str] = set()
    for asset in session.scalars(
        select(Asset).where(Asset.nomination_id == nomination_id, Asset.status != "withdrawn")
    ):
        keys.update(asset.derivatives)
        asset.status, asset.derivatives, asset.files = "withdrawn", [], []
        asset.updated_at = clock.utcnow()
    candidate = session.get(Candidate, nomination_id)
    if candidate is not None:
        keys.update(file["key"] for file in candidate.banners)
        session.delete(candidate)
    for key in sorted(keys):
        blobs.delete(key)


def discard_orphans(db: Database, blobs: BlobStore, nomination_id: str, written: list[str]) -> None:
    """After a photo's transaction failed: delete the keys it wrote that no committed asset names.

    The nomination's row lock waits for any other handler of it still writing.
    """
    with db.unit_of_work() as session:
        ordering.follow(session, Followed, nomination_id)
        named = {
            key
            for asset in session.scalars(select(Asset).where(Asset.nomination_id == nomination_id))
            for key in asset.derivatives
        }
        candidate = session.get(Candidate, nomination_id)
        named.update(file["key"] for file in (candidate.banners if candidate else []))
        for key in written:
            if key not in named:
                blobs.delete(key)


def delete_after_commit(session: Session, blobs: BlobStore, keys: list[str]) -> None:
    """Delete files of a replaced photo or banner once the replacement is committed (should it not
    commit, the old ones stay the current ones). Until then the API no longer lists them."""
    if not keys:
        return

    def delete(_session: Session) -> None:
        for key in keys:
            blobs.delete(key)

    orm_event.listen(session, "after_commit", delete, once=True)


#: Seconds between the worker's sweeps of replaced photos' files (see `sweep_replaced`).
SWEEP_EVERY = 300.0
#: How far back the sweep looks: a replacement older than this has long been swept.
SWEEP_WINDOW = timedelta(days=2)


def sweep_replaced(runtime: Runtime) -> int:
    """Delete the files of replaced photos that are still there, then forget their keys.

    `delete_after_commit` does it at once; a worker killed between its commit and that deletion
    leaves them, and this chore of the worker finds them. Returns how many assets it swept.
    """
    since = clock.utcnow() - SWEEP_WINDOW
    with runtime.db.unit_of_work() as session:
        replaced = session.scalars(
            select(Asset).where(Asset.status == "superseded", Asset.updated_at >= since)
        )
        swept = [asset for asset in replaced if asset.derivatives]
        for asset in swept:
            for key in asset.derivatives:
                runtime.blobs.delete(key)
            asset.derivatives = []
    return len(swept)


def _supersede(session: Session, blobs: BlobStore, nomination_id: str) -> None:
    """The older photos are replaced: their files go once this commits, so no link to them works.

    Their keys stay on the row, so a withdrawal still finds any a killed worker left behind."""
    for older in session.scalars(
        select(Asset).where(Asset.nomination_id == nomination_id, Asset.status.in_(queries.LIVE))
    ):
        delete_after_commit(session, blobs, list(older.derivatives))
        older.status, older.files, older.updated_at = "superseded", [], clock.utcnow()


def _reject(session: Session, event: Event, asset: Asset, reason: str) -> None:
    if asset.status != "missing":
        asset.status = "rejected"
    asset.reason = reason
    session.flush()
    params = rules.problem_params(reason)
    payload: dict[str, Any] = {
        "nomination_id": asset.nomination_id,
        "reason": reason,
        "nomination_revision": asset.revision,
        "text": {language: translate(REASONS[reason], language, params) for language in LANGUAGES},
    }
    if params:
        payload["params"] = params
    emit(session, event.caused(PRODUCER, "media.photo_rejected", payload))
