"""Decisions, corrections, extensions and the protocols, under `/api/v1/` (chairs decide, admins
extend). A refused decision answers a problem naming the candidates at fault, and records nothing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.review.api.protocol import content as protocol
from services.review.api.protocol.pdf import pdf as render_pdf
from services.review.api.protocol.xlsx import xlsx as render_xlsx
from services.review.models import Candidate, Decision, User
from services.review.operations import Forbidden, Invalid, NotFound, audit, decisions
from services.review.queries import stages
from services.review.rules import fingerprint, roles
from services.review.rules.decisions import DECIDED_STAGES
from services.review.rules.stages import scope_of
from shared import bodies, i18n, identity, problems, regions
from shared.problems import load_query
from shared.web import current_runtime

bp = Blueprint("review_decisions", __name__, url_prefix="/api/v1")

_NOT_BLANK = validate.Regexp(r"\S", error="field.empty")


class DecisionBody(Schema):
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2019, max=2100))
    stage = fields.String(required=True, validate=validate.OneOf(DECIDED_STAGES))
    region = fields.String(load_default=None, validate=validate.OneOf(regions.region_codes()))
    advanced = fields.List(fields.String(validate=validate.Length(min=1, max=36)), required=True)
    justification = fields.String(required=True, validate=[validate.Length(max=20_000), _NOT_BLANK])
    members_present = fields.List(fields.Email(), load_default=list)
    place = fields.String(load_default=None, validate=validate.Length(max=200))

    @validates_schema
    def _region(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("stage") == "regional" and not data.get("region"):
            raise ValidationError("field.required", "region")


class CorrectionBody(DecisionBody):
    reason = fields.String(required=True, validate=[validate.Length(max=5_000), _NOT_BLANK])
    #: An admin's reason for a regional correction after the republican decision (else 409
    #: stage_superseded); only an admin may send it.
    override_reason = fields.String(load_default=None, validate=[validate.Length(max=5_000), _NOT_BLANK])


class ExtensionBody(Schema):
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2019, max=2100))
    stage = fields.String(required=True, validate=validate.OneOf(DECIDED_STAGES))
    region = fields.String(load_default=None, validate=validate.OneOf(regions.region_codes()))
    until = fields.AwareDateTime(required=True)
    reason = fields.String(required=True, validate=[validate.Length(max=5_000), _NOT_BLANK])

    @validates_schema
    def _region(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("stage") == "regional" and not data.get("region"):
            raise ValidationError("field.required", "region")


class DecisionQuery(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2019, max=2100))
    stage = fields.String(load_default=None, validate=validate.OneOf(DECIDED_STAGES))
    region = fields.String(load_default=None, validate=validate.OneOf(regions.region_codes()))


def _body(schema: Schema) -> dict[str, Any]:
    """The JSON body loaded by `schema`, or a 422 naming each field at fault."""
    raw = bodies.json_object()
    try:
        return schema.load(raw)
    except ValidationError as exc:
        messages_ = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        errors = {name: [_key(value, name in raw)] for name, value in messages_.items()}
        raise Invalid("validation_failed", errors=errors) from exc


def _key(value: Any, present: bool) -> str:
    flat = str(value)
    if "field.empty" in flat:
        return "field.empty"
    if "field.required" in flat or not present:
        return "field.required"
    return "field.invalid"


def dump(decision: Decision, superseded_by: str | None = None) -> dict[str, Any]:
    return {
        "id": decision.id,
        "year": decision.year,
        "stage": decision.stage,
        "region": decision.scope if decision.stage == "regional" else None,
        "scope": decision.scope,
        "advanced": decision.advanced,
        "not_advanced": decision.not_advanced,
        "quota": decision.quota,
        "quota_used": len(decision.advanced),
        "quota_left": max(decision.quota - len(decision.advanced), 0),
        "justification": decision.justification,
        "members_present": decision.members_present,
        "place": decision.place,
        "language": decision.language,
        "chair": {"name": decision.chair_name, "email": decision.chair_email},
        "sequence": decision.sequence,
        "supersedes": decision.supersedes,
        "reason": decision.reason,
        "override_reason": decision.override_reason,
        "rechecks": decision.rechecks,
        "superseded_by": superseded_by,
        "decided_at": decision.decided_at.isoformat(),
        "sha256": fingerprint.sha256(decision),
        "protocol": {
            "pdf": url_for("review_decisions.protocol_pdf", decision_id=decision.id),
            "xlsx": url_for("review_decisions.protocol_xlsx", decision_id=decision.id),
        },
    }


def _decide(corrects: str | None) -> tuple[Response, int] | Response:
    caller = identity.caller()
    data = _body(CorrectionBody() if corrects else DecisionBody())
    twice = decisions.rules.duplicates(data["advanced"])
    if twice:
        raise Invalid("duplicate_candidates", {"ids": ", ".join(twice)}, candidates=twice)
    scope = scope_of(data["stage"], data.get("region"))
    if not roles.may_record(caller, data["stage"], scope, data.get("override_reason")):
        raise Forbidden("forbidden")
    runtime = current_runtime()
    with runtime.db.unit_of_work() as session:
        if corrects is not None:
            old = session.get(Decision, corrects)
            if old is None or not caller.sees(old.scope):
                raise NotFound("not_found")
            if (old.year, old.stage, old.scope) != (data["year"], data["stage"], scope):
                raise Invalid("validation_failed", errors={"stage": ["field.invalid"]})
        decision = decisions.record_decision(session, caller, data, corrects=corrects)
        _audit(session, caller, decisions.audit_action(decision), decision)
        body = dump(decision)
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = url_for("review_decisions.get_decision", decision_id=body["id"])
    return response


@bp.post("/decisions")
@identity.roles(*sorted(roles.CHAIRS))
def post_decision() -> Any:
    return _decide(None)


@bp.post("/decisions/<decision_id>/corrections")
@identity.roles(*sorted(roles.CORRECTORS))
def post_correction(decision_id: str) -> Any:
    return _decide(decision_id)


@bp.get("/decisions")
@identity.roles(*sorted(roles.COMMISSIONS))
def list_decisions() -> Response:
    caller = identity.caller()
    query = load_query(DecisionQuery(), request.args)
    statement = select(Decision).order_by(Decision.decided_at, Decision.id)
    if query["year"]:
        statement = statement.where(Decision.year == query["year"])
    if query["stage"]:
        statement = statement.where(Decision.stage == query["stage"])
    if query["region"]:
        statement = statement.where(Decision.scope == query["region"])
    with current_runtime().db.unit_of_work() as session:
        rows = [d for d in session.scalars(statement) if caller.sees(d.scope)]
        superseded = {d.supersedes: d.id for d in rows if d.supersedes}
        items = [dump(d, superseded.get(d.id)) for d in rows]
    return jsonify(items=items)


def _load(session: Session, decision_id: str) -> Decision:
    decision = session.get(Decision, decision_id)
    if decision is None or not identity.caller().sees(decision.scope):
        raise NotFound("not_found")
    return decision


@bp.get("/decisions/<decision_id>")
@identity.roles(*sorted(roles.COMMISSIONS))
def get_decision(decision_id: str) -> Response:
    with current_runtime().db.unit_of_work() as session:
        decision = _load(session, decision_id)
        successor = session.scalar(select(Decision.id).where(Decision.supersedes == decision.id))
        body = dump(decision, successor)
        # The regional corrections an admin allowed after this (republican) decision: check it again.
        body["recheck_for"] = list(
            session.scalars(
                select(Decision.id).where(Decision.rechecks == decision.id).order_by(Decision.decided_at)
            )
        )
    return jsonify(body)


def _protocol(decision_id: str, kind: str) -> tuple[protocol.Protocol, str]:
    """The protocol's data; its download is a read of personal data (names), so it is audited."""
    with current_runtime().db.unit_of_work() as session:
        decision = _load(session, decision_id)
        audit.record(
            session,
            identity.caller(),
            "protocol.read",
            region=decision.scope if decision.stage == "regional" else None,
            decision_id=decision.id,
            format=kind,
        )
        ids = [*decision.advanced, *decision.not_advanced]
        names = {c.id: c.full_name for c in session.scalars(select(Candidate).where(Candidate.id.in_(ids)))}
        history = session.scalars(
            select(Decision)
            .where(
                Decision.year == decision.year,
                Decision.stage == decision.stage,
                Decision.scope == decision.scope,
            )
            .order_by(Decision.decided_at, Decision.id)
        ).all()
        emails = [email.lower() for email in decision.members_present]
        people = dict(session.execute(select(User.email, User.name).where(User.email.in_(emails))).all())
        people = {
            email: people[email.lower()] for email in decision.members_present if email.lower() in people
        }
        min_scores = stages.rubric(session, decision.year, decision.stage).min_scores
        built = protocol.protocol_of(decision, names, history, people, min_scores)
    lang = request.args.get("lang") or built.language
    if lang not in i18n.LANGUAGES:
        raise problems.Problem(422, "invalid_query", {"lang": ["field.invalid"]})
    return built, lang


