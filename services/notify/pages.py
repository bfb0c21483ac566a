"""Notify's pages (admins; chairs see their region's log): the delivery log with filters, one message
(in the embedded mode, the mail folder and SMS log made visible), the templates with a live preview,
and the public unsubscribe page of optional messages. Contacts are partly masked everywhere."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, request, send_file
from sqlalchemy.orm import Session

from services.notify import queries, rules
from services.notify.messages import NOT_FOUND, TERMS
from services.notify.models import Message, OptOut
from services.notify.operations import audit, template_store, templating
from services.notify.operations.unsubscribe import address_of
from services.notify.rules.catalogue import CHANNELS
from shared import clock, i18n, identity, pages
from shared.web import current_runtime

bp = Blueprint("notify", __name__, static_folder="static", static_url_path="/notify-static")


def _moment(value: datetime | None, lang: str) -> str:
    return "" if value is None else i18n.format_moment(value, lang)


def _render(template: str, status: int = 200, **context: object) -> pages.Page:
    return pages.render(
        template,
        TERMS,
        "notify.index",
        status,
        moment=_moment,
        mask_phone=rules.mask_phone,
        mask_email=rules.mask_email,
        **context,
    )


def _scope() -> str | None:
    return identity.caller().region


@bp.get("/")
@identity.roles(*rules.LOG_ROLES)
def index() -> pages.Page:
    filters = {name: request.args.get(name) or None for name in ("status", "template", "channel", "region")}
    if _scope():
        filters["region"] = _scope()
    with current_runtime().db.unit_of_work() as session:
        messages = queries.messages(session, filters)
        audit.listed(session, identity.caller(), filters, len(messages))
    return _render("index.html", messages=messages, filters=filters, codes=TERMS)


def _visible(session: Session, message_id: str) -> Message:
    """The message if the caller may read it (a chair: their region's), else 404."""
    found = queries.get_message(session, message_id)
    if found is None or (_scope() and found.region != _scope()):
        abort(404)
    return found


@bp.get("/messages/<message_id>")
@identity.roles(*rules.LOG_ROLES)
def message(message_id: str) -> pages.Page:
    with current_runtime().db.unit_of_work() as session:
        found = _visible(session, message_id)
        audit.message_read(session, identity.caller(), found)
    return _render("message.html", message=found)


@bp.get("/messages/<message_id>.eml")
@identity.roles(*rules.LOG_ROLES)
def message_file(message_id: str) -> Response:
    """The embedded mode's letter as written (`.eml`), while its body is kept."""
    folder = current_runtime().settings.data_dir / "mail"
    with current_runtime().db.unit_of_work() as session:
        found = _visible(session, message_id)
        if found.provider != "file" or found.purged_at is not None:
            abort(404)
        path = folder / (found.provider_id or "")
        if not path.is_file() or path.parent != folder:
            abort(404)
        audit.message_read(session, identity.caller(), found, audit.MESSAGE_FILE)
    return send_file(path, mimetype="message/rfc822", as_attachment=True, download_name=path.name)


@bp.get("/templates")
@identity.roles("admin")
def templates() -> pages.Page:
    with current_runtime().db.unit_of_work() as session:
        current = template_store.latest_all(session)
    return _render("templates.html", templates=current)


@bp.get("/templates/<code>/<channel>")
@identity.roles("admin")
def edit_template(code: str, channel: str) -> pages.Page:
    if channel not in CHANNELS.get(code, ()):
        abort(404)
    with current_runtime().db.unit_of_work() as session:
        current = template_store.current(session, code, channel)
    return _render(
        "template.html",
        code=code,
        channel=channel,
        current=current,
        parameters=sorted(templating.sample(code)),
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@identity.public
def unsubscribe(token: str) -> pages.Page:
    """One click (RFC 8058 POST) or a visit: no more optional messages to that address."""
    runtime = current_runtime()
    address = address_of(runtime.settings.secret_key, token)
    if address is None:
        abort(404)
    if request.method == "POST":
        with runtime.db.unit_of_work() as session:
            if session.get(OptOut, address) is None:
                session.add(OptOut(address=address, at=clock.utcnow()))
        return _render("unsubscribed.html", done=True, address=rules.mask_email(address))
    return _render("unsubscribed.html", done=False, address=rules.mask_email(address))


error_page = pages.error_pages(_render, NOT_FOUND)
