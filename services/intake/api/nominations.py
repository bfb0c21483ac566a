"""`/api/v1/nominations`: submit, read, list, amend, re-photograph and withdraw.

Thin: parse the request, call operations in the request's one unit of work (opened with the key
check, see `services.intake.api.auth`), render. A submission's outcome is rendered here (`_answer`);
the other operations raise their failures, which `services.intake.api.errors` renders as problems.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request, url_for
from flask_smorest import Blueprint

from services.intake import schemas
from services.intake.api import docs, examples
from services.intake.api.auth import (
    current_blobs_written,
    current_portal,
    current_session,
    portal_required,
    runtime,
)
from services.intake.api.errors import Unsupported
from services.intake.api.problems import problem
from services.intake.operations import Invalid, idempotency, nominations, submission
from services.intake.operations.render import represent
from services.intake.operations.submission import Created, Outcome, Refused, Rejected, Replayed, Submission
from services.intake.rules import Problem
from services.intake.rules.photos import check_photo
from shared import bodies

blp = Blueprint(
    "nominations", __name__, url_prefix="/api/v1", description="Nominations of a region's colleges"
)

JSON_TYPES = ("application/json", "application/merge-patch+json")


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False),
        status=status,
        mimetype="application/json",
        headers=headers,
    )


def _parse_json(raw: bytes | str, path: str) -> Any:
    """The JSON document of the part `path`; 422 `invalid_json` naming it if it is not one (the
    rules are every service's: `shared.bodies`)."""
    try:
        return bodies.parse_object(raw)
    except bodies.Unreadable as exc:
        problem = Problem("invalid_json", {"reason": exc.reason, "depth": bodies.MAX_DEPTH})
        raise Invalid({path: [problem]}, code=bodies.INVALID_JSON) from exc


def _read_submission() -> tuple[Any, bytes | None]:
    """The nomination document and the photo's bytes (or None) of a multipart or JSON request."""
    if request.mimetype == "multipart/form-data":
        part = request.files.get("nomination")
        raw = part.read() if part is not None else request.form.get("nomination")
        if raw is None:
            raise Invalid({"nomination": [Problem("part_missing")]})
        photo = request.files.get("photo")
        if photo is None and "photo" in request.form:
            return _parse_json(raw, "nomination"), request.form["photo"].encode("utf-8")
        return _parse_json(raw, "nomination"), photo.read() if photo is not None else None
    if request.mimetype == "application/json":
        return _parse_json(request.get_data(), "nomination"), None
    raise Unsupported("multipart/form-data, application/json")


def _idempotency_key() -> str | None:
    key = request.headers.get(idempotency.HEADER)
    if key is not None and not idempotency.valid_key(key):
        raise Invalid({f"headers.{idempotency.HEADER}": [Problem("idempotency_key_invalid")]})
    return key


@blp.route("/nominations", methods=["POST"])
@bodies.upload
@blp.doc(requestBody=docs.SUBMISSION_BODY, parameters=[docs.IDEMPOTENCY_HEADER])
@blp.alt_response(
    201,
    schema=schemas.NominationOut,
    success=True,
    description="Created",
    headers={"Location": {"schema": {"type": "string"}}},
    example=examples.CREATED,
)
@docs.problems(401, 403, 409, 413, 415, 422, conflicts=docs.SUBMISSION_CONFLICTS)
@portal_required
def submit() -> Response:
    """Submit a nomination

    A student of one of the key's region's colleges, with the photo (multipart) or without it (JSON,
    the photo to follow with `PUT .../photo`). Every broken field is reported at once (422). Refused
    with 409 after the deadline, beyond the college's quota of 3, or for a student already nominated
    this year. Repeating a request with its `Idempotency-Key` returns the first answer.
    """
    key = _idempotency_key()
    document, photo = _read_submission()
    outcome = submission.submit(
        current_session(),
        runtime().blobs,
        current_portal(),
        Submission(document, photo, key, request.path),
        current_blobs_written(),
        lambda nomination_id: url_for("nominations.read", nomination_id=nomination_id),
    )
    return _answer(outcome)


def _answer(outcome: Outcome) -> Response:
    match outcome:
        case Created(body=body, location=location):
            return _json(body, 201, {"Location": location})
        case Replayed(status=status, body=body, location=location):
            headers = {"Idempotent-Replayed": "true"} | ({"Location": location} if location else {})
            return _json(body, status, headers)
        case Rejected(errors=errors):
            return problem(422, errors=errors)
        case Refused(code=code, params=params, status=status):
            return problem(status, code, params=params)
    raise TypeError(f"not an outcome of a submission: {outcome!r}")


@blp.route("/nominations", methods=["GET"])
@blp.arguments(schemas.ListQuery, location="query", as_kwargs=True)
@blp.alt_response(200, schema=schemas.PageOut, success=True, description="One page, oldest first")
@docs.problems(401, 422)
@portal_required
def index(page: int = 1, per_page: int = 50, **filters: Any) -> Response:
    """List the region's nominations

    The key's region's nominations (live or sandbox, as the key), oldest first, one page at a time,
    filtered by college, year and status; `total` counts them all.
    """
    rows, total = nominations.listing(
        current_session(), current_portal(), page=page, per_page=per_page, **filters
    )
    return _json(
        {"items": [represent(row) for row in rows], "page": page, "per_page": per_page, "total": total}
    )


@blp.route("/nominations/<string:nomination_id>", methods=["GET"])
@blp.alt_response(200, schema=schemas.NominationOut, success=True, description="The nomination, IIN masked")
@docs.problems(401, 404)
@portal_required
def read(nomination_id: str) -> Response:
    """Read a nomination and its progress

    As submitted (the IIN masked), with what review and media have reported since: the stage, the
    commissions' decisions, the photo's processing, the messages sent to the student, and what the
    candidate still needs for the republican stage.
    """
    return _json(represent(nominations.find(current_session(), current_portal(), nomination_id)))


@blp.route("/nominations/<string:nomination_id>", methods=["PATCH"])
@blp.doc(requestBody=docs.PATCH_BODY)
@blp.alt_response(200, schema=schemas.NominationOut, success=True, description="Amended")
@docs.problems(401, 404, 409, 413, 415, 422, conflicts=docs.AMENDMENT_CONFLICTS)
@portal_required
def amend(nomination_id: str) -> Response:
    """Amend a nomination (JSON merge patch)

    Until submissions close, anything but the college and the year; then, until amendments close,
    the statements only. The amended document is checked as a submission is. The withdrawal of the
    consent to publication (`{"consent": {"publication": false}}` alone) is accepted at any time.
    """
    if request.mimetype not in JSON_TYPES:
        raise Unsupported("application/merge-patch+json, application/json")
    patch = _parse_json(request.get_data(), "nomination")
    return _json(represent(nominations.amend(current_session(), current_portal(), nomination_id, patch)))


@blp.route("/nominations/<string:nomination_id>/photo", methods=["PUT"])
@bodies.upload
@blp.doc(requestBody=docs.PHOTO_BODY)
@blp.alt_response(200, schema=schemas.NominationOut, success=True, description="Photo replaced")
@docs.problems(401, 404, 409, 413, 415, 422, conflicts=docs.PHOTO_CONFLICTS)
@portal_required
def put_photo(nomination_id: str) -> Response:
    """Add or replace the photo

    A JPEG as the whole body, checked as on submission, until amendments close. The same photo
    again changes nothing.
    """
    if request.mimetype != "image/jpeg":
        raise Unsupported("image/jpeg")
    photo, problems = check_photo(request.get_data())
    if photo is None:
        raise Invalid({"photo": problems})
    nomination = nominations.replace_photo(
        current_session(), runtime().blobs, current_portal(), nomination_id, photo, current_blobs_written()
    )
    return _json(represent(nomination))


@blp.route("/nominations/<string:nomination_id>", methods=["DELETE"])
@blp.alt_response(200, schema=schemas.NominationOut, success=True, description="Withdrawn (or already was)")
@docs.problems(401, 404, 409, conflicts=("deadline_passed",))
@portal_required
def withdraw(nomination_id: str) -> Response:
    """Withdraw a nomination

    Until submissions close; it frees the college's slot. Withdrawing again changes nothing.
    """
    return _json(represent(nominations.withdraw(current_session(), current_portal(), nomination_id)))
