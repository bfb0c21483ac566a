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
from services.review.rules import scoring as scoring_rules
from services.review.rules.decisions import DECIDED_STAGES
from services.review.rules.signals import SIGNALS
from shared import apidocs, identity, regions
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
    422: "Invalid data: `errors` names each field at fault, `codes` its messages' codes (`invalid_json`: "
    "the body is no JSON object, or has a text with a NUL character, json.unstorable, which no text here "
    "may hold; a query parameter with one is field.unstorable)",
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
        "codes": {
            "type": "object",
            "description": "The codes of `errors`' messages, by field (`field.required`)",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "candidates": {"type": "array", "items": {}},
    },
}

_ID = {"type": "string", "example": "0b8f4a52-3f0e-4d43-9a55-6f3f0a1c2d7e"}
_OBJECT = {"type": "object", "additionalProperties": True}
_STRING, _INTEGER, _NUMBER = {"type": "string"}, {"type": "integer"}, {"type": "number"}
_MOMENT = {"type": "string", "format": "date-time"}
_REGION = {"type": "string", "enum": list(regions.region_codes())}
_SCORED_STAGE = {"type": "string", "enum": list(scoring_rules.SCORED_STAGES)}
_DECIDED_STAGE = {"type": "string", "enum": list(DECIDED_STAGES)}
_YEAR = {"type": "integer", "minimum": 2019, "maximum": 2100}
#: Text that is not blank (a reason, a justification): one character at least that is no space.
_NOT_BLANK = r"\S"
_NAMES = {
    "type": "object",
    "required": ["kk", "ru", "en"],
    "properties": {lang: _STRING for lang in ("kk", "ru", "en")},
}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


def _object(required: bool = True, **properties: Any) -> dict[str, Any]:
    """An answer's object: every property listed (and always there, if `required`), no other."""
    found: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        found["required"] = sorted(properties)
    return found


def _list_of(item: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "object", "properties": {"items": {"type": "array", "items": item}, **extra}}


