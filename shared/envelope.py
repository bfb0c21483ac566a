"""The event envelope: what every message on the bus looks like, whatever it carries.

Routing key: `<aggregate>.<event>.<region>`; `type` is `<aggregate>.<event>`. The payload is
validated separately against the schema registered for (type, version) in `shared.events`, so that a
consumer can accept the versions it knows and park the rest.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from shared import clock
from shared.logs import current_correlation_id

REGION_CODE = r"^[a-z][a-z0-9_]*$"
EVENT_TYPE = r"^[a-z][a-z_]*\.[a-z][a-z_]*$"


class EnvelopeSchema(Schema):
    """The wire format of the envelope (JSON)."""

    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Regexp(EVENT_TYPE))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    region = fields.String(required=True, validate=validate.Regexp(REGION_CODE))
    correlation_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    producer = fields.String(required=True, validate=validate.Length(min=1, max=50))
    payload = fields.Dict(required=True)


_SCHEMA = EnvelopeSchema()
_EVENT_TYPE = re.compile(EVENT_TYPE)
_REGION_CODE = re.compile(REGION_CODE)


def _text(value: object, low: int, high: int) -> bool:
    return isinstance(value, str) and low <= len(value) <= high


def _envelope_errors(event: Event) -> dict[str, list[str]]:
    """What `EnvelopeSchema` would refuse in `event`, field by field (empty when well-formed)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(event.id, uuid.UUID):
        try:
            uuid.UUID(str(event.id))
        except ValueError:
            errors["id"] = ["Not a valid UUID."]
    if not (isinstance(event.type, str) and _EVENT_TYPE.match(event.type)):
        errors["type"] = ["String does not match expected pattern."]
    if type(event.version) is not int or event.version < 1:
        errors["version"] = ["Must be an integer of at least 1."]
    if not isinstance(event.occurred_at, datetime):
        errors["occurred_at"] = ["Not a valid datetime."]
    if not (isinstance(event.region, str) and _REGION_CODE.match(event.region)):
        errors["region"] = ["String does not match expected pattern."]
    if not _text(event.correlation_id, 1, 200):
        errors["correlation_id"] = ["Length must be between 1 and 200."]
    if not _text(event.producer, 1, 50):
        errors["producer"] = ["Length must be between 1 and 50."]
    if not isinstance(event.payload, dict):
        errors["payload"] = ["Not a valid mapping type."]
    return errors


@dataclass(frozen=True)
class Event:
    """One event, as produced and as consumed."""

    type: str
    version: int
    region: str
    producer: str
    payload: dict[str, Any]
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: datetime = field(default_factory=clock.utcnow)
    correlation_id: str = field(default_factory=lambda: current_correlation_id() or str(uuid.uuid4()))

    @property
    def routing_key(self) -> str:
        return f"{self.type}.{self.region}"

    def caused(self, producer: str, event_type: str, payload: dict[str, Any], version: int = 1) -> Event:
        """An event this one caused: same region, same correlation id, so logs tie the chain together."""
        return Event(
            type=event_type,
            version=version,
            region=self.region,
            producer=producer,
            payload=payload,
            correlation_id=self.correlation_id,
        )

    def to_json(self) -> str:
        """Serialise; raises ValidationError if the envelope is not well-formed.

        The same rules as `EnvelopeSchema`, checked directly on the attributes rather than by a
        marshmallow dump and re-load: this runs once per outbox row, on the request path of every
        state change, and the schema round trip cost several times the checks themselves.
        """
        errors = _envelope_errors(self)
        if errors:
            raise ValidationError(errors)
        data = {
            "id": str(self.id),
            "type": self.type,
            "version": self.version,
            "occurred_at": self.occurred_at.isoformat(),
            "region": self.region,
            "correlation_id": self.correlation_id,
            "producer": self.producer,
            "payload": self.payload,
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, body: str | bytes) -> Event:
        """Parse a message body; raises ValidationError (or ValueError) for a malformed one."""
        try:
            raw = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValidationError({"_body": [f"not JSON: {exc}"]}) from exc
        if not isinstance(raw, dict):
            raise ValidationError({"_body": ["the envelope must be a JSON object"]})
        data = _SCHEMA.load(raw)
        return cls(**data)
