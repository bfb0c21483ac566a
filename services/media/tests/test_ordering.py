"""Media ends in the same state whatever order a nomination's events arrive in; a withdrawal wins.

Every order of one nomination's events goes through the real inbox. With the withdrawal among them,
no derivative may remain or be served, whenever the withdrawal came; without it, the live photo is
the newest one, whatever order the two photos came in.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services.media.app import create_app
from services.media.handlers import HANDLERS
from services.media.models import Asset
from services.media.rules import DERIVATIVES, derivative_key
from services.media.tests.factories import jpeg, stored_photo
from shared.blobs import BlobNotFound
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
        assets = session.scalars(select(Asset).where(Asset.nomination_id == nomination_id))
        live = sorted(
            (a.status, a.source_sha256, a.revision, len(a.derivatives))
            for a in assets
            if a.status not in ("superseded", "withdrawn")
        )
    blobs = {}
    for name in DERIVATIVES:
        key = derivative_key(nomination_id, name)
        blobs[name] = (
            hashlib.sha256(runtime.blobs.get(key)).hexdigest() if runtime.blobs.exists(key) else None
        )
    return {"live": live, "blobs": blobs}


@pytest.mark.parametrize("steps", [story.STEPS, story.STEPS[:-1]], ids=["withdrawn", "not-withdrawn"])
def test_every_order_of_a_nominations_events_ends_as_in_order_delivery(
    runtime: Runtime, tmp_path: Path, photos: tuple[bytes, bytes], steps: tuple[str, ...]
) -> None:
    first = story.new_id()
    events = _events(tmp_path, first, photos)
    story.deliver(runtime, HANDLERS, "media", [events[step] for step in steps])
    expected = _state(runtime, first)
    if "withdrawn" in steps:
        assert expected == {"live": [], "blobs": dict.fromkeys(DERIVATIVES)}
    else:
        assert expected["live"] == [("processed", hashlib.sha256(photos[1]).hexdigest(), 4, 2)]

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
    original = Path(events["submitted"].payload["photo"]["url"].removeprefix("file://"))
    hidden = original.with_suffix(".away")
    original.rename(hidden)
    for _attempt in range(2):
        with pytest.raises(BlobNotFound):
            handle(runtime, HANDLERS, "media", events["submitted"])
    assert handle(runtime, HANDLERS, "media", events["withdrawn"]) is True
    hidden.rename(original)
    assert handle(runtime, HANDLERS, "media", events["submitted"]) is True

    assert _state(runtime, nomination_id) == {"live": [], "blobs": dict.fromkeys(DERIVATIVES)}
    client = create_app(runtime).test_client()
    assert client.get(f"/api/v1/assets?nomination_id={nomination_id}").json["items"] == []
