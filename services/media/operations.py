"""What changes media's data: one function per use case, run in the caller's unit of work.

Derivatives are written to the blob store inside the handler, before the transaction commits, under
the nomination's fixed keys (a retry writes the same ones again, nothing is duplicated). If the
commit fails, `discard_orphans` deletes the files no committed asset names; a worker killed before it
could leaves them until the retry commits or the withdrawal deletes every key of the nomination.
"""

from __future__ import annotations

import hashlib
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.media import imaging, rules
from services.media.models import Asset, Followed
from shared import clock, ordering
from shared.blobs import BlobStore
from shared.db import Database
from shared.envelope import Event
from shared.outbox import emit

PRODUCER = "media"
LIVE = ("pending", "processed", "rejected", "missing")


def take_photo(session: Session, blobs: BlobStore, event: Event) -> Asset | None:
    """Process the photo a submission or an amendment carries; an amendment without one changes nothing.

    A submission without a photo is recorded as `missing` and announced as `media.photo_rejected`
    with reason `missing`, so review and notify learn of it the same way as of any other refusal.
    Nothing is made for a withdrawn nomination, nor from a photo older than the latest one taken.
    """
    data = event.payload
    photo = data.get("photo")
    if photo is None and event.type != "nomination.submitted":
        return None
    nomination_id = data["nomination_id"]
    revision = data.get("revision")
    if ordering.follow(session, Followed, nomination_id).withdrawn:
        return None
    latest = session.scalar(select(func.max(Asset.revision)).where(Asset.nomination_id == nomination_id))
    if not ordering.newer(revision, latest):
        return None
    if photo is not None:
        same = _live(session, nomination_id, photo["sha256"])
        if same is not None:
            same.revision = revision
            return same
    for older in session.scalars(
        select(Asset).where(Asset.nomination_id == nomination_id, Asset.status.in_(LIVE))
    ):
        older.status, older.updated_at = "superseded", clock.utcnow()
    now = clock.utcnow()
    asset = Asset(
        id=str(uuid.uuid4()),
        nomination_id=nomination_id,
        region=event.region,
        status="pending",
        source_key=photo and photo["key"],
        source_url=photo and photo["url"],
        source_sha256=photo and photo["sha256"],
        derivatives=[],
        revision=revision,
        created_at=now,
        updated_at=now,
    )
    session.add(asset)
    if photo is None:
        asset.status = "missing"
        _reject(session, event, asset, "missing")
        return asset
    original = blobs.read_url(photo["url"])
    if hashlib.sha256(original).hexdigest() != photo["sha256"].lower():
        _reject(session, event, asset, "checksum_mismatch")
        return asset
    outcome = imaging.process(original)
    asset.width, asset.height = outcome.width or None, outcome.height or None
    if outcome.reason:
        _reject(session, event, asset, outcome.reason)
        return asset
    keys = []
    for derivative in outcome.derivatives:
        key = rules.derivative_key(nomination_id, derivative.name)
        blobs.put(key, derivative.data, "image/jpeg")
        keys.append(key)
    asset.status, asset.derivatives = "processed", keys
    session.flush()
    emit(
        session,
        event.caused(
            PRODUCER,
            "media.photo_processed",
            {
                "nomination_id": nomination_id,
                "asset_id": asset.id,
                "derivatives": keys,
                "nomination_revision": revision,
            },
        ),
    )
    return asset


def withdraw(session: Session, blobs: BlobStore, event: Event) -> None:
    """A withdrawn student's photo is not to be published: delete the derivatives, keep the record.

    The withdrawal is recorded first, whether or not a photo was taken yet, so one that arrives
    later (a retried fetch, a reordered amendment) is never made.
    """
    nomination_id = event.payload["nomination_id"]
    ordering.withdraw(session, Followed, nomination_id, event.payload.get("revision"))
    keys = set(rules.derivative_keys(nomination_id))  # also files no asset names (a killed worker's)
    for asset in session.scalars(
        select(Asset).where(Asset.nomination_id == nomination_id, Asset.status != "withdrawn")
    ):
        keys.update(asset.derivatives)
        asset.status, asset.derivatives, asset.updated_at = "withdrawn", [], clock.utcnow()
    for key in sorted(keys):
        blobs.delete(key)


def discard_orphans(db: Database, blobs: BlobStore, nomination_id: str) -> None:
    """After a photo's transaction failed: delete the derivatives that no committed asset names.

    The nomination's row lock waits for any other handler of it still writing under the same keys.
    """
    with db.unit_of_work() as session:
        ordering.follow(session, Followed, nomination_id)
        named = {
            key
            for asset in session.scalars(
                select(Asset).where(Asset.nomination_id == nomination_id, Asset.status == "processed")
            )
            for key in asset.derivatives
        }
        for key in rules.derivative_keys(nomination_id):
            if key not in named:
                blobs.delete(key)


def _reject(session: Session, event: Event, asset: Asset, reason: str) -> None:
    if asset.status != "missing":
        asset.status = "rejected"
    asset.reason = reason
    session.flush()
    emit(
        session,
        event.caused(
            PRODUCER,
            "media.photo_rejected",
            {"nomination_id": asset.nomination_id, "reason": reason, "nomination_revision": asset.revision},
        ),
    )


def _live(session: Session, nomination_id: str, sha256: str) -> Asset | None:
    """The asset already made from this very photo (a resubmission under a new event id)."""
    return session.scalar(
        select(Asset).where(
            Asset.nomination_id == nomination_id, Asset.source_sha256 == sha256, Asset.status.in_(LIVE)
        )
    )