SCORE = _object(
    member_id=_STRING,
    member_name=_nullable(_STRING),
    criteria={"type": "object", "additionalProperties": _INTEGER},
    weighted=_NUMBER,
    comment=_nullable(_STRING),
    updated_at=_MOMENT,
)
CONFLICT = _object(member_id=_STRING, member_name=_nullable(_STRING), reason=_STRING, declared_at=_MOMENT)
CANDIDATE = {
    "type": "object",
    "description": "A candidate as the caller may know them: no `name` nor `college` in a blind stage; "
    "one read alone (`GET /candidates/{candidate_id}`) has their file, the scores and conflicts too",
    "required": ["id", "nomination_id", "year", "region", "stage", "status", "missing", "score"],
    "properties": {
        "id": _ID,
        "nomination_id": _STRING,
        "year": _INTEGER,
        "region": _REGION,
        "stage": {"type": "string", "enum": list(scoring_rules.STAGES)},
        "status": {"type": "string", "enum": list(scoring_rules.STATUSES)},
        "photo": _nullable(_STRING),
        "missing": {"type": "array", "items": _STRING},
        "score": _nullable(SCORE),
        "scores_count": _INTEGER,
        "name": _object(last_name=_STRING, first_name=_STRING, patronymic=_nullable(_STRING), full=_STRING),
        "college": _object(code=_STRING, names={"type": "object", "additionalProperties": _STRING}),
        "conflicts": {"type": "array", "items": CONFLICT},
        "scores": {"type": "array", "items": SCORE},
        "declared_conflict": {"type": "boolean"},
        "scores_shown": {"type": "boolean"},
    },
    "additionalProperties": True,
}
CRITERION = _object(code=_STRING, names=_NAMES, weight=_INTEGER, min=_INTEGER, max=_INTEGER)
RUBRIC = _object(
    year=_INTEGER,
    stage=_SCORED_STAGE,
    criteria={"type": "array", "items": CRITERION},
    min_scores=_INTEGER,
    frozen={"type": "boolean"},
)
#: A criterion's code: plain letters, digits and underscores (a letter or digit among them).
CRITERION_CODE = "^_*[A-Za-z0-9][A-Za-z0-9_]*$"
RUBRIC_BODY = {
    "type": "object",
    "required": ["min_scores", "criteria"],
    "properties": {
        "min_scores": {"type": "integer", "minimum": 1},
        "criteria": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "names", "weight", "min", "max"],
                "properties": {
                    "code": {"type": "string", "maxLength": 40, "pattern": CRITERION_CODE},
                    "names": {
                        "type": "object",
                        "required": ["kk", "ru", "en"],
                        "properties": {
                            lang: {"type": "string", "maxLength": 200, "pattern": _NOT_BLANK}
                            for lang in ("kk", "ru", "en")
                        },
                    },
                    "weight": {"type": "integer", "minimum": 1, "maximum": 100},
                    "min": {"type": "integer", "minimum": 0, "maximum": 999},
                    "max": {"type": "integer", "minimum": 1, "maximum": 1000},
                },
            },
        },
    },
}
RANKED = {
    "type": "object",
    "required": ["rank", "candidate_id", "weighted_mean", "normalized", "scores_count", "scores", "flagged"],
    "properties": {
        "rank": _INTEGER,
        "candidate_id": _STRING,
        "weighted_mean": _nullable(_NUMBER),
        "normalized": _nullable(_NUMBER),
        "scores_count": _INTEGER,
        "scores": {
            "type": "array",
            "items": _object(member_id=_STRING, member_name=_nullable(_STRING), weighted=_NUMBER),
        },
        "flagged": {"type": "boolean"},
        "name": {"type": "string", "description": "Not in a blind stage"},
    },
    "additionalProperties": False,
}
RANKINGS = _object(
    year=_INTEGER,
    stage=_SCORED_STAGE,
    region=_nullable(_REGION),
    normalisation=_STRING,
    tie_break=_STRING,
    min_scores=_INTEGER,
    items={"type": "array", "items": RANKED},
    not_shown=_object(unscored=_INTEGER, conflict=_INTEGER),
)
SCORES_SHOWN = _object(
    year=_INTEGER,
    stage=_SCORED_STAGE,
    scope=_STRING,
    shown_at=_nullable(_MOMENT),
    shown_by=_nullable(_STRING),
)
BLIND = _object(year=_INTEGER, stage=_SCORED_STAGE, blind={"type": "boolean"})
ASSIGNMENT = _object(
    year=_INTEGER,
    stage=_SCORED_STAGE,
    scope=_STRING,
    scorers=_nullable(_INTEGER),
    assignments={"type": "object", "additionalProperties": {"type": "array", "items": _STRING}},
)
EXTENSION = _object(
    id=_STRING, year=_INTEGER, stage=_DECIDED_STAGE, scope=_STRING, until=_MOMENT, reason=_STRING
)
AUDIT_ENTRY = _object(
    id=_INTEGER,
    service=_STRING,
    at=_MOMENT,
    actor=_object(id=_nullable(_STRING), email=_nullable(_STRING), role=_nullable(_STRING)),
    action=_STRING,
    candidate_id=_nullable(_STRING),
    object=_nullable(_STRING),
    region=_nullable(_STRING),
    details=_OBJECT,
)
_COUNTS = ("nominations_received", "candidates", "scored", "decided", "advanced", "incomplete_republican")
DASHBOARD = _object(
    year=_INTEGER,
    as_of=_MOMENT,
    regions={
        "type": "array",
        "items": _object(
            region=_REGION,
            names={"type": "object", "additionalProperties": _STRING},
            quota_left=_INTEGER,
            decision_id=_nullable(_STRING),
            **{key: _INTEGER for key in _COUNTS},
        ),
    },
    national=_object(winners=_INTEGER, quota_left=_INTEGER, **{key: _INTEGER for key in _COUNTS}),
    deadlines={
        "type": "array",
        "items": _object(name=_STRING, at=_MOMENT, days_left=_INTEGER),
    },
)
SCORE_BODY = {
    "type": "object",
    "required": ["criteria"],
    "properties": {
        "criteria": {
            "type": "object",
            "additionalProperties": {"type": "integer"},
            "description": "A whole number per criterion of the stage's rubric, within its range",
        },
        "comment": {"type": "string", "maxLength": 4000, "nullable": True},
    },
}
DECISION_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["year", "stage", "advanced", "justification"],
    "properties": {
        "year": _YEAR,
        "stage": _DECIDED_STAGE,
        "region": {**_REGION, "nullable": True, "description": "Required at the regional stage"},
        "advanced": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 36}},
        "justification": {"type": "string", "maxLength": 20000, "pattern": _NOT_BLANK},
        "members_present": {"type": "array", "items": {"type": "string", "format": "email"}},
        "place": {"type": "string", "maxLength": 200, "nullable": True},
    },
}
CORRECTION_BODY = {
    **DECISION_BODY,
    "required": [*DECISION_BODY["required"], "reason"],
    "properties": {
        **DECISION_BODY["properties"],
        "reason": {"type": "string", "maxLength": 5000, "pattern": _NOT_BLANK},
        "override_reason": {
            "type": "string",
            "maxLength": 5000,
            "pattern": _NOT_BLANK,
            "nullable": True,
            "description": "An admin's only",
        },
    },
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
    {"name": "year", "in": "path", "required": True, "schema": _YEAR},
    {"name": "stage", "in": "path", "required": True, "schema": _SCORED_STAGE},
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
    #: Other successes, with the same schema: status to what it means.
    also: dict[int, str] = field(default_factory=dict)


#: The rules a request the schema allows may still break (no JSON schema can say them), by the
#: message codes of its 422's `codes`: a score's criteria are the rubric's, each within its range; a
#: rubric's `min` is under its `max` and its codes differ; a region is required at the regional stage.
SCORE_RULES = ("score.missing", "score.out_of_range", "score.unknown_criterion")
RUBRIC_RULES = ("rubric.range", "rubric.code_repeated")
DECISION_RULES = EXTENSION_RULES = ("field.required",)

CANDIDATE_EXAMPLE = {
    "id": "c1",
    "nomination_id": "0b6f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f",
    "year": 2026,
    "region": "almaty",
    "stage": "regional",
    "status": "under_review",
    "photo": "processed",
    "missing": [],
    "score": None,
    "scores_count": 2,
    "name": {
        "last_name": "Нұрланұлы",
        "first_name": "Әлихан",
        "patronymic": "Қайратұлы",
        "full": "Нұрланұлы Әлихан Қайратұлы",
    },
    "college": {"code": "ALM-017", "names": {"kk": "Алматы политехникалық колледжі"}},
}
RUBRIC_EXAMPLE = {
    "year": 2026,
    "stage": "regional",
    "criteria": [
        {
            "code": "achievements",
            "names": {"kk": "Жетістіктер", "ru": "Достижения", "en": "Achievements"},
            "weight": 3,
            "min": 0,
            "max": 10,
        }
    ],
    "min_scores": 3,
    "frozen": False,
}
RANKINGS_EXAMPLE = {
    "year": 2026,
    "stage": "regional",
    "region": "almaty",
    "normalisation": "z-score per member",
    "tie_break": "higher normalised score, then higher weighted mean, then ...",
    "min_scores": 3,
    "items": [
        {
            "rank": 1,
            "candidate_id": "c1",
            "weighted_mean": 8.1,
            "normalized": 0.92,
            "scores_count": 3,
            "scores": [{"member_id": "u7", "member_name": "Айгүл Серікқызы", "weighted": 8.1}],
            "flagged": False,
            "name": "Нұрланұлы Әлихан Қайратұлы",
        }
    ],
    "not_shown": {"unscored": 0, "conflict": 1},
}
DASHBOARD_EXAMPLE = {
    "year": 2026,
    "as_of": "2026-10-01T10:00:00+05:00",
    "regions": [
        {
            "region": "almaty",
            "names": {"kk": "Алматы", "ru": "Алматы", "en": "Almaty"},
            "nominations_received": 40,
            "candidates": 38,
            "scored": 30,
            "decided": 0,
            "advanced": 0,
            "quota_left": 5,
            "incomplete_republican": 0,
            "decision_id": None,
        }
    ],
    "national": {
        "nominations_received": 40,
        "candidates": 38,
        "scored": 30,
        "decided": 0,
        "advanced": 0,
        "incomplete_republican": 0,
        "winners": 0,
        "quota_left": 100,
    },
    "deadlines": [{"name": "submission_closes", "at": "2026-10-05T23:59:59+05:00", "days_left": 4}],
}
_CANDIDATE_ID, _DECISION_ID = [_path("candidate_id")], [_path("decision_id")]
_SCORE_EXAMPLE = {"criteria": {"achievements": 8, "leadership": 7}, "comment": "Сильная заявка"}
_LANG = {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["kk", "ru", "en"]}}


