"""Intake's HTTP API v1 for regional portals, documented by flask-smorest from the same schemas."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from services.intake import schemas
from services.intake.api import errors, nominations, reference
from services.intake.api.auth import SCHEME

SETTINGS = {
    "API_TITLE": "TOP 100 intake API",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs/assets/",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": "The contract with the regional portals (INTAKE_API.md). Every error is "
            "application/problem+json (RFC 9457) in kk, ru or en by Accept-Language."
        },
        "security": [{SCHEME: []}],
    },
}


class IntakeApi(Api):
    """flask-smorest's Api with our problem responses for every HTTP error."""

    def _register_error_handlers(self) -> None:
        errors.register(self._app)


def init_api(app: Flask) -> Api:
    app.config.update(SETTINGS)
    api = IntakeApi(app)
    api.spec.components.security_scheme(
        SCHEME, {"type": "http", "scheme": "bearer", "description": "A portal key from `top100 keys issue`"}
    )
    api.spec.components.schema("NominationIn", schema=schemas.NominationIn)
    api.register_blueprint(nominations.blp)
    api.register_blueprint(reference.blp)
    app.register_blueprint(reference.assets)
    return api
