"""The files behind every service's API docs page (`/api/v1/docs`, flask-smorest's Swagger UI).

Swagger UI's own files come from the swagger-ui-bundle package (no CDN), and its start-up from
`shared/static/apidocs.js`, which the page (`shared/templates/swagger_ui.html`) loads as a file: the
services' Content-Security-Policy runs no inline script, and flask-smorest's page starts Swagger UI
with one, which left the docs blank in a browser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, send_from_directory

from shared import identity

#: Where flask-smorest's page looks for Swagger UI's files (its `OPENAPI_SWAGGER_UI_URL` setting).
ASSETS_URL = "/api/v1/docs/assets/"
START = "top100-start.js"
_STATIC = Path(__file__).parent / "static"


def blueprint() -> Blueprint:
    """`/api/v1/docs/assets/<file>`: Swagger UI's files and our start-up script, open to anyone."""
    bp = identity.public_blueprint(Blueprint("apidocs", __name__))

    @bp.get(f"{ASSETS_URL}<path:filename>")
    def asset(filename: str) -> Response:
        if filename == START:
            return send_from_directory(_STATIC, "apidocs.js", max_age=3600)
        import swagger_ui_bundle

        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)

    return bp


def settings(title: str, description: str, security: list[dict[str, list[str]]]) -> dict[str, Any]:
    """flask-smorest's settings of every service's document: `/api/v1/openapi.json` (OpenAPI 3.0.3)
    and its page `/api/v1/docs`, whose Swagger UI files are served by `blueprint`."""
    return {
        "API_TITLE": title,
        "API_VERSION": "1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": ASSETS_URL,
        "API_SPEC_OPTIONS": {"info": {"description": description}, "security": security},
    }


#: "null", in OpenAPI 3.0 (which has no null type).
NULL = {"nullable": True, "enum": [None]}


def exact_nullable_objects(api: Any) -> None:
    """Document a nested object that may be null as that object or null, nothing else.

    apispec writes it, for OpenAPI 3.0, as `anyOf: [<the object>, {type: object, nullable: true}]`,
    whose second choice is any object at all: a fuzzer then sends a guardian of any shape as valid
    data, and a client generator types the field as a bare object. Call before any schema is
    documented (`api` is flask-smorest's `Api`).
    """

    def attribute(self: Any, field: Any, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        choices = ret.get("anyOf")
        if not field.allow_none or not choices:
            return {}
        return {"anyOf": [NULL if c == {"type": "object", "nullable": True} else c for c in choices]}

    api.ma_plugin.converter.add_attribute_function(attribute)
