"""Intake's Flask app: the portal API on shared.web's base (health, readiness, metrics, correlation ids).

gunicorn serves `services.intake.app:create_app()`. Nothing here migrates the database.
"""

from __future__ import annotations

from flask import Flask, Request, redirect

from services.intake.api import init_api
from services.intake.api.errors import BODY_LIMIT_MB
from services.intake.bootstrap import build
from services.intake.multipart import MultipartFormParser
from shared.runtime import Runtime
from shared.web import base_app


class IntakeRequest(Request):
    """Multipart submissions parsed by python-multipart (`services.intake.multipart`)."""

    form_data_parser_class = MultipartFormParser


def create_app(runtime: Runtime | None = None) -> Flask:
    runtime = runtime or build()
    app = base_app(__name__, runtime.settings, runtime.db)
    app.request_class = IntakeRequest
    app.extensions["top100.runtime"] = runtime
    app.config["MAX_CONTENT_LENGTH"] = BODY_LIMIT_MB * 1024 * 1024
    app.config["MAX_FORM_MEMORY_SIZE"] = BODY_LIMIT_MB * 1024 * 1024
    init_api(app)
    _warm_up()
    app.add_url_rule("/", "index", lambda: redirect("/api/v1/docs"))
    return app


def _warm_up() -> None:
    """Build the language detector now, so a worker's first submission does not pay half a second."""
    from services.intake import rules

    rules.check_statement("en", "This sentence warms up the language detector before the first request.")
