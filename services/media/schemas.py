"""Media's small API contract (marshmallow)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class AssetQuery(Schema):
    nomination_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class AssetSchema(Schema):
    id = fields.String()
    nomination_id = fields.String()
    region = fields.String()
    status = fields.String()
    reason = fields.String(allow_none=True)
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
    source_sha256 = fields.String(allow_none=True)
    derivatives = fields.List(fields.String())
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
