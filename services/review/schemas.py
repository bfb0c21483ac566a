"""Review's query strings and bodies (marshmallow): what the candidates' list, the rankings and the
public vote accept."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from services.review.rules import scoring as rules
from services.review.rules.audit import SERVICES
from shared import clock, problems, regions
from shared.clock import KAZAKHSTAN

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


class DashboardQuery(Schema):
    """The dashboard's year (this one by default); its other parameters (`lang`, `region`) are the
    page's, not the year's business, so only `year` is loaded."""

    year = fields.Integer(load_default=None, validate=_YEAR)


def dashboard_year(args: Mapping[str, str]) -> int:
    """The year a dashboard request asks for; 422 naming `year` for one out of the programme's."""
    asked = args.get("year")
    year = problems.load_query(DashboardQuery(), {"year": asked} if asked else {})["year"]
    return year if year is not None else clock.local_now().year


class AuditQuery(Schema):
    actor = fields.String(load_default=None)
    action = fields.String(load_default=None)
    candidate = fields.String(load_default=None)
    service = fields.String(load_default=None, validate=validate.OneOf(SERVICES))
    since = fields.AwareDateTime(data_key="from", load_default=None, default_timezone=None)
    until = fields.AwareDateTime(data_key="to", load_default=None, default_timezone=None)
    before_id = fields.Integer(
        data_key="before", load_default=None, validate=validate.Range(min=1, max=2**63 - 1)
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


def with_days(args: Mapping[str, str]) -> dict[str, str]:
    """`from=2026-10-01` means that day's start in Kazakhstan; an instant is taken as given."""
    query = dict(args.items())
    for key in ("from", "to"):
        value = query.get(key, "")
        try:
            day = date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            continue  # the schema names it as invalid
        if day is not None:
            query[key] = datetime.combine(day, time.min, KAZAKHSTAN).isoformat()
    return query


# --- The public vote --------------------------------------------------------------------------------


class CodeRequest(Schema):
    contest = fields.String(required=True, validate=validate.Length(min=1, max=80))
    phone = fields.String(required=True, validate=validate.Length(max=40))


class CodeCheck(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6}$"))


class VoteBody(Schema):
    candidate = fields.String(required=True, validate=validate.Length(min=1, max=36))


class ContestYearQuery(Schema):
    year = fields.Integer(load_default=None, validate=_YEAR)


class ContestTimes(Schema):
    """An admin's new times for a contest: two instants with their offset (`+05:00`)."""

    opens_at = fields.AwareDateTime(required=True, default_timezone=None)
    closes_at = fields.AwareDateTime(required=True, default_timezone=None)


def loaded(schema: Schema, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON body loaded by `schema`, or 422 `validation_failed` naming each field missing or wrong."""
    try:
        return dict(schema.load(raw))
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        errors = {name: ["field.invalid" if name in raw else "field.required"] for name in messages}
        raise problems.Problem(422, "validation_failed", errors) from exc
