"""A conflict of interest on the candidate's page: a member declares one in two steps (the reason,
then a confirmation saying what follows: their score is withdrawn and they will not score the
candidate), and the stage's chair may withdraw a member's conflict with a reason, in the audit log.
Plain forms (CSRF token), no script needed."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask.typing import ResponseReturnValue

from services.review.messages import PROBLEMS
from services.review.operations import Refused, scoring
from services.review.pages.candidates import candidate_page
from services.review.queries import scoping
from services.review.rules import roles
from shared import identity, pages
from shared.problems import text
from shared.web import current_runtime

bp = Blueprint("review_conflicts", __name__)


def _errors(problem: Refused) -> list[str]:
    lang = pages.page_language()
    return [text(PROBLEMS, key, lang) for key in (problem.errors or {}).get("reason", [problem.code])]


@bp.post("/candidates/<candidate_id>/conflict")
@identity.roles(*sorted(roles.MEMBERS))
def conflict_form(candidate_id: str) -> ResponseReturnValue:
    """The first step shows what declaring means and asks to confirm; the second records it."""
    caller = identity.caller()
    reason = request.form.get("reason", "")
    back = url_for("review.candidate", candidate_id=candidate_id, lang=pages.page_language())
    if request.form.get("confirm") != "1":
        if not reason.strip():
            return candidate_page(
                candidate_id, 422, declare_errors=[text(PROBLEMS, "field.required", pages.page_language())]
            )
        return candidate_page(candidate_id, confirm_conflict=reason)
    try:
        with current_runtime().db.unit_of_work() as session:
            candidate = scoping.candidate(session, caller, candidate_id)
            if candidate is None:
                abort(404)
            scoring.declare_conflict(session, caller, candidate, {"reason": reason})
    except Refused as problem:
        return candidate_page(candidate_id, problem.status, declare_errors=_errors(problem))
    return redirect(back)


@bp.post("/candidates/<candidate_id>/conflicts/<member_id>/withdraw")
@identity.roles(*sorted(roles.CHAIRS))
def withdraw_form(candidate_id: str, member_id: str) -> ResponseReturnValue:
    caller = identity.caller()
    try:
        with current_runtime().db.unit_of_work() as session:
            candidate = scoping.candidate(session, caller, candidate_id)
            if candidate is None:
                abort(404)
            scoring.withdraw_conflict(session, caller, candidate, member_id, request.form.get("reason", ""))
    except Refused as problem:
        if problem.status in (403, 404):
            abort(problem.status)
        return candidate_page(candidate_id, problem.status, conflict_errors={member_id: _errors(problem)})
    return redirect(url_for("review.candidate", candidate_id=candidate_id, lang=pages.page_language()))
