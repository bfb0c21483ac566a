"""Review's public process group: the vote and the gallery under `/public/`, nothing else.

gunicorn serves `services.review.public_app:create_app()` on its own port (8005) with its own
workers, so the deadline rush of voters scales (and fails) apart from the commissions' pages. No
one signs in here: no session cookie is read, and the app's forms carry their own CSRF token.
Behind a proxy, `TOP100_PROXY_HOPS` (1 behind nginx or an ingress) says how many `X-Forwarded-For`
hops to trust, so the limits count the voter's address and not the proxy's.
"""

from __future__ import annotations

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from services.review import bootstrap, vote_api, vote_pages
from shared.runtime import Runtime
from shared.web import create_service_app


def _install(app: Flask) -> None:
    vote_api.install(app)
    hops = int(os.environ.get("TOP100_PROXY_HOPS", "0") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def create_app(runtime: Runtime | None = None) -> Flask:
    return create_service_app(
        __name__,
        runtime or bootstrap.build(),
        (vote_api.bp, vote_pages.bp),
        people=False,
        init=_install,
    )
