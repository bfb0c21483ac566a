"""Review's small API contract (marshmallow): candidates as the skeleton shows them, no contacts."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared import regions


class CandidateQuery(Schema):
    region = fields.String(load_default=None, validate=validate.OneOf(regions.region_codes()))


class CandidateSchema(Schema):
    id = fields.String()
    nomination_id = fields.String()
    year = fields.Integer()
    region = fields.String()
    college_code = fields.String()
    college_names = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True)
    last_name = fields.String()
    first_name = fields.String()
    patronymic = fields.String(allow_none=True)
    full_name = fields.String()
    stage = fields.String()
    status = fields.String()
    categories = fields.List(fields.String())
