"""Review's Flask app; gunicorn serves `services.review.app:create_app()`.

Creating the app never migrates: `top100 run` (or the deploy job) upgrades the database first.
"""

from __future__ import annotations

from flask import Flask, Response

from services.review import api, bootstrap, pages
from services.review.messages import PROBLEMS, ReviewProblem
from services.review.operations import audit
from shared import problems
from shared.runtime import Runtime
from shared.web import create_service_app


def _answer_review_problems(app: Flask) -> None:
    """Review's own problems (conflict_declared, stage_closed...) in words of its catalog."""

    def answer(error: ReviewProblem) -> Response:
        return problems.problem(
            error.status, error.code, errors=error.errors, params=error.params, catalog=PROBLEMS
        )

    app.register_error_handler(ReviewProblem, answer)


def create_app(runtime: Runtime | None = None) -> Flask:
    return create_service_app(
        __name__,
        runtime or bootstrap.build(),
        (*pages.BLUEPRINTS, *api.BLUEPRINTS),
        error_page=pages.candidates.error_page,
        init=_answer_review_problems,
        audit_log=audit.record,
    )
