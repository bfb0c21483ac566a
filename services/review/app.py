"""Review's Flask app; gunicorn serves `services.review.app:create_app()`.

Creating the app never migrates: `top100 run` (or the deploy job) upgrades the database first.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from flask import Flask, Response, request

from services.review import api, bootstrap, pages
from services.review.api import decisions as decisions_api
from services.review.api import docs
from services.review.messages import CATALOG, PROBLEMS
from services.review.operations import Refused, Throttled, audit
from shared import problems
from shared.i18n import Text
from shared.runtime import Runtime
from shared.web import create_service_app


def answer_problems(app: Flask) -> None:
    """Every refusal answered in one place: a use case's `Refused` (`operations`) and a problem the
    shared loaders raise (a body, a query string), in the words of review's catalogs. The decisions'
    API speaks its own words for the codes it shares (`validation_failed`: an invalid decision;
    `stage_closed`: with its deadline), as it always has. A `Throttled` says when to try again
    (`Retry-After`, `retry_after`); a wrong code says the tries left (`tries_left`)."""

    def catalog(error: Exception) -> Mapping[str, Text]:
        if request.blueprint == decisions_api.bp.name:
            return CATALOG
        # Review's own words for its codes, also when a shared loader raised one (`validation_failed`).
        own = isinstance(error, Refused) or f"problem.{error.code}.title" in PROBLEMS
        return PROBLEMS if own else problems.CATALOG

    def answer(error: Refused | problems.Problem) -> Response:
        words, lang = catalog(error), problems.language()
        worded = partial(problems.text, words)
        body = problems.body(
            error.status, error.code, lang=lang, words=worded, params=error.params, errors=error.errors
        )
        if isinstance(error, Refused) and error.candidates:
            body["candidates"] = error.candidates
        if "tries_left" in (error.params or {}):
            body["tries_left"] = error.params["tries_left"]
        headers = {}
        if isinstance(error, Throttled):
            body["retry_after"] = error.retry_after
            headers["Retry-After"] = str(error.retry_after)
        return problems.respond(body, lang, headers)

    app.register_error_handler(Refused, answer)
    app.register_error_handler(problems.Problem, answer)


def _init(app: Flask) -> None:
    answer_problems(app)
    docs.init_docs(app)


def create_app(runtime: Runtime | None = None) -> Flask:
    return create_service_app(
        __name__,
        runtime or bootstrap.build(),
        (*pages.BLUEPRINTS, *api.BLUEPRINTS),
        error_page=pages.candidates.error_page,
        init=_init,
        audit_log=audit.record,
    )
