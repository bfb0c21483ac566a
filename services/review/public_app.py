"""Review's public process group: the vote and the gallery under `/public/`, nothing else.

gunicorn serves `services.review.public_app:create_app()` on its own port (8005) with its own
workers, so the deadline rush of voters scales (and fails) apart from the commissions' pages. No
one signs in here: no session cookie is read, and the app's forms carry their own CSRF token.
Behind a proxy, gunicorn applies `TOP100_PROXY_HOPS` (deploy/gunicorn.conf.py), so the limits count
the voter's address, not the proxy's.
"""

from __future__ import annotations

from flask import Flask

from services.review import bootstrap
from services.review.api import votes as votes_api
from services.review.app import answer_problems
from services.review.pages import contest, gallery
from services.review.pages import public as public_pages
from shared import browsers
from shared.runtime import Runtime
from shared.web import create_service_app

BLUEPRINTS = (votes_api.bp, contest.bp, gallery.bp, public_pages.assets)


def _install(app: Flask) -> None:
    """The refusals answered as review's problems, and the browser cookie set where it is made."""
    answer_problems(app)
    browsers.install(app)


def create_app(runtime: Runtime | None = None) -> Flask:
    return create_service_app(__name__, runtime or bootstrap.build(), BLUEPRINTS, people=False, init=_install)
