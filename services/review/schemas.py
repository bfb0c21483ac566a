"""Review's query strings (marshmallow): what the candidates' list and the rankings accept."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.review import rules
from shared import regions

_YEAR = validate.Range(min=2019, max=2100)


class CandidateQuery(Schema):
    year = fields.Integer(load_default=None, validate=_YEAR)
    region = fields.String(load_default=None, validate=validate.OneOf(regions.region_codes()))
    stage = fields.String(load_default=None, validate=validate.OneOf(rules.STAGES))
    status = fields.String(load_default=None, validate=validate.OneOf(rules.STATUSES))
    college = fields.String(load_default=None, validate=validate.Length(max=40))
    q = fields.String(load_default=None, validate=validate.Length(max=100))
    #: "1": only the candidates the caller has still to score (and may).
    unscored = fields.Boolean(load_default=False, truthy={"1", "true", "yes"}, falsy={"0", "false", "no", ""})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))


class RankingQuery(Schema):
    year = fields.Integer(required=True, validate=_YEAR)
    stage = fields.String(required=True, validate=validate.OneOf(rules.SCORED_STAGES))
    region = fields.String(load_default=None, validate=validate.OneOf(regions.region_codes()))
