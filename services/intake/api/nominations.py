"""`/api/v1/nominations`: submit, read, list, amend, re-photograph and withdraw.

Thin: parse the request, call operations in the request's one unit of work (opened with the key
check, see `services.intake.api.auth`), render. Errors are raised as the
operations' exceptions and rendered as problems by `services.intake.api.errors`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Response, request, url_for
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from services.intake import idempotency, schemas
from services.intake.api import docs
from services.intake.api.auth import (
    current_blobs_written,
    current_portal,
    current_session,
    portal_required,
    runtime,
)
from services.intake.api.errors import Unsupported, duplicate_student_or_raise
from services.intake.operations import Invalid, nominations
from services.intake.operations.render import represent
from services.intake.photos import CheckedPhoto, check_photo
from services.intake.rules import Problem

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


MAX_DEPTH = 16


def _unfit(value: Any) -> str | None:
    """Why a parsed document cannot be a nomination at all, before anything recurses into it or
    stores it: nested deeper than any document of the contract, or text that is not Unicode (a lone
    surrogate such as "\\ud800" parses as JSON but cannot be stored or sent on)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"nested deeper than {MAX_DEPTH} levels"
        if isinstance(item, dict):
            stack.extend((key, depth) for key in item)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            if "\x00" in item:
                return "text with a NUL character"
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "text with a lone surrogate (not Unicode)"
    return None


def _parse_json(raw: bytes | str, path: str) -> Any:
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise Invalid({path: [Problem("invalid_json", {"reason": str(exc)[:200]})]}) from exc
    reason = _unfit(value)
    if reason is not None:
        raise Invalid({path: [Problem("invalid_json", {"reason": reason})]})
    return value


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


def _checked_photo(data: bytes | None, errors: dict[str, list[Problem]]) -> CheckedPhoto | None:
    if data is None:
        return None
    photo, problems = check_photo(data)
    if problems:
        errors["photo"] = problems
    return photo


def _sha256(photo: CheckedPhoto | None, data: bytes | None) -> str | None:
    """The photo's hash for the request's fingerprint, even when the photo is broken."""
    if photo is not None:
        return photo.sha256
    return hashlib.sha256(data).hexdigest() if data is not None else None


def _idempotency_key() -> str | None:
    key = request.headers.get(idempotency.HEADER)
    if key is not None and not idempotency.valid_key(key):
        raise Invalid({f"headers.{idempotency.HEADER}": [Problem("idempotency_key_invalid")]})
    return key


@blp.route("/nominations", methods=["POST"])
@blp.doc(
    requestBody=docs.SUBMISSION_BODY, parameters=[docs.IDEMPOTENCY_HEADER], summary="Submit a nomination"
)
@blp.alt_response(
    201,
    schema=schemas.NominationOut,
    success=True,
    description="Created",
    headers={"Location": {"schema": {"type": "string"}}},
)
@docs.problems(401, 403, 409, 413, 415, 422)
@portal_required
def submit() -> Response:
    portal, session = current_portal(), current_session()
    key = _idempotency_key()
    raw, photo_bytes = _read_submission()
    errors: dict[str, list[Problem]] = {}
    photo = _checked_photo(photo_bytes, errors)
    if key is not None:
        fingerprint = idempotency.fingerprint("POST", request.path, raw, _sha256(photo, photo_bytes))
        replay = idempotency.claim(session, portal.key_id, key, fingerprint)
        if replay is not None:
            headers = {"Idempotent-Replayed": "true"}
            if replay.location:
                headers["Location"] = replay.location
            return _json(replay.body, replay.status, headers)
    data, more = nominations.validate_submission(session, portal, raw)
    for path, problems in more.items():
        errors.setdefault(path, []).extend(problems)
    if errors:
        raise Invalid(errors)
    try:
        nomination = nominations.submit(
            session, runtime().blobs, portal, data, photo, current_blobs_written()
        )
    except IntegrityError as exc:
        duplicate_student_or_raise(exc, data.get("year"))
    body = json.dumps(represent(nomination), ensure_ascii=False)
    location = url_for("nominations.read", nomination_id=nomination.id)
    if key is not None:
        idempotency.record(session, portal.key_id, key, 201, body, location)
    return _json(body, 201, {"Location": location})


@blp.route("/nominations", methods=["GET"])
@blp.arguments(schemas.ListQuery, location="query", as_kwargs=True)
@blp.alt_response(200, schema=schemas.PageOut, success=True, description="One page, oldest first")
@docs.problems(401, 422)
@portal_required
def index(page: int = 1, per_page: int = 50, **filters: Any) -> Response:
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
    return _json(represent(nominations.find(current_session(), current_portal(), nomination_id)))


@blp.route("/nominations/<string:nomination_id>", methods=["PATCH"])
@blp.doc(requestBody=docs.PATCH_BODY, summary="Amend (JSON merge patch)")
@blp.alt_response(200, schema=schemas.NominationOut, success=True, description="Amended")
@docs.problems(401, 404, 409, 413, 415, 422)
@portal_required
def amend(nomination_id: str) -> Response:
    if request.mimetype not in JSON_TYPES:
        raise Unsupported("application/merge-patch+json, application/json")
    patch = _parse_json(request.get_data(), "nomination")
    try:
        nomination = nominations.amend(current_session(), current_portal(), nomination_id, patch)
    except IntegrityError as exc:
        duplicate_student_or_raise(exc, None)
    return _json(represent(nomination))


@blp.route("/nominations/<string:nomination_id>/photo", methods=["PUT"])
@blp.doc(requestBody=docs.PHOTO_BODY, summary="Replace the photo")
@blp.alt_response(200, schema=schemas.NominationOut, success=True, description="Photo replaced")
@docs.problems(401, 404, 409, 413, 415, 422)
@portal_required
def put_photo(nomination_id: str) -> Response:
    if request.mimetype != "image/jpeg":
        raise Unsupported("image/jpeg")
    errors: dict[str, list[Problem]] = {}
    photo = _checked_photo(request.get_data(), errors)
    if photo is None:
        raise Invalid(errors)
    nomination = nominations.replace_photo(
        current_session(), runtime().blobs, current_portal(), nomination_id, photo, current_blobs_written()
    )
    return _json(represent(nomination))


@blp.route("/nominations/<string:nomination_id>", methods=["DELETE"])
@blp.alt_response(200, schema=schemas.NominationOut, success=True, description="Withdrawn (or already was)")
@docs.problems(401, 404, 409)
@portal_required
def withdraw(nomination_id: str) -> Response:
    return _json(represent(nominations.withdraw(current_session(), current_portal(), nomination_id)))
