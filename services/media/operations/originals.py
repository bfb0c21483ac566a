"""The original photo, kept by media for the banners it may make much later.

A banner is made when review advances a candidate, weeks after the photo came (submissions close on
5 October, the winners are published up to the end of the year), and it is printed 528 mm wide: it
needs the original's pixels, not the 1080 px square. The link intake's event carries expires (an S3
presigned URL lasts at most 7 days, and intake signs its photo links for 7 days), so media cannot
count on fetching the original again then. Media therefore keeps the bytes it fetched and checked
(the checksum the event names) in its own store, under the asset's key (`rules.original_key`): never
listed, never linked, never announced; listed among the asset's blob keys so that it goes with the
derivatives when the photo is replaced or the nomination withdrawn. Intake keeps its own copy all
the same: media's is not the record, only what it prints from.
"""

from __future__ import annotations

import hashlib
import logging

from services.media import rules
from services.media.models import Asset
from services.media.operations import sources
from shared.blobs import BlobStore

log = logging.getLogger(__name__)


def keep(blobs: BlobStore, data: bytes, written: list[str], nomination_id: str, asset_id: str) -> str:
    """Store the original (`written` collects the key for the undo); returns its key."""
    key = rules.original_key(nomination_id, asset_id)
    written.append(key)
    blobs.put(key, data, rules.CONTENT_TYPES["jpeg"])
    return key


def print_source(blobs: BlobStore, asset: Asset) -> bytes | None:
    """What a banner is drawn from: the original media kept; for a photo processed before media kept
    originals, the original through the event's link while it still works; else the 1080 px square
    (the banner then says its low dpi). None when the asset has none of them."""
    key = rules.original_key(asset.nomination_id, asset.id)
    if key in (asset.derivatives or []):
        return blobs.get(key)
    if asset.source_url and asset.source_sha256:
        try:
            data = sources.fetch(asset.source_url)
        except sources.Unavailable:
            log.info("the original's link no longer works: the banner is drawn from the square")
        else:
            if hashlib.sha256(data).hexdigest() == asset.source_sha256.lower():
                return data
    square = next((f for f in asset.files if f["name"] == "square" and f["format"] == "jpeg"), None)
    return blobs.get(square["key"]) if square is not None else None