@bp.get("/decisions/<decision_id>/protocol.pdf")
@identity.roles(*sorted(roles.PROTOCOL_READERS))
def protocol_pdf(decision_id: str) -> Response:
    built, lang = _protocol(decision_id, "pdf")
    return _download(render_pdf(built, lang), "application/pdf", f"protocol-{decision_id}-{lang}.pdf", lang)


@bp.get("/decisions/<decision_id>/protocol.xlsx")
@identity.roles(*sorted(roles.PROTOCOL_READERS))
def protocol_xlsx(decision_id: str) -> Response:
    built, lang = _protocol(decision_id, "xlsx")
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(render_xlsx(built, lang), kind, f"protocol-{decision_id}-{lang}.xlsx", lang)


def _download(content: bytes, mimetype: str, filename: str, lang: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Content-Language"] = lang
    return response


@bp.post("/extensions")
@identity.roles(*roles.ADMINS)
def post_extension() -> tuple[Response, int]:
    caller = identity.caller()
    data = _body(ExtensionBody())
    with current_runtime().db.unit_of_work() as session:
        extension = decisions.extend(session, caller, data)
        _audit(session, caller, "extension.granted", extension)
        body = {
            "id": extension.id,
            "year": extension.year,
            "stage": extension.stage,
            "scope": extension.scope,
            "until": extension.until.isoformat(),
            "reason": extension.reason,
        }
    return jsonify(body), 201


def _audit(session: Session, caller: identity.Identity, action: str, subject: Any) -> None:
    """Write the action to the audit log, in the same transaction: ids and codes, no personal data."""
    if isinstance(subject, Decision):
        kind, more = "decision_id", {
            "advanced": list(subject.advanced),
            "supersedes": subject.supersedes,
            "sequence": subject.sequence,
            # An override's reason stays on the decision (free text); the log names what it reopens.
            "rechecks": subject.rechecks,
        }
    else:
        kind, more = "extension_id", {"until": subject.until.isoformat()}
    details = {kind: subject.id, "stage": subject.stage, "year": subject.year, **more}
    region = subject.scope if subject.stage == "regional" else None
    audit.record(session, caller, action, region=region, **details)
