"""Intake's HTTP API v1 for regional portals, documented by flask-smorest from the same schemas."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from services.intake import schemas
from services.intake.api import docs, errors, nominations, reference
from services.intake.api.auth import SCHEME
from shared import apidocs

DESCRIPTION = """The contract with the regional portals.

- **Keys**: `Authorization: Bearer <portal key>`, one key per portal, scoped to one region. A sandbox
  key is validated exactly like a live one, but its nominations are kept apart (a live key never sees
  them) and never reach a commission or send a message.
- **Submitting**: `multipart/form-data` with a `nomination` part (JSON) and a `photo` part (JPEG), or
  `application/json` with the nomination alone; the photo can follow with `PUT .../photo` until
  amendments close. `progress.missing` lists what the republican stage still needs.
- **Errors**: `application/problem+json` (RFC 9457) with `type`, `title`, `status`, `detail` and
  `code`, in kk, ru or en by `Accept-Language`. A 422 reports every broken field at once in `errors`
  (field path to messages) and `codes` (the same paths to message codes).
- **Idempotency-Key**: the first *successful* result is stored for at least 24 hours and replayed
  (`Idempotent-Replayed: true`); a failed request created nothing and may be retried with the same key.
- **Scope**: a nomination of another region (or of the other kind, live or sandbox) is 404; a college
  of another region is 403.
- **Lists**: `page` (from 1) and `per_page` (up to 200), oldest first; the body says the `total`.
"""

SETTINGS = apidocs.settings("TOP 100 intake API", DESCRIPTION, [{SCHEME: []}])


class IntakeApi(Api):
    """flask-smorest's Api whose OpenAPI documents our problem responses (its documented class
    attributes), so the default error response is the shape the API really answers."""

    ERROR_SCHEMA = schemas.ProblemOut
    DEFAULT_ERROR_RESPONSE_NAME = "Problem"


def init_api(app: Flask) -> Api:
    app.config.update(SETTINGS)
    api = IntakeApi(app)
    apidocs.exact_nullable_objects(api)
    # Registered after flask-smorest's own handlers, so ours replace them for the same exception
    # classes (Flask keeps one handler per class): flask-smorest's error shape is never answered.
    errors.register(app)
    api.spec.components.security_scheme(
        SCHEME, {"type": "http", "scheme": "bearer", "description": "A portal key from `top100 keys issue`"}
    )
    api.spec.components.schema("NominationIn", schema=schemas.NominationIn)
    api.spec.components.response(IntakeApi.DEFAULT_ERROR_RESPONSE_NAME, docs.DEFAULT)
    patches = docs.merge_patch(api.spec.components.schemas, "NominationIn")
    patches["ConsentInPatch"]["properties"]["publication"] = docs.PUBLICATION_PATCH
    for name, schema in patches.items():
        api.spec.components.schema(name, component=schema)
    api.register_blueprint(nominations.blp)
    api.register_blueprint(reference.blp)
    app.register_blueprint(reference.assets)
    app.register_blueprint(apidocs.blueprint())
    return api
