"""Intake's Flask app: the portal API on the shared service kit (health, readiness, metrics, problems).

gunicorn serves `services.intake.app:create_app()`. Nothing here migrates the database.
"""

from __future__ import annotations

from flask import Flask, Request, redirect

from services.intake.api import init_api
from services.intake.api.multipart import MultipartFormParser
from services.intake.bootstrap import build
from shared import links
from shared.runtime import Runtime
from shared.web import create_service_app


class IntakeRequest(Request):
    """Multipart submissions parsed by python-multipart (`services.intake.api.multipart`)."""

    form_data_parser_class = MultipartFormParser


def create_app(runtime: Runtime | None = None) -> Flask:
    return create_service_app(
        __name__, runtime or build(), request_class=IntakeRequest, init=_init, people=False
    )


def _init(app: Flask) -> None:
    init_api(app)
    app.register_blueprint(links.blueprint())  # the signed links to photos that intake's events carry
    app.add_url_rule("/", "index", lambda: redirect("/api/v1/docs"))
    _warm_up()


def _warm_up() -> None:
    """Build the language detector now, so a worker's first submission does not pay half a second."""
    from services.intake import rules

    rules.check_statement("en", "This sentence warms up the language detector before the first request.")