def _protocol(extension: str, as_what: str, content_type: str) -> Operation:
    """The download of a decision's protocol as `extension`: the PDF and the workbook differ only in
    their format, so they are described once."""
    return Operation(
        "get",
        f"/decisions/{{decision_id}}/protocol.{extension}",
        f"review_decisions.protocol_{extension}",
        f"The decision's protocol as {as_what}",
        roles.PROTOCOL_READERS,
        {"type": "string", "format": "binary"},
        None,
        {404: ("not_found",), 422: ("invalid_query",)},
        [*_DECISION_ID, _LANG],
        content_type=content_type,
    )


#: Every operation of the API, as the contract's tables read: one entry each.
OPERATIONS: list[Operation] = [
    Operation(
        "get",
        "/candidates",
        "review_api.list_candidates",
        "List the candidates in the caller's scope",
        None,
        _list_of(CANDIDATE, total=_INTEGER, page=_INTEGER, pages=_INTEGER, per_page=_INTEGER),
        {"items": [CANDIDATE_EXAMPLE], "total": 1, "page": 1, "pages": 1, "per_page": 50},
        {422: ("invalid_query",)},
        query=schemas.CandidateQuery,
    ),
    Operation(
        "get",
        "/candidates/{candidate_id}",
        "review_api.get_candidate",
        "Read one candidate",
        None,
        CANDIDATE,
        CANDIDATE_EXAMPLE,
        {404: ("not_found",)},
        _CANDIDATE_ID,
    ),
    Operation(
        "put",
        "/candidates/{candidate_id}/score",
        "review_api.put_score",
        "Score a candidate (a second score replaces the first)",
        roles.MEMBERS,
        SCORE,
        {
            "member_id": "u7",
            "member_name": "Айгүл Серікқызы",
            "criteria": {"achievements": 8, "leadership": 7},
            "weighted": 7.6,
            "comment": "Сильная заявка",
            "updated_at": "2026-10-01T10:00:00+05:00",
        },
        {
            403: ("not_your_stage", "not_assigned"),
            404: ("not_found",),
            409: ("conflict_declared", "stage_closed"),
            422: ("validation_failed", "invalid_json", *SCORE_RULES),
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
        CONFLICT,
        {
            "member_id": "u7",
            "member_name": "Айгүл Серікқызы",
            "reason": "Мой студент",
            "declared_at": "2026-10-01T10:00:00+05:00",
        },
        {403: ("forbidden",), 404: ("not_found",), 422: ("validation_failed", "invalid_json")},
        _CANDIDATE_ID,
        body={
            "type": "object",
            "required": ["reason"],
            "properties": {"reason": {"type": "string", "maxLength": 2000, "pattern": _NOT_BLANK}},
        },
        body_example={"reason": "Мой студент"},
        status=201,
        also={200: "Declared before: the first declaration, unchanged"},
    ),
    Operation(
        "get",
        "/rubrics/{year}/{stage}",
        "review_api.get_rubric",
        "Read a stage's rubric",
        None,
        RUBRIC,
        RUBRIC_EXAMPLE,
        {404: ("not_found",)},
        _YEAR_STAGE,
    ),
    Operation(
        "put",
        "/rubrics/{year}/{stage}",
        "review_api.put_rubric",
        "Set a stage's rubric (until the first score)",
        roles.ADMINS,
        RUBRIC,
        RUBRIC_EXAMPLE,
        {
            404: ("not_found",),
            409: ("rubric_frozen",),
            422: ("validation_failed", "invalid_json", *RUBRIC_RULES),
        },
        _YEAR_STAGE,
        body=RUBRIC_BODY,
        body_example={"min_scores": 3, "criteria": RUBRIC_EXAMPLE["criteria"]},
    ),
    Operation(
        "get",
        "/rankings",
        "review_api.rankings",
        "The ranking of a stage, as the caller may see it",
        roles.COMMISSIONS,
        RANKINGS,
        RANKINGS_EXAMPLE,
        {403: ("forbidden",), 404: ("not_found",), 422: ("invalid_query",)},
        query=schemas.RankingQuery,
    ),
    Operation(
        "post",
        "/stages/{year}/{stage}/scores-shown",
        "review_api.show_scores",
        "Show every score of a scope before its scoring is done",
        roles.CHAIRS,
        SCORES_SHOWN,
        {
            "year": 2026,
            "stage": "regional",
            "scope": "almaty",
            "shown_at": "2026-10-01T10:00:00+05:00",
            "shown_by": "u3",
        },
        {403: ("not_your_stage",), 404: ("not_found",), 422: ("validation_failed", "invalid_json")},
        _YEAR_STAGE,
        body={
            "type": "object",
            "properties": {
                "region": {
                    **_REGION,
                    "nullable": True,
                    "description": "The regional stage's region (a regional chair's own by default)",
                }
            },
        },
        body_example={"region": "almaty"},
    ),
    Operation(
        "put",
        "/stages/{year}/{stage}/blind",
        "review_api.put_blind",
        "Make a stage blind or not",
        roles.ADMINS,
        BLIND,
        {"year": 2026, "stage": "regional", "blind": True},
        {404: ("not_found",), 422: ("validation_failed", "invalid_json")},
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
        ASSIGNMENT,
        {"year": 2026, "stage": "regional", "scope": "almaty", "scorers": 3, "assignments": {"c1": ["u7"]}},
        {403: ("not_your_stage",), 404: ("not_found",), 422: ("validation_failed", "invalid_json")},
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
            422: (
                "validation_failed",
                "invalid_json",
                "duplicate_candidates",
                "not_in_scope",
                *DECISION_RULES,
            ),
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
                *DECISION_RULES,
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
        {422: ("invalid_query",)},
        query=[
            {"name": name, "in": "query", "schema": schema}
            for name, schema in (("year", _YEAR), ("stage", _DECIDED_STAGE), ("region", _REGION))
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
    _protocol("pdf", "a PDF, in the commission's language (or `lang`)", "application/pdf"),
    _protocol("xlsx", "a workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    Operation(
        "post",
        "/extensions",
        "review_decisions.post_extension",
        "Extend a stage's deadline for a scope",
        roles.ADMINS,
        EXTENSION,
        {
            "id": "e1",
            "year": 2026,
            "stage": "regional",
            "scope": "almaty",
            "until": "2026-10-20T23:59:59+05:00",
            "reason": "Паводок",
        },
        {422: ("validation_failed", "invalid_json", *EXTENSION_RULES)},
        status=201,
        body={
            "type": "object",
            "additionalProperties": False,
            "required": ["year", "stage", "until", "reason"],
            "properties": {
                "year": _YEAR,
                "stage": _DECIDED_STAGE,
                "region": {**_REGION, "nullable": True, "description": "Required at the regional stage"},
                "until": _MOMENT,
                "reason": {"type": "string", "maxLength": 5000, "pattern": _NOT_BLANK},
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
            "additionalProperties": False,
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
                "items": {"type": "array", "items": AUDIT_ENTRY},
                "before": {"type": "integer", "nullable": True},
            },
        },
        {
            "items": [
                {
                    "id": 7,
                    "service": "review",
                    "at": "2026-10-01T10:00:00+05:00",
                    "actor": {"id": "u7", "email": "member@example.kz", "role": "regional_member"},
                    "action": "score.put",
                    "candidate_id": "c1",
                    "object": None,
                    "region": "almaty",
                    "details": {},
                }
            ],
            "before": None,
        },
        {422: ("invalid_query",)},
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
        DASHBOARD,
        DASHBOARD_EXAMPLE,
        {422: ("invalid_query",)},
        query=[
            {
                "name": "year",
                "in": "query",
                "description": "This year's if none (an empty `year=` as none, as the page's form sends it)",
                "schema": {"anyOf": [_YEAR, {"type": "string", "maxLength": 0}]},
            }
        ],
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
            **{
                str(status): {"description": meaning, "content": {operation.content_type: content}}
                for status, meaning in operation.also.items()
            },
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
