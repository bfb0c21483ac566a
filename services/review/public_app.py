"""Review's public process group: the vote and the gallery under `/public/`, nothing else.

gunicorn serves `services.review.public_app:create_app()` on its own port (8005) with its own
workers, so the deadline rush of voters scales (and fails) apart from the commissions' pages. No
one signs in here: no session cookie is read, and the app's forms carry their own CSRF token.
Behind a proxy, gunicorn applies `TOP100_PROXY_HOPS` (deploy/gunicorn.conf.py), so the limits count
the voter's address, not the proxy's.
"""

from __future__ import annotations

from flask import Flask

from services.review import bootstrap, vote_api, vote_pages
from shared.runtime import Runtime
from shared.web import create_service_app


def create_app(runtime: Runtime | None = None) -> Flask:
    return create_service_app(
        __name__,
        runtime or bootstrap.build(),
        (vote_api.bp, vote_pages.bp),
        people=False,
        init=vote_api.install,
    )
