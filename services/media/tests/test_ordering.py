"""Media ends in the same state whatever order a nomination's events arrive in; a withdrawal wins.

Every order of one nomination's events goes through the real inbox. With the withdrawal among them,
no derivative may remain or be served, whenever the withdrawal came; without it, the live photo is
the newest one, whatever order the two photos came in.
"""

from __future__ import annotations

import hashlib
import urllib.error
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from services.media.app import create_app
from services.media.handlers import HANDLERS
from services.media.models import Asset
from services.media.tests.factories import jpeg, media_token, stored_photo
from shared.handling import handle
from shared.runtime import Runtime
from shared.tests import nomination_story as story


@pytest.fixture(params=story.DATABASES)
def store(request: pytest.FixtureRequest) -> Runtime:
    return story.runtime_for(request)


@pytest.fixture
def photos(tmp_path: Path) -> tuple[bytes, bytes]:
    return jpeg(600, 600), jpeg(600, 640)


def _events(tmp_path: Path, nomination_id: str, photos: tuple[bytes, bytes]) -> dict[str, Any]:
    a = stored_photo(tmp_path, photos[0], f"{nomination_id}/a")
    b = stored_photo(tmp_path, photos[1], f"{nomination_id}/b")
    return story.story(nomination_id, a, b)


def _state(runtime: Runtime, nomination_id: str) -> dict[str, Any]:
    """The photos media would publish: live assets and the derivatives in the blob store."""
    with runtime.db.unit_of_work() as session:
        assets = list(session.scalars(select(Asset).where(Asset.nomination_id == nomination_id)))
        live = sorted(
            (a.status, a.source_sha256, a.revision, len(a.derivatives))
            for a in assets
            if a.status not in ("superseded", "withdrawn")
        )
        keys = [key for a in assets if a.status not in ("superseded", "withdrawn") for key in a.derivatives]
    folder = Path(urlparse(runtime.settings.blob_url).path) / "media" / nomination_id
    on_disk = sorted(str(path.relative_to(folder).with_suffix("")) for path in folder.rglob("*.*"))
    blobs = {key.rsplit("/", 1)[1]: hashlib.sha256(runtime.blobs.get(key)).hexdigest() for key in keys}
    return {"live": live, "blobs": blobs, "files": len(on_disk)}


@pytest.mark.parametrize("steps", [story.STEPS, story.STEPS[:-1]], ids=["withdrawn", "not-withdrawn"])
def test_every_order_of_a_nominations_events_ends_as_in_order_delivery(
    runtime: Runtime, tmp_path: Path, photos: tuple[bytes, bytes], steps: tuple[str, ...]
) -> None:
    first = story.new_id()
    events = _events(tmp_path, first, photos)
    story.deliver(runtime, HANDLERS, "media", [events[step] for step in steps])
    expected = _state(runtime, first)
    if "withdrawn" in steps:
        assert expected == {"live": [], "blobs": {}, "files": 0}
    else:
        # Seven derivatives and the original kept for banners.
        assert expected["live"] == [("processed", hashlib.sha256(photos[1]).hexdigest(), 4, 8)]
        assert expected["files"] == 8  # the superseded photo's files are gone

    for order in story.orders(steps):
        nomination_id = story.new_id()
        events = _events(tmp_path, nomination_id, photos)
        story.deliver(runtime, HANDLERS, "media", [events[step] for step in order])
        assert _state(runtime, nomination_id) == expected, order


def test_a_photo_fetched_after_the_withdrawal_is_never_made_nor_served(
    store: Runtime, tmp_path: Path, photos: tuple[bytes, bytes]
) -> None:
    """The storage hiccup: the fetch fails twice, the withdrawal is handled in between, the third works."""
    runtime = store
    nomination_id = story.new_id()
    events = _events(tmp_path, nomination_id, photos)
    original = Path(urlparse(events["submitted"].payload["photo"]["url"]).path)
    hidden = original.with_suffix(".away")
    original.rename(hidden)
    for _attempt in range(2):
        with pytest.raises(urllib.error.HTTPError):  # 503: retried by the worker, not a rejection
            handle(runtime, HANDLERS, "media", events["submitted"])
    assert handle(runtime, HANDLERS, "media", events["withdrawn"]) is True
    hidden.rename(original)
    assert handle(runtime, HANDLERS, "media", events["submitted"]) is True

    assert _state(runtime, nomination_id) == {"live": [], "blobs": {}, "files": 0}
    client = create_app(runtime).test_client()
    token = media_token(runtime)
    reply = client.get(
        f"/api/v1/assets?nomination_id={nomination_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert reply.json["items"] == []
