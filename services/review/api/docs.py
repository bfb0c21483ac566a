"""Review's published contract: `GET /api/v1/openapi.json` and its page `GET /api/v1/docs`.

flask-smorest serves the document and Swagger UI (started by `shared/apidocs.py`'s file, under our
Content-Security-Policy); the routes stay plain Flask views, so what they answer is unchanged, and
each operation is described here: a summary, its parameters, request and response schemas, an
example and the problems it may answer. `tests/contracts` checks that every `/api/v1/` route of the
app is described and that nothing described is missing from the app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask_smorest import Api

from services.review import schemas
from services.review.rules import roles
from services.review.rules.signals import SIGNALS
from shared import apidocs, identity
from shared.problems import PROBLEM_JSON, TYPE_BASE

DESCRIPTION = """The commissions' API: candidates, rubrics, scores, conflicts, rankings, decisions,
their protocols and extensions, the audit log, the dashboard, and the public votes: their times,
flagged votes and export.

- **Callers**: a signed-in person (the session cookie of the login page) or `Authorization: Bearer
  <personal token>` (`top100 users token`). Each operation says which roles may call it; another
  role gets 403, an anonymous caller 401.
- **Scope**: a regional member or chair sees their region only; a candidate or decision outside the
  caller's scope is 404, as if it did not exist.
- **Errors**: `application/problem+json` (RFC 9457) with `type`, `title`, `status`, `detail` and
  `code`, in kk, ru or en by `Accept-Language`; a 422 names each field at fault in `errors`, and a
  refused decision lists the candidates at fault in `candidates`. A body that is not a JSON object
  is 422 `invalid_json`.
