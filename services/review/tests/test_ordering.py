"""Review ends in the same state whatever order a nomination's events arrive in, withdrawal included.

Every order of the five events of one nomination (submitted, amended twice, photo replaced,
withdrawn) is delivered through the real inbox; the candidate must end as in-order delivery left it.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from services.review.handlers import HANDLERS
from services.review.models import Candidate, Photo
from shared import testing
from shared.envelope import Event
from shared.handling import handle
from shared.runtime import Runtime
from shared.tests import nomination_story as story


@pytest.fixture(params=story.DATABASES)
def store(request: pytest.FixtureRequest) -> Runtime:
    return story.runtime_for(request)


def _photo(name: str, nomination_id: str) -> dict[str, Any]:
    return {
        "key": f"photos/{nomination_id}/{name}.jpg",
        "url": f"file:///nowhere/{nomination_id}/{name}.jpg",
        "sha256": name * 64,
        "content_type": "image/jpeg",
        "width": 1200,
        "height": 1600,
    }


def _events(nomination_id: str) -> dict[str, Event]:
    return story.story(nomination_id, _photo("a", nomination_id), _photo("b", nomination_id))


def _state(runtime: Runtime, nomination_id: str) -> dict[str, Any]:
    """The candidate as the commissions see it, without what differs by nature (ids, times)."""
    with runtime.db.unit_of_work() as session:
        candidate = session.scalar(select(Candidate).where(Candidate.nomination_id == nomination_id))
        photo = session.get(Photo, nomination_id)
        assert candidate is not None and photo is not None
        volatile = {"id", "nomination_id", "created_at", "updated_at"}
        row = {c.key: getattr(candidate, c.key) for c in Candidate.__table__.columns if c.key not in volatile}
        row["statements"] = {s.language: s.text for s in candidate.statements}
        row["photo"] = (photo.status, photo.source_key.replace(nomination_id, "N"), photo.revision)
        return row


def test_every_order_of_a_nominations_events_ends_as_in_order_delivery(store: Runtime) -> None:
    runtime = store
    first = story.new_id()
    events = _events(first)
    story.deliver(runtime, HANDLERS, "review", [events[step] for step in story.STEPS])
    expected = _state(runtime, first)
    assert expected["status"] == "withdrawn" and expected["last_name"] == "Сәрсенбайұлы"
    assert (expected["language"], expected["course"], expected["minor"]) == ("ru", 3, False)
    assert expected["photo"] == ("pending", "photos/N/b.jpg", 4)

    # In the full profile, on PostgreSQL (the locking and ON CONFLICT paths) every fifth order: each
    # step still comes first, last and in between; SQLite runs all 120.
    orders = list(story.orders())
    if testing.full_profile() and runtime.db.engine.dialect.name != "sqlite":
        orders = orders[::5]
    for order in orders:
        nomination_id = story.new_id()
        events = _events(nomination_id)
        story.deliver(runtime, HANDLERS, "review", [events[step] for step in order])
        assert _state(runtime, nomination_id) == expected, order


def test_a_report_on_a_replaced_photo_does_not_overwrite_the_new_ones(runtime: Runtime) -> None:
    nomination_id = story.new_id()
    events = _events(nomination_id)
    story.deliver(runtime, HANDLERS, "review", [events["submitted"], events["photo_replaced"]])
    late = Event(
        type="media.photo_processed",
        version=1,
        region="almaty",
        producer="media",
        payload={
            "nomination_id": nomination_id,
            "asset_id": "old",
            "derivatives": [],
            "nomination_revision": 1,
        },
    )
    assert handle(runtime, HANDLERS, "review", late) is True
    assert _state(runtime, nomination_id)["photo"] == ("pending", "photos/N/b.jpg", 4)
