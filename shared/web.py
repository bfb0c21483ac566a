"""What every service's Flask factory does the same way: config, logs, correlation ids, health."""

from __future__ import annotations

import uuid

from flask import Flask, Response, g, request
from jinja2 import ChoiceLoader, PackageLoader

from shared import logs
from shared.config import Settings
from shared.db import Database
from shared.health import health_blueprint, instrument

CORRELATION_HEADER = "X-Correlation-ID"


def base_app(import_name: str, settings: Settings, db: Database) -> Flask:
    """A Flask app with the parts all four services share; the service adds its blueprints."""
    app = Flask(import_name)
    # A service's own templates first, then the layout every service's pages share.
    app.jinja_loader = ChoiceLoader([app.jinja_loader, PackageLoader("shared", "templates")])
    app.config.update(SECRET_KEY=settings.secret_key, JSON_AS_ASCII=False)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["top100.settings"] = settings
    app.extensions["top100.db"] = db

    @app.before_request
    def _correlation() -> None:
        incoming = request.headers.get(CORRELATION_HEADER, "").strip()[:200]
        g._correlation_token = logs.set_correlation_id(incoming or str(uuid.uuid4()))

    @app.after_request
    def _echo_correlation(response: Response) -> Response:
        cid = logs.current_correlation_id()
        if cid:
            response.headers[CORRELATION_HEADER] = cid
        return response

    @app.teardown_request
    def _reset(_exc: BaseException | None) -> None:
        token = g.pop("_correlation_token", None)
        if token is not None:
            logs.reset_correlation_id(token)

    instrument(app, settings.service)
    app.register_blueprint(health_blueprint(settings.service, db, settings.broker_url))
    return app