"""

SETTINGS = apidocs.settings("TOP 100 review API", DESCRIPTION, [{"token": []}, {"session": []}])

#: What each problem status means in this API (the codes an operation may answer follow it).
STATUSES = {
    400: "A query parameter the operation cannot read",
    401: "Not signed in, or an unknown, expired or revoked token",
    403: "The caller's role may not do this",
    404: "Nothing the caller may see by that id",
    409: "The season's state forbids it now",
    422: "Invalid data: `errors` names each field at fault (`invalid_json`: the body is no JSON object)",
}

PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "candidates": {"type": "array", "items": {}},
    },
}

_ID = {"type": "string", "example": "0b8f4a52-3f0e-4d43-9a55-6f3f0a1c2d7e"}
_OBJECT = {"type": "object", "additionalProperties": True}


def _list_of(item: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "object", "properties": {"items": {"type": "array", "items": item}, **extra}}


CANDIDATE = {
    "type": "object",
    "description": "A candidate as the caller may know them: no `name` nor `college` in a blind stage",
    "properties": {
        "id": _ID,
        "nomination_id": {"type": "string"},
        "year": {"type": "integer"},
        "region": {"type": "string"},
        "stage": {"type": "string", "enum": ["regional", "republican", "winner"]},
        "status": {"type": "string"},
        "name": {"type": "string"},
        "college": _OBJECT,
        "my_score": {"type": "object", "nullable": True},
    },
    "additionalProperties": True,
}
SCORE_BODY = {
    "type": "object",
    "required": ["criteria"],
    "properties": {
        "criteria": {"type": "object", "additionalProperties": {"type": "integer"}},
        "comment": {"type": "string", "maxLength": 4000},
    },
}
DECISION_BODY = {
    "type": "object",
    "required": ["year", "stage", "advanced", "justification"],
    "properties": {
        "year": {"type": "integer", "minimum": 2019, "maximum": 2100},
        "stage": {"type": "string", "enum": ["regional", "republican"]},
        "region": {"type": "string", "description": "Required at the regional stage"},
        "advanced": {"type": "array", "items": {"type": "string", "maxLength": 36}},
        "justification": {"type": "string", "maxLength": 20000},
        "members_present": {"type": "array", "items": {"type": "string", "format": "email"}},
        "place": {"type": "string", "maxLength": 200},
    },
}
CORRECTION_BODY = {
    "allOf": [
        DECISION_BODY,
        {
            "type": "object",
            "required": ["reason"],
            "properties": {
                "reason": {"type": "string", "maxLength": 5000},
                "override_reason": {"type": "string", "maxLength": 5000, "description": "An admin's only"},
            },
        },
    ]
}
DECISION = {
    "type": "object",
    "properties": {
        "id": _ID,
        "year": {"type": "integer"},
        "stage": {"type": "string"},
        "scope": {"type": "string"},
        "advanced": {"type": "array", "items": {"type": "string"}},
        "not_advanced": {"type": "array", "items": {"type": "string"}},
        "quota": {"type": "integer"},
        "sequence": {"type": "integer"},
        "supersedes": {"type": "string", "nullable": True},
        "sha256": {"type": "string"},
        "protocol": _OBJECT,
    },
    "additionalProperties": True,
}
DECISION_EXAMPLE = {
    "id": "0b8f4a52-3f0e-4d43-9a55-6f3f0a1c2d7e",
    "year": 2026,
    "stage": "regional",
    "region": "almaty",
    "scope": "almaty",
    "advanced": ["c1", "c2"],
    "not_advanced": ["c3"],
    "quota": 10,
    "sequence": 1,
    "supersedes": None,
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "protocol": {
        "pdf": "/api/v1/decisions/0b8f.../protocol.pdf",
        "xlsx": "/api/v1/decisions/0b8f.../protocol.xlsx",
    },
}
_YEAR_STAGE = [
    {"name": "year", "in": "path", "required": True, "schema": {"type": "integer"}},
    {
        "name": "stage",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": ["regional", "republican"]},
    },
]


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


@dataclass(frozen=True)
class Operation:
    """One operation of the API as the document describes it."""

    method: str
    path: str
    endpoint: str
    summary: str
    roles: frozenset[str] | None
    response: dict[str, Any]
    example: Any
    problems: dict[int, tuple[str, ...]] = field(default_factory=dict)
    parameters: list[dict[str, Any]] = field(default_factory=list)
    query: Any = None
    body: dict[str, Any] | None = None
    body_example: Any = None
    status: int = 200
    content_type: str = "application/json"


_CANDIDATE_ID, _DECISION_ID = [_path("candidate_id")], [_path("decision_id")]
_SCORE_EXAMPLE = {"criteria": {"achievements": 8, "leadership": 7}, "comment": "Сильная заявка"}
_LANG = {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["kk", "ru", "en"]}}

#: Every operation of the API, as the contract's tables read: one entry each.
OPERATIONS: list[Operation] = [
    Operation(
        "get",
        "/candidates",
        "review_api.list_candidates",
        "List the candidates in the caller's scope",
        None,
        _list_of(CANDIDATE, total={"type": "integer"}, page={"type": "integer"}),
        {"items": [{"id": "c1", "stage": "regional", "status": "under_review"}], "total": 1, "page": 1},
        {422: ("validation_failed",)},
        query=schemas.CandidateQuery,
    ),
    Operation(
        "get",
        "/candidates/{candidate_id}",
        "review_api.get_candidate",
        "Read one candidate",
        None,
        CANDIDATE,
        {"id": "c1", "stage": "regional", "status": "under_review"},
        {404: ("not_found",)},
        _CANDIDATE_ID,
    ),
    Operation(
        "put",
        "/candidates/{candidate_id}/score",
        "review_api.put_score",
        "Score a candidate (a second score replaces the first)",
        roles.MEMBERS,
        _OBJECT,
        {"candidate_id": "c1", "values": {"achievements": 8}, "weighted": 7.6},
        {
            403: ("not_your_stage", "not_assigned"),
            404: ("not_found",),
            409: ("conflict_declared", "stage_closed"),
            422: ("validation_failed", "invalid_json"),
        },
        _CANDIDATE_ID,
        body=SCORE_BODY,
        body_example=_SCORE_EXAMPLE,
    ),
    Operation(
        "post",
        "/candidates/{candidate_id}/conflicts",
        "review_api.declare_conflict",
        "Declare a conflict of interest (the member's score is withdrawn)",
        roles.MEMBERS,
        _OBJECT,
        {"candidate_id": "c1", "reason": "Мой студент"},
        {403: ("forbidden",), 404: ("not_found",), 422: ("validation_failed", "invalid_json")},
        _CANDIDATE_ID,
        body={
            "type": "object",
            "required": ["reason"],
            "properties": {"reason": {"type": "string", "maxLength": 2000}},
        },
        body_example={"reason": "Мой студент"},
        status=201,
    ),
    Operation(
        "get",
        "/rubrics/{year}/{stage}",
        "review_api.get_rubric",
        "Read a stage's rubric",
        None,
        _OBJECT,
        {"year": 2026, "stage": "regional", "frozen": False, "criteria": []},
        {404: ("not_found",)},
        _YEAR_STAGE,
    ),
    Operation(
        "put",
        "/rubrics/{year}/{stage}",
        "review_api.put_rubric",
        "Set a stage's rubric (until the first score)",
        roles.ADMINS,
        _OBJECT,
        {"year": 2026, "stage": "regional", "frozen": False, "criteria": []},
        {404: ("not_found",), 409: ("rubric_frozen",), 422: ("validation_failed", "invalid_json")},
        _YEAR_STAGE,
        body=_OBJECT,
        body_example={"min_scores": 3, "criteria": []},
    ),
    Operation(
        "get",
        "/rankings",
        "review_api.rankings",
        "The ranking of a stage, as the caller may see it",
        roles.COMMISSIONS,
        _list_of(_OBJECT, not_shown={"type": "integer"}),
        {"items": [{"rank": 1, "candidate_id": "c1", "weighted_mean": 8.1}], "not_shown": 0},
        {403: ("forbidden",), 404: ("not_found",), 422: ("validation_failed",)},
        query=schemas.RankingQuery,
    ),
    Operation(
        "post",
        "/stages/{year}/{stage}/scores-shown",
        "review_api.show_scores",
        "Show every score of a scope before its scoring is done",
        roles.CHAIRS,
        _OBJECT,
        {"year": 2026, "stage": "regional", "region": "almaty", "shown_at": "2026-10-01T10:00:00+05:00"},
        {403: ("not_your_stage",), 404: ("not_found",), 422: ("validation_failed", "invalid_json")},
        _YEAR_STAGE,
        body=_OBJECT,
        body_example={"region": "almaty"},
    ),
    Operation(
        "put",
        "/stages/{year}/{stage}/blind",
        "review_api.put_blind",
        "Make a stage blind or not",
        roles.ADMINS,
        _OBJECT,
        {"year": 2026, "stage": "regional", "blind": True},
        {422: ("validation_failed", "invalid_json")},
        _YEAR_STAGE,
        body={"type": "object", "required": ["blind"], "properties": {"blind": {"type": "boolean"}}},
        body_example={"blind": True},
    ),
    Operation(
        "put",
        "/stages/{year}/{stage}/assignment",
        "review_api.put_assignment",
        "Assign each candidate to some roles.MEMBERS of the commission",
        roles.CHAIRS,
        _OBJECT,
        {"year": 2026, "stage": "regional", "scope": "almaty", "scorers": 3, "assignments": {}},
        {403: ("not_your_stage",), 422: ("validation_failed", "invalid_json")},
        _YEAR_STAGE,
        body={
            "type": "object",
            "properties": {"scorers": {"type": "integer", "minimum": 1, "maximum": 50, "nullable": True}},
        },
        body_example={"scorers": 3},
    ),
    Operation(
        "post",
        "/decisions",
        "review_decisions.post_decision",
        "Record a commission's decision",
        roles.CHAIRS,
        DECISION,
        DECISION_EXAMPLE,
        {
            403: ("forbidden",),
            409: ("stage_closed", "already_decided", "quota_exceeded", "candidate_incomplete"),
            422: ("validation_failed", "invalid_json", "duplicate_candidates", "not_in_scope"),
        },
        body=DECISION_BODY,
        status=201,
        body_example={
            "year": 2026,
            "stage": "regional",
            "region": "almaty",
            "advanced": ["c1", "c2"],
            "justification": "Решение комиссии",
            "members_present": ["chair@example.kz"],
        },
    ),
    Operation(
        "post",
        "/decisions/{decision_id}/corrections",
        "review_decisions.post_correction",
        "Correct a decision (the chair; an admin with an override's reason)",
        roles.CORRECTORS,
        DECISION,
        DECISION_EXAMPLE,
        {
            403: ("forbidden",),
            404: ("not_found",),
            409: (
                "stage_closed",
                "already_decided",
                "quota_exceeded",
                "candidate_incomplete",
                "stage_superseded",
            ),
            422: (
                "validation_failed",
                "invalid_json",
                "duplicate_candidates",
                "not_in_scope",
                "nothing_changed",
            ),
        },
        _DECISION_ID,
        body=CORRECTION_BODY,
        status=201,
        body_example={
            "year": 2026,
            "stage": "regional",
            "region": "almaty",
            "advanced": ["c1"],
            "justification": "Решение комиссии",
            "reason": "Ошибка в списке",
        },
    ),
    Operation(
        "get",
        "/decisions",
        "review_decisions.list_decisions",
        "List the decisions in the caller's scope",
        roles.COMMISSIONS,
        _list_of(DECISION),
        {"items": [DECISION_EXAMPLE]},
        {422: ("validation_failed",)},
        query=[
            {"name": name, "in": "query", "schema": {"type": kind}}
            for name, kind in (("year", "integer"), ("stage", "string"), ("region", "string"))
        ],
    ),
    Operation(
        "get",
        "/decisions/{decision_id}",
        "review_decisions.get_decision",
        "Read one decision",
        roles.COMMISSIONS,
        DECISION,
        DECISION_EXAMPLE,
        {404: ("not_found",)},
        _DECISION_ID,
    ),
    Operation(
        "get",
        "/decisions/{decision_id}/protocol.pdf",
        "review_decisions.protocol_pdf",
        "The decision's protocol as a PDF, in the commission's language (or `lang`)",
        roles.PROTOCOL_READERS,
        {"type": "string", "format": "binary"},
        None,
        {400: ("invalid_query",), 404: ("not_found",)},
        [
            *_DECISION_ID,
            {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["kk", "ru", "en"]}},
        ],
        content_type="application/pdf",
    ),
    Operation(
        "get",
        "/decisions/{decision_id}/protocol.xlsx",
        "review_decisions.protocol_xlsx",
        "The decision's protocol as a workbook",
        roles.PROTOCOL_READERS,
        {"type": "string", "format": "binary"},
        None,
        {400: ("invalid_query",), 404: ("not_found",)},
        [
            *_DECISION_ID,
            {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["kk", "ru", "en"]}},
        ],
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    Operation(
        "post",
        "/extensions",
        "review_decisions.post_extension",
        "Extend a stage's deadline for a scope",
        roles.ADMINS,
        _OBJECT,
        {"year": 2026, "stage": "regional", "scope": "almaty", "until": "2026-10-20T23:59:59+05:00"},
        {422: ("validation_failed", "invalid_json")},
        status=201,
        body={
            "type": "object",
            "required": ["year", "stage", "until", "reason"],
            "properties": {
                "year": {"type": "integer"},
                "stage": {"type": "string"},
                "region": {"type": "string"},
                "until": {"type": "string", "format": "date-time"},
                "reason": {"type": "string", "maxLength": 5000},
            },
        },
        body_example={
            "year": 2026,
            "stage": "regional",
            "region": "almaty",
            "until": "2026-10-20T23:59:59+05:00",
            "reason": "Паводок",
        },
    ),
    Operation(
        "patch",
        "/contests/{contest_id}",
        "review_contests_api.move_times",
        "Move a public vote's opening and closing, until it opens",
        roles.ADMINS,
        _OBJECT,
        {
            "id": "2026-regional-almaty",
            "year": 2026,
            "stage": "regional",
            "scope": "almaty",
            "opens_at": "2026-10-07T04:00:00+00:00",
            "closes_at": "2026-10-15T16:00:00+00:00",
            "state": "upcoming",
            "frozen": False,
        },
        {
            404: ("not_found",),
            409: ("contest_frozen",),
            422: ("contest_times_invalid", "validation_failed", "invalid_json"),
        },
        [_path("contest_id")],
        body={
            "type": "object",
            "required": ["opens_at", "closes_at"],
            "properties": {
                "opens_at": {"type": "string", "format": "date-time"},
                "closes_at": {"type": "string", "format": "date-time"},
            },
        },
        body_example={"opens_at": "2026-10-07T09:00:00+05:00", "closes_at": "2026-10-15T21:00:00+05:00"},
    ),
    Operation(
        "get",
        "/audit",
        "review_audit.audit_log",
        "Read the audit log (every service's entries)",
        roles.AUDITORS,
        {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": _OBJECT},
                "before": {"type": "integer", "nullable": True},
            },
        },
        {
            "items": [{"id": 7, "service": "review", "action": "score.put", "candidate_id": "c1"}],
            "before": None,
        },
        {422: ("validation_failed",)},
        query=schemas.AuditQuery,
    ),
    Operation(
        "get",
        "/votes/{contest_id}/signals",
        "review_votes_api.vote_signals",
        "A public vote's flagged votes with their reasons (flagged, never dropped)",
        roles.AUDITORS,
        {
            "type": "object",
            "properties": {
                "contest": {"type": "string"},
                "total": {"type": "integer"},
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "vote": {"type": "integer"},
                            "voter": {"type": "string", "description": "HMAC-SHA256 of the phone"},
                            "candidate": {"type": "string"},
                            "recorded_at": {"type": "string", "format": "date-time"},
                            "network": {"type": "string", "description": "The /24 or /48 prefix"},
                            "current": {"type": "boolean"},
                            "reasons": {"type": "array", "items": {"type": "string", "enum": list(SIGNALS)}},
                        },
                    },
                },
            },
        },
        {
            "contest": "2026-regional-almaty",
            "total": 1,
            "items": [
                {
                    "vote": 41,
                    "voter": "5f1c…",
                    "candidate": "c1",
                    "recorded_at": "2026-10-08T07:00:02+00:00",
                    "network": "203.0.113.0/24",
                    "current": True,
                    "reasons": ["burst_network", "many_numbers_one_address"],
                }
            ],
        },
        {404: ("not_found",)},
        [_path("contest_id")],
    ),
    Operation(
        "get",
        "/votes/{contest_id}/export.csv",
        "review_votes_api.vote_export",
        "Every vote of a public vote as CSV: hashed voter, time, network prefix, flags (formula-safe)",
        roles.AUDITORS,
        {"type": "string", "format": "binary"},
        None,
        {404: ("not_found",)},
        [_path("contest_id")],
        content_type="text/csv",
    ),
    Operation(
        "get",
        "/dashboard",
        "review_dashboard_api.dashboard_api",
        "The season at a glance, per region and nationally",
        roles.COMMISSIONS,
        _OBJECT,
        {"year": 2026, "regions": [], "national": {"winners": 0}, "deadlines": []},
        {422: ("validation_failed",)},
        query=schemas.DashboardQuery,
    ),
]


def _problem(status: int, codes: tuple[str, ...]) -> dict[str, Any]:
    """One problem response: what the status means here, its codes, an example of each."""
    content: dict[str, Any] = {"schema": {"$ref": "#/components/schemas/Problem"}}
    if codes:
        content["examples"] = {
            code: {
                "value": {
                    "type": TYPE_BASE + code,
                    "title": code,
                    "status": status,
                    "detail": "…",
                    "code": code,
                }
            }
            for code in codes
        }
    description = STATUSES[status] + (": " + ", ".join(codes) if codes else "")
    return {"description": description, "content": {PROBLEM_JSON: content}}


def _problems(problems: dict[int, tuple[str, ...]], allowed: frozenset[str] | None) -> dict[str, Any]:
    """Every operation may answer 401; one open to some roles only, 403 too."""
    statuses = {401: ("unauthorized",), **({403: ("forbidden",)} if allowed is not None else {}), **problems}
    return {str(status): _problem(status, codes) for status, codes in sorted(statuses.items())}


def _document(operation: Operation) -> dict[str, Any]:
    parameters = list(operation.parameters)
    if isinstance(operation.query, list):
        parameters += operation.query
    elif operation.query is not None:
        parameters.append({"in": "query", "schema": operation.query})
    content: dict[str, Any] = {"schema": operation.response}
    if operation.example is not None:
        content["example"] = operation.example
    answer = {
        "summary": operation.summary,
        "description": "Roles: "
        + (", ".join(sorted(operation.roles)) if operation.roles else "every signed-in role"),
        "parameters": parameters,
        "responses": {
            str(operation.status): {"description": "Done", "content": {operation.content_type: content}},
            **_problems(operation.problems, operation.roles),
        },
    }
    if operation.body is not None:
        answer["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": operation.body, "example": operation.body_example}},
        }
    return answer


def init_docs(app: Flask) -> Api:
    """Publish the document and its page (open to anyone: they hold no data)."""
    app.config.update(SETTINGS)
    api = _DocsOnly(app)
    api.spec.components.schema("Problem", PROBLEM)
    api.spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": "session"})
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for operation in OPERATIONS:
        # flask-smorest's plugin writes the path from the route's own rule (`<id>` as `{id}`).
        api.spec.path(rule=rules[operation.endpoint], operations={operation.method: _document(operation)})
    identity.public_blueprint(app.blueprints["api-docs"])
    app.register_blueprint(apidocs.blueprint())
    return api


class _DocsOnly(Api):
    """flask-smorest's Api for the document and its page only: the app's own handlers answer errors
    (problems in the caller's language), so flask-smorest registers none of its own."""

    def _register_error_handlers(self) -> None:
        return None
