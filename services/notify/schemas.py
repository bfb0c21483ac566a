"""Notify's API contract (marshmallow): the delivery log (contacts masked) and templates."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from services.notify import rules
from services.notify.models import CHANNELS, STATUSES


def masked_recipient(message: object) -> str:
    address: str = message.recipient  # type: ignore[attr-defined]
    return rules.mask_email(address) if message.channel == "email" else rules.mask_phone(address)  # type: ignore[attr-defined]


class Texts(Schema):
    """A text per language: Jinja, with the message's parameters."""

    kk = fields.String()
    ru = fields.String()
    en = fields.String()


#: What a delivery receipt's `status` may say.
RECEIPT_STATES = ("delivered", "failed")


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
    subject = fields.Nested(Texts, allow_none=True)
    body = fields.Nested(Texts)
    created_by = fields.String()
    created_at = fields.DateTime()


class MessageListOut(Schema):
    items = fields.List(fields.Nested(MessageSchema))


class TemplateListOut(Schema):
    items = fields.List(fields.Nested(TemplateSchema))


class TemplateDetailOut(Schema):
    """A message's template: its channels and parameters, the current version per channel, every version."""

    code = fields.String()
    channels = fields.List(fields.String())
    parameters = fields.List(fields.String())
    current = fields.List(fields.Nested(TemplateSchema))
    versions = fields.List(fields.Nested(TemplateSchema))


def _texts(required: bool) -> fields.Nested:
    return fields.Nested(
        Texts,
        required=required,
        allow_none=not required,
        metadata={"description": "Jinja text per language (kk, ru, en)"},
    )


class TemplateIn(Schema):
    """A new version of a template (checked before it is saved: parameters, Jinja, its cost)."""

    channel = fields.String(required=True, validate=validate.OneOf(("email", "sms")))
    subject = _texts(required=False)
    body = _texts(required=True)


class PreviewIn(Schema):
    """Texts to render (the current version without `body`), with parameters (samples for the rest)."""

    language = fields.String(load_default="kk", validate=validate.OneOf(("kk", "ru", "en")))
    channel = fields.String(validate=validate.OneOf(("email", "sms")))
    subject = _texts(required=False)
    body = _texts(required=False)
    params = fields.Dict(keys=fields.String(), metadata={"description": "the message's parameters"})


class PreviewOut(Schema):
    subject = fields.String(allow_none=True)
    text = fields.String()
    html = fields.String(allow_none=True)
    segments = fields.Integer(allow_none=True, metadata={"description": "SMS parts (SMS only)"})
    encoding = fields.String(allow_none=True, metadata={"description": "GSM-7 or UCS-2 (SMS only)"})
    characters = fields.Integer()


def _string_or_integer(value: object) -> None:
    """A gateway's id of a message: its text or its number (marshmallow 4 reads no False: raise)."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValidationError("field.invalid")


class ReceiptIn(Schema):
    """A gateway's delivery receipt (what else it says is its own, and ignored)."""

    class Meta:
        unknown = EXCLUDE

    id = fields.Raw(
        required=True,
        validate=_string_or_integer,
        metadata={
            "anyOf": [{"type": "string"}, {"type": "integer"}],
            "description": "the gateway's id of the message",
        },
    )
    status = fields.String(required=True, validate=validate.OneOf(RECEIPT_STATES))
    reason = fields.String(allow_none=True)


class ReceiptOut(Schema):
    recorded = fields.Boolean(metadata={"description": "false (202) when no sent message has that id"})


class UnsubscribedOut(Schema):
    unsubscribed = fields.Boolean()
