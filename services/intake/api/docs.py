"""OpenAPI pieces the schemas cannot say on their own: the multipart body, raw JPEG, the merge patch,
problem responses, and the rules a request the schema allows may still break (named in its 422)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import Blueprint

from services.intake import schemas
from services.intake.api import examples
from shared import apidocs
from shared.problems import PROBLEM_JSON

_problem_doc = Blueprint("problem_docs", __name__)

SUBMISSION_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["nomination"],
                "additionalProperties": False,
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
    "description": "RFC 7396 JSON merge patch of the submitted document: its fields, each optional, an "
    "object merged into the stored one, a list or a value replacing it, null removing it. Until "
    "submissions close anything but college_code and year may change; then until amendments close only "
    "statements. The patched document is checked as a submission is. A patch whose only change is "
    '{"consent": {"publication": false}} (the student withdraws the consent to publication) is '
    "accepted in every season.",
    "content": {
        "application/merge-patch+json": {"schema": {"$ref": "#/components/schemas/NominationInPatch"}},
        "application/json": {"schema": {"$ref": "#/components/schemas/NominationInPatch"}},
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

#: A patch's consent to publication: false withdraws it, in any season (the only change allowed
#: after amendments close), where a submission's must be true.
PUBLICATION_PATCH = {
    "type": "boolean",
    "description": "false: the student withdraws the consent to publication (alone, in any season)",
}

#: The rules a photo the schema allows (any bytes) may break.
PHOTO_RULES = (
    "photo_empty",
    "photo_too_large",
    "photo_too_many_pixels",
    "photo_not_jpeg",
    "photo_unreadable",
    "photo_too_small",
)
#: The rules a nomination the schema allows may break: what no JSON schema can say (a check digit, a
#: date that exists, an age on the day, 250 words in the right language, the reference data).
NOMINATION_RULES = (
    "college_unknown",
    "specialty_unknown",
    "year_not_open",
    "iin_check_digit",
    "iin_birth_date_invalid",
    "iin_birth_date_mismatch",
    "birth_date_in_future",
    "birth_date_implausible",
    "achievement_year_future",
    "statement_too_short",
    "statement_latin_kazakh",
    "statement_language_unknown",
    "statement_wrong_language",
    "statement_mixed_languages",
    "guardian_required",
)
SUBMISSION_RULES = NOMINATION_RULES + PHOTO_RULES
#: A patch is checked as the document it makes: a field it removes (or an object it starts, such as a
#: guardian, without all of its fields) is `required`; college_code and year never change; a consent
#: to publication is withdrawn by a patch that does only that, else it must stay true.
AMENDMENT_RULES = (
    *NOMINATION_RULES,
    "required",
    "statements_empty",
    "specialty_required",
    "field_frozen",
    "field_closed",
    "consent_required",
)

DESCRIPTIONS = {
    401: "No key, an unknown or a revoked key",
    403: "A college of another region",
    404: "No such nomination in the key's region",
    409: "`code` says which: ",
    413: "Body over the limit (16 MB with a photo, 1 MB otherwise)",
    415: "Wrong Content-Type",
    422: "`code` validation_failed, with `errors`: field path to messages (in the Accept-Language's kk, "
    "ru or en), `codes`: the same paths to message codes; `code` invalid_json for a body that is not a "
    "JSON object, is nested deeper than 64 levels or has a NUL character or a lone surrogate; `code` "
    "invalid_query for a query parameter with a NUL character (`errors` names it, `codes` field.unstorable)",
}
#: How a 422's description introduces the rules a request the schema allows may still break.
RULES_INTRO = ". A request the schema allows may still break a rule no schema can say: "

#: The response documented for any status an operation does not list.
DEFAULT = {
    "description": "A problem (RFC 9457) in the Accept-Language's kk, ru or en: `type`, `title`, "
    "`status`, `detail` and `code`",
    "content": {PROBLEM_JSON: {"schema": "ProblemOut"}},
}


def problems(
    *statuses: int, conflicts: tuple[str, ...] = (), rules: tuple[str, ...] = ()
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Document problem responses (application/problem+json) of a view; `conflicts` are its 409 codes,
    `rules` the message codes of its 422 that a request the schema allows may still get."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        for status in statuses:
            description, shown = DESCRIPTIONS[status], {}
            if status == 409:
                description += ", ".join(conflicts)
                shown = {code: {"summary": code, "value": examples.CONFLICTS[code]} for code in conflicts}
            elif status == 422:
                description += RULES_INTRO + ", ".join(rules) if rules else ""
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


def merge_patch(components: dict[str, dict[str, Any]], name: str) -> dict[str, dict[str, Any]]:
    """The schemas of an RFC 7396 merge patch of component `name`: `<name>Patch`, and one for each
    object it nests (merged, not replaced), with every field optional and no rule across fields (the
    patched document is checked as a whole). Lists (achievements) are replaced whole: their items
    keep the full schema."""
    made: dict[str, dict[str, Any]] = {}

    def patch_of(component: str) -> str:
        if component + "Patch" not in made:
            made[component + "Patch"] = {}  # a placeholder against cycles
            schema = {k: v for k, v in components[component].items() if k != "required"}
            properties = schema.get("properties", {})
            schema["properties"] = {key: nested(value) for key, value in properties.items()}
            made[component + "Patch"] = schema
        return f"#/components/schemas/{component}Patch"

    def nested(value: dict[str, Any]) -> dict[str, Any]:
        refs = [s for s in (value, *value.get("allOf", ()), *value.get("anyOf", ())) if "$ref" in s]
        if not refs:
            return value
        target = {"$ref": patch_of(refs[0]["$ref"].rsplit("/", 1)[-1])}
        kept = {k: v for k, v in value.items() if k in ("description", "default")}
        if any(s.get("nullable") for s in value.get("anyOf", ())):
            return {**kept, "anyOf": [target, apidocs.NULL]}
        return {**kept, "allOf": [target]}

    patch_of(name)
    return made
