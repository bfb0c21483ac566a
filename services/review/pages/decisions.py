"""The chair's decision page: the ranking with a box per candidate, the justification, who was
present; the refusal (quota, deadline, incomplete candidates...) in the chair's language, and the
protocol's downloads once recorded. A plain form (CSRF token), no script needed.

Sending the form records nothing: it is checked as if recorded (quota, deadline, complete files) and
rolled back, and a confirmation step shows what will be recorded (who advances, in rank order, the
members present, the place, the justification) with "confirm" and "back" (the form again, as filled).
Only "confirm" records. Once the scope has a decision the page corrects it: every candidate that
decision was about is listed with the outcome in force ticked, their scores and place beside them,
and the confirmation step shows what the correction changes ("will now advance: ...; will no longer
advance: ..."). The national chair's page lists the regional
corrections an admin allowed after the republican decision: that decision is to be checked again.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, request, url_for
from flask.typing import ResponseReturnValue

from services.review import messages
from services.review.models import Decision
from services.review.operations import Refused, audit, decisions
from services.review.queries import candidates as queries
from services.review.queries import stages, visibility
from services.review.rules import decisions as rules
from services.review.rules import fingerprint, roles
from services.review.rules.stages import scope_of
from shared import clock, i18n, identity, pages, problems, regions
from shared.web import current_runtime

bp = Blueprint("review_decision_pages", __name__)


class _Preview(Exception):
    """Raised inside the unit of work to roll a checked decision back: the preview writes nothing.

    Its one argument: the correction's change, or None for a first decision."""


def _stage(caller: identity.Identity) -> str:
    return "regional" if caller.role == "regional_chair" else "republican"


def _year_asked() -> int | None:
    """The form's (or the query's) year, this year when none is given; None for one that is no year."""
    raw = request.values.get("year")
    return pages.asked_year(raw) if raw else clock.local_now().year


def _render(status: int = 200, **context: Any) -> pages.Page:
    return pages.render(
        "decision.html",
        messages.TERMS,
        "review.index",
        status,
        words=messages.DECISION_PAGE,
        sha256=fingerprint.sha256,
        may_read_protocol=identity.caller().role in roles.PROTOCOL_READERS,
        **{"conflicted": set(), **context},
    )


def _form_page(
    status: int = 200,
    refusal: str | None = None,
    candidates: list[Any] | None = None,
    preview: rules.Change | None = None,
    confirming: bool = False,
) -> pages.Page:
    """The form: a first decision, or the correction of the one in force (its outcome ticked)."""
    caller = identity.caller()
    stage = _stage(caller)
    year = _year_asked() or clock.local_now().year
    scope = scope_of(stage, caller.scope)
    region = caller.scope if stage == "regional" else None
    with current_runtime().db.unit_of_work() as session:
        current = decisions.current(session, year, stage, scope)
        among = list(decisions.scope_candidates(session, year, stage, scope, current)) if current else None
        ranked, found, _names, _min = queries.ranking(session, caller, year, stage, region, among)
        rows = [{"row": row, "candidate": found[row.candidate_id]} for row in ranked]
        # A chair never sees a score or rank of a candidate they declared a conflict on.
        conflicted = visibility.conflicted(session, caller, found.values())
        rechecks = decisions.rechecks_due(session, year) if stage == "republican" else []
        accounts = [(user.email, user.name) for user in stages.commission(session, stage, scope)]
        session.expunge_all()
    sent = request.method == "POST"
    chosen = set(request.form.getlist("advanced")) if sent else set(current.advanced if current else ())
    present = set(_members_present()) if sent else set(current.members_present if current else ())
    names = {item["candidate"].id: item["candidate"].full_name for item in rows}
    return _render(
        status,
        year=year,
        stage=stage,
        region=region,
        rows=rows,
        current=current,
        refusal=refusal,
        named=candidates or [],
        chosen=chosen,
        form=request.form,
        preview=preview,
        confirming=confirming,
        names=names,
        rechecks=rechecks,
        conflicted=conflicted,
        accounts=accounts,
        present=present,
        quota=rules.QUOTAS[stage],
    )


@bp.get("/decisions/new")
@identity.roles(*sorted(roles.CHAIRS))
def new_decision() -> pages.Page:
    return _form_page()


def _members_present() -> list[str]:
    """The members ticked present, and any others typed (emails separated by commas), once each."""
    typed = ",".join(request.form.getlist("members_present")).replace("\n", ",").split(",")
    return list(dict.fromkeys(m.strip() for m in typed if m.strip()))


def _data(caller: identity.Identity, stage: str) -> dict[str, Any]:
    members = _members_present()
    return {
        "year": _year_asked(),
        "stage": stage,
        "region": caller.scope if stage == "regional" else None,
        "advanced": request.form.getlist("advanced"),
        "justification": request.form.get("justification", ""),
        "members_present": members,
        "place": request.form.get("place") or None,
        "reason": request.form.get("reason", ""),
    }


def _missing(data: dict[str, Any], corrects: str | None) -> str | None:
    """The word that names what the form lacks (the API's `errors` are not for people), or None."""
    if data["year"] is None:
        return "no_year"
    if not data["justification"].strip():
        return "no_justification"
    if corrects and not data["reason"].strip():
        return "no_reason"
    return None


@bp.post("/decisions/new")
@identity.roles(*sorted(roles.CHAIRS))
def post_decision() -> ResponseReturnValue:
    """Record a decision; a correction is checked and shown first, and recorded once confirmed."""
    caller = identity.caller()
    stage = _stage(caller)
    lang = pages.page_language()
    data = _data(caller, stage)
    corrects = request.form.get("corrects") or None
    if request.form.get("back"):
        return _form_page()
    confirmed = request.form.get("confirm") == "1"
    missing = _missing(data, corrects)
    if missing is not None:
        return _form_page(422, i18n.translate(messages.DECISION_PAGE[missing], lang))
    try:
        with current_runtime().db.unit_of_work() as session:
            decision = decisions.record_decision(session, caller, data, corrects=corrects)
            if not confirmed:
                previous = session.get(Decision, corrects) if corrects else None
                raise _Preview(rules.change(previous.advanced, decision.advanced) if previous else None)
            audit.record(
                session,
                caller,
                decisions.audit_action(decision),
                region=data["region"],
                decision_id=decision.id,
                stage=stage,
                year=data["year"],
                advanced=list(decision.advanced),
                supersedes=decision.supersedes,
                sequence=decision.sequence,
            )
            decision_id = decision.id
    except Refused as refused:
        detail = problems.text(messages.CATALOG, f"problem.{refused.code}.detail", lang, refused.params)
        return _form_page(refused.status, detail, refused.candidates)
    except _Preview as preview:
        return _form_page(preview=preview.args[0], confirming=True)
    return redirect(url_for("review_decision_pages.decision_page", decision_id=decision_id, lang=lang))


@bp.get("/decisions/<decision_id>")
@identity.roles(*sorted(roles.COMMISSIONS))
def decision_page(decision_id: str) -> pages.Page:
    caller = identity.caller()
    with current_runtime().db.unit_of_work() as session:
        decision = session.get(Decision, decision_id)
        if decision is None or not caller.sees(decision.scope):
            abort(404)
        session.expunge_all()
    region = regions.resolve(decision.scope)
    return _render(decision=decision, region_names=region.names if region else None, rows=[], current=None)
