"""Review's Flask app; gunicorn serves `services.review.app:create_app()`.

Creating the app never migrates: `top100 run` (or the deploy job) upgrades the database first.
"""

from __future__ import annotations

from flask import Flask

from services.review import api, audit_api, audit_pages, bootstrap, dashboard, decisions_api, login, views
from shared.runtime import Runtime
from shared.web import create_service_app


def create_app(runtime: Runtime | None = None) -> Flask:
    return create_service_app(
        __name__,
        runtime or bootstrap.build(),
        (views.bp, api.bp, login.bp, audit_api.bp, audit_pages.bp, decisions_api.bp, dashboard.bp),
        error_page=views.error_page,
    )
