"""The event envelope: what every message on the bus looks like, whatever it carries.

Routing key: `<aggregate>.<event>.<region>`; `type` is `<aggregate>.<event>`. The payload is
validated separately against the schema registered for (type, version) in `shared.events`, so that a
consumer can accept the versions it knows and park the rest.
"""

from __future__ import annotations

import json
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

    def to_json(self) -> str:
        """Serialise; raises ValidationError if the envelope is not well-formed."""
        data = _SCHEMA.dump(self)
        errors = _SCHEMA.validate(data)
        if errors:
            raise ValidationError(errors)
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
