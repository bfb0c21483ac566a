"""The crop point of a photo's `square`, `card` and `story`, moved by the media team.

The crops keep the face the detector found (`rules.crop_box`); when it found none, or another part of
the photo matters more, the team sets a focus point and the three crops are made again from the
original media kept (`originals.print_source`), centred on it (`rules.focus_box`, imgproxy's
focus-point gravity). They are written under the same keys, so every link and page that shows them
(review's gallery, a kit built later) shows the new crop; the point is kept on the asset.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.media import queries, rules
from services.media.models import Asset
from services.media.operations import audit, imaging, originals, photos
from shared import clock
from shared.blobs import BlobStore
from shared.identity import Identity


def focused_photo(session: Session, caller: Identity, nomination_id: str) -> Asset | None:
    """The processed photo of a candidate `caller` may see, or None."""
    rows = queries.listed(session, caller, nomination_id=nomination_id)
    if not rows or rows[0][1] is None or rows[0][1].status != "processed":
        return None
    return rows[0][1]


def move_focus(
    session: Session, blobs: BlobStore, caller: Identity, asset: Asset, point: tuple[float, float]
) -> bool:
    """Make the crops again centred on `point` (shares of the sides) and keep it; in the audit log.
    False when media has nothing to draw them from."""
    original = originals.print_source(blobs, asset)
    if original is None:
        return False
    made = imaging.refocused(original, *point)
    written: list[str] = []
    files = photos.store(blobs, made, written, asset.nomination_id, asset.id)
    fresh = {(file["name"], file["format"]): file for file in files}
    asset.files = [fresh.get((file["name"], file["format"]), file) for file in asset.files]
    asset.focus_x, asset.focus_y = point
    asset.updated_at = clock.utcnow()
    audit.record(
        session,
        caller,
        audit.FOCUS_MOVED,
        object=audit.nomination(asset.nomination_id),
        region=asset.region,
        x=point[0],
        y=point[1],
    )
    return True


def preview(blobs: BlobStore, asset: Asset, name: str, point: tuple[float, float]) -> bytes | None:
    """A small picture of the crop `name` at `point`, before it is saved; None for another name."""
    web = next((f for f in asset.files if f["name"] == "web" and f["format"] == "jpeg"), None)
    if name not in rules.FOCUSED or web is None:
        return None
    return imaging.preview(blobs.get(web["key"]), name, *point)
