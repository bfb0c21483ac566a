"""The envelope survives the wire (Kazakh letters included) and refuses what is not an envelope."""

from __future__ import annotations

import json
import uuid

import pytest
from marshmallow import ValidationError

from shared.envelope import Event

KAZAKH = "әғқңөұүһі ӘҒҚҢӨҰҮҺІ"


def _event(**overrides: object) -> Event:
    values: dict[str, object] = {
        "type": "review.candidate_registered",
        "version": 1,
        "region": "almaty",
        "producer": "review",
        "payload": {"nomination_id": "n-1", "candidate_id": KAZAKH, "stage": "college"},
    }
    values.update(overrides)
    return Event(**values)  # type: ignore[arg-type]


def test_round_trip_keeps_every_field_and_kazakh_letters() -> None:
    event = _event(correlation_id="corr-1")
    body = event.to_json()
    assert KAZAKH in body  # not \u-escaped: readable in logs and on the broker
    again = Event.from_json(body.encode("utf-8"))
    assert again == event
    assert again.payload["candidate_id"] == KAZAKH
    assert again.routing_key == "review.candidate_registered.almaty"


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe not utf-8",
        "not json at all",
        "[1, 2, 3]",
        "null",
        "{}",
        json.dumps(
            {
                "id": "not-a-uuid",
                "type": "a.b",
                "version": 1,
                "occurred_at": "2026-01-01T00:00:00Z",
                "region": "almaty",
                "correlation_id": "c",
                "producer": "p",
                "payload": {},
            }
        ),
    ],
)
def test_malformed_bodies_raise_validation_error(body: str | bytes) -> None:
    with pytest.raises(ValidationError):
        Event.from_json(body)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("type", "NoDots"),
        ("region", "Almaty!"),
        ("version", 0),
        ("version", "1"),
        ("payload", [1]),
        ("occurred_at", "yesterday"),
    ],
)
def test_an_envelope_with_a_bad_field_is_refused(field: str, value: object) -> None:
    data = json.loads(_event().to_json())
    data[field] = value
    with pytest.raises(ValidationError):
        Event.from_json(json.dumps(data))


def test_a_missing_field_is_refused() -> None:
    data = json.loads(_event().to_json())
    del data["correlation_id"]
    with pytest.raises(ValidationError):
        Event.from_json(json.dumps(data))


def test_ids_are_unique_uuids() -> None:
    first, second = _event(), _event()
    assert first.id != second.id
    assert isinstance(first.id, uuid.UUID)


def test_a_caused_event_keeps_region_and_correlation_id() -> None:
    from shared.envelope import Event

    cause = Event(type="nomination.submitted", version=1, region="ulytau", producer="intake", payload={})
    effect = cause.caused("media", "media.photo_rejected", {"nomination_id": "n", "reason": "missing"})
    assert (effect.region, effect.correlation_id, effect.producer) == (
        "ulytau",
        cause.correlation_id,
        "media",
    )
    assert effect.id != cause.id and effect.routing_key == "media.photo_rejected.ulytau"
