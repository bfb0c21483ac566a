"""Review's Flask factory; gunicorn serves `services.review.app:create_app()`.

Creating the app never migrates: `top100 run` (or the deploy job) upgrades the database first.
"""

from __future__ import annotations

from flask import Flask

from shared.runtime import Runtime
from shared.web import base_app

from . import api, bootstrap, views


def create_app(runtime: Runtime | None = None) -> Flask:
    runtime = runtime or bootstrap.build()
    app = base_app(__name__, runtime.settings, runtime.db)
    app.extensions["top100.runtime"] = runtime
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    return app
