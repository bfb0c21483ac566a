"""Notify's small API contract (marshmallow): the delivery log of a nomination, contacts masked."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.notify import rules


def masked_recipient(message: object) -> str:
    address: str = message.recipient  # type: ignore[attr-defined]
    return rules.mask_email(address) if message.channel == "email" else rules.mask_phone(address)  # type: ignore[attr-defined]


class MessageQuery(Schema):
    nomination_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class MessageSchema(Schema):
    id = fields.String()
    nomination_id = fields.String(allow_none=True)
    channel = fields.String()
    template = fields.String()
    language = fields.String()
    recipient = fields.Function(masked_recipient)
    status = fields.String()
    provider = fields.String(allow_none=True)
    error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
