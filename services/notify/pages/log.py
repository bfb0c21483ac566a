"""The delivery log: search by recipient (typed in full, matched by its keyed hash), nomination,
template, status and channel, 50 a page; one message with its timeline; the embedded mode's letter
as written; and the public unsubscribe page."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, redirect, request, send_file, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as Redirect

from services.notify import queries, rules
from services.notify.messages import TERMS
from services.notify.models import Message
from services.notify.operations import audit, searching
from services.notify.operations import unsubscribe as opting_out
from services.notify.pages import bp, render, scope
from shared import identity, pages
from shared.refusals import NotFound
from shared.regions import region_codes
from shared.web import current_runtime

#: The filters the log's address carries (the recipient only as its keyed hash, `who`).
FILTERS = ("who", "nomination", "template", "status", "channel", "region")
#: What a nomination is searched by: its id or the first characters of it (the short reference).
NOMINATION = re.compile(r"^[0-9A-Za-z-]{4,64}$")
#: A keyed hash as `searching.hashed` writes it.
HASH = re.compile(r"^[0-9a-f]{64}$")


def _filters() -> dict[str, str | None]:
    """The log's filters from its address; a value out of its list is dropped, not an error."""
    found = {name: (request.args.get(name) or "").strip() or None for name in FILTERS}
    for kind in ("template", "status", "channel"):
        if found[kind] not in TERMS[kind]:
            found[kind] = None
    if found["who"] and not HASH.match(found["who"] or ""):
        found["who"] = None
    if found["region"] not in region_codes():
        found["region"] = None
    return found


def _query(filters: dict[str, str | None]) -> dict[str, Any]:
    query: dict[str, Any] = {name: filters[name] for name in ("template", "status", "channel")}
    query["recipient_hash"], query["nomination"] = filters["who"], filters["nomination"]
    query["region"] = scope() or filters["region"]
    return query


@bp.get("/")
@identity.roles(*rules.LOG_ROLES)
def index() -> pages.Page:
    filters = _filters()
    problem = None
    if filters["nomination"] and not NOMINATION.match(filters["nomination"]):
        problem, filters["nomination"] = "nomination", None
    try:
        number = int(request.args.get("page") or 1)
    except ValueError:
        number = 1
    with current_runtime().db.unit_of_work() as session:
        found = queries.log_page(session, _query(filters), number)
        audited = {**_query(filters), "nomination_id": filters["nomination"], "recipient_hash": None}
        audit.listed(session, identity.caller(), audited, len(found.items))
        return render(
            "index.html",
            log=found,
            filters=filters,
            links={name: value for name, value in filters.items() if value},
            codes=TERMS,
            problem=problem,
            searched=found.items[0] if filters["who"] and found.items else None,
        )


@bp.post("/")
@identity.roles(*rules.LOG_ROLES)
def search() -> Redirect:
    """The search form: the recipient typed in full becomes its keyed hash before it reaches an address
    (so no contact is in a link, a browser's history or a server's log); the other filters as given."""
    typed = (request.form.get("recipient") or "").strip()
    target = {name: (request.form.get(name) or "").strip() for name in FILTERS if name != "who"}
    if typed:
        target["who"] = searching.hashed(current_runtime().settings.secret_key, typed)
    target = {name: value for name, value in target.items() if value}
    return redirect(url_for("notify.index", lang=pages.page_language(), **target), 303)


def _visible(session: Session, message_id: str) -> Message:
    """The message if the caller may read it (a chair: their region's), else 404."""
    found = queries.get_message(session, message_id)
    if found is None or (scope() and found.region != scope()):
        raise NotFound()
    return found


@bp.get("/messages/<message_id>")
@identity.roles(*rules.LOG_ROLES)
def message(message_id: str) -> pages.Page:
    with current_runtime().db.unit_of_work() as session:
        found = _visible(session, message_id)
        audit.message_read(session, identity.caller(), found)
        return render("message.html", message=found, steps=queries.steps(session, message_id))


@bp.get("/messages/<message_id>.eml")
@identity.roles(*rules.LOG_ROLES)
def message_file(message_id: str) -> Response:
    """The embedded mode's letter as written (`.eml`), while its body is kept."""
    folder = current_runtime().settings.data_dir / "mail"
    with current_runtime().db.unit_of_work() as session:
        found = _visible(session, message_id)
        if found.provider != "file" or found.purged_at is not None:
            raise NotFound()
        path = folder / (found.provider_id or "")
        if not path.is_file() or path.parent != folder:
            raise NotFound()
        audit.message_read(session, identity.caller(), found, audit.MESSAGE_FILE)
    return send_file(path, mimetype="message/rfc822", as_attachment=True, download_name=path.name)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@identity.public
def unsubscribe(token: str) -> pages.Page:
    """One click (RFC 8058 POST) or a visit: no more optional messages to that address."""
    runtime = current_runtime()
    address = opting_out.require_address(runtime.settings.secret_key, token)
    if request.method == "POST":
        with runtime.db.unit_of_work() as session:
            opting_out.opt_out(session, address)
        return render("unsubscribed.html", done=True, address=rules.mask_email(address))
    return render("unsubscribed.html", done=False, address=rules.mask_email(address))
