"""Media's Flask app; gunicorn serves `services.media.app:create_app()`.

Creating the app never migrates: `top100 run` (or the deploy job) upgrades the database first.
"""

from __future__ import annotations

from flask import Flask

from services.media import api, bootstrap, pages
from services.media.operations import audit
from services.media.pages import focus, public
from shared import links
from shared.runtime import Runtime
from shared.web import create_service_app


def create_app(runtime: Runtime | None = None) -> Flask:
    # links: the signed downloads of derivatives and kits; public: the consenting candidates' photos;
    # focus: the media team moving a photo's crop point
    blueprints = (pages.bp, focus.bp, public.bp, links.blueprint())
    return create_service_app(
        __name__,
        runtime or bootstrap.build(),
        blueprints,
        error_page=pages.error_page,
        audit_log=audit.record,
        init=api.init_api,
    )
