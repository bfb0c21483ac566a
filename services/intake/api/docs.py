"""OpenAPI pieces the schemas cannot say on their own: the multipart body, raw JPEG, problem responses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import Blueprint

from services.intake import schemas
from services.intake.api import examples
from shared.problems import PROBLEM_JSON

_problem_doc = Blueprint("problem_docs", __name__)

SUBMISSION_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["nomination"],
                "properties": {
                    "nomination": {"$ref": "#/components/schemas/NominationIn"},
                    "photo": {
                        "type": "string",
                        "format": "binary",
                        "description": "JPEG, at most 15 MB and 50 megapixels, short side at least 600 px, "
                        "complete to its end-of-image marker (checked on submission); its pixels are "
                        "decoded by the media service within seconds, and a photo that fails there shows as "
                        "rejected, with the reason, in the nomination's progress. May also be sent later "
                        "with PUT /nominations/{id}/photo",
                    },
                },
            },
            "encoding": {
                "nomination": {"contentType": "application/json"},
                "photo": {"contentType": "image/jpeg"},
            },
            "example": {"nomination": examples.NOMINATION},
        },
        "application/json": {
            "schema": {"$ref": "#/components/schemas/NominationIn"},
            "example": examples.NOMINATION,
        },
    },
}

PATCH_BODY = {
    "required": True,
    "description": "RFC 7396 JSON merge patch of the submitted document. Until submissions close anything "
    "but college_code and year may change; then until amendments close only statements. A patch whose "
    'only change is {"consent": {"publication": false}} (the student withdraws the consent to '
    "publication) is accepted in every season.",
    "content": {
        "application/merge-patch+json": {"schema": {"type": "object"}},
        "application/json": {"schema": {"type": "object"}},
    },
}

PHOTO_BODY = {"required": True, "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}

IDEMPOTENCY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7e]+$"},
    "description": "Repeating a key with the same request returns the first result and creates nothing; "
    "with a different request: 409 idempotency_key_reused. Kept at least 24 hours.",
}

SUBMISSION_CONFLICTS = (
    "college_quota_exceeded",
    "duplicate_student",
    "deadline_passed",
    "idempotency_key_reused",
)
AMENDMENT_CONFLICTS = ("nomination_withdrawn", "deadline_passed", "duplicate_student")
PHOTO_CONFLICTS = ("nomination_withdrawn", "deadline_passed")

DESCRIPTIONS = {
    401: "No key, an unknown or a revoked key",
    403: "A college of another region",
    404: "No such nomination in the key's region",
    409: "`code` says which: ",
    413: "Body over the limit (16 MB with a photo, 1 MB otherwise)",
    415: "Wrong Content-Type",
    422: "`errors`: field path to messages (in the Accept-Language's kk, ru or en), `codes`: the same "
    "paths to message codes; `code` `invalid_json` for a body that is not a JSON object, is nested "
    "deeper than 64 levels or has a NUL character or a lone surrogate",
}

#: The response documented for any status an operation does not list.
DEFAULT = {
    "description": "A problem (RFC 9457) in the Accept-Language's kk, ru or en: `type`, `title`, "
    "`status`, `detail` and `code`",
    "content": {PROBLEM_JSON: {"schema": "ProblemOut"}},
}


def problems(
    *statuses: int, conflicts: tuple[str, ...] = ()
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Document problem responses (application/problem+json) of a view; `conflicts` are its 409 codes."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        for status in statuses:
            description, shown = DESCRIPTIONS[status], {}
            if status == 409:
                description += ", ".join(conflicts)
                shown = {code: {"summary": code, "value": examples.CONFLICTS[code]} for code in conflicts}
            elif status == 422:
                shown = {"invalid": {"summary": "two broken fields", "value": examples.UNPROCESSABLE}}
            view = _problem_doc.alt_response(
                status,
                schema=schemas.ProblemOut,
                description=description,
                content_type=PROBLEM_JSON,
                examples=shown or None,
            )(view)
        return view

    return decorate
