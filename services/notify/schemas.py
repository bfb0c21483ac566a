"""Notify's API contract (marshmallow): the delivery log (contacts masked) and templates."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.notify import rules
from services.notify.models import CHANNELS, STATUSES


def masked_recipient(message: object) -> str:
    address: str = message.recipient  # type: ignore[attr-defined]
    return rules.mask_email(address) if message.channel == "email" else rules.mask_phone(address)  # type: ignore[attr-defined]


class MessageQuery(Schema):
    nomination_id = fields.String(validate=validate.Length(min=1, max=64))
    status = fields.String(validate=validate.OneOf(STATUSES))
    template = fields.String(validate=validate.Length(min=1, max=50))
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    region = fields.String(validate=validate.Length(min=1, max=40))
    from_ = fields.AwareDateTime(data_key="from")
    to = fields.AwareDateTime()
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class MessageSchema(Schema):
    id = fields.String()
    nomination_id = fields.String(allow_none=True)
    template = fields.String()
    channel = fields.String()
    language = fields.String()
    region = fields.String()
    recipient_kind = fields.String()
    recipient = fields.Function(masked_recipient)
    status = fields.String()
    send_after = fields.DateTime(allow_none=True)
    provider = fields.String(allow_none=True)
    segments = fields.Integer(allow_none=True)
    attempts = fields.Integer()
    reason = fields.String(attribute="error", allow_none=True)
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)


class TemplateSchema(Schema):
    code = fields.String()
    channel = fields.String()
    version = fields.Integer()
    subject = fields.Dict(allow_none=True)
    body = fields.Dict()
    created_by = fields.String()
    created_at = fields.DateTime()
