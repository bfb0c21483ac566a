"""Notify's Flask app; gunicorn serves `services.notify.app:create_app()`.

Creating the app never migrates: `top100 run` (or the deploy job) upgrades the database first.
"""

from __future__ import annotations

from flask import Flask

from services.notify import api, bootstrap, pages
from services.notify.operations import audit
from shared.runtime import Runtime
from shared.web import create_service_app


def create_app(runtime: Runtime | None = None) -> Flask:
    return create_service_app(
        __name__,
        runtime or bootstrap.build(),
        (pages.bp, api.bp),
        error_page=pages.error_page,
        audit_log=audit.record,
    )
