"""Notify's plain page: the messages sent (in the embedded mode, the mail folder and SMS log made
visible), with phone numbers and email addresses partly masked."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort

from services.notify import queries, rules
from services.notify.messages import NOT_FOUND, TERMS
from shared import i18n, identity, pages
from shared.web import current_runtime

# Still public: the commissions\' and media team\'s sign-in closes it (shared.identity).
bp = identity.public_blueprint(Blueprint("notify", __name__))


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


@bp.get("/")
def index() -> pages.Page:
    with current_runtime().db.unit_of_work() as session:
        messages = queries.recent_messages(session)
    return _render("index.html", messages=messages)


@bp.get("/messages/<message_id>")
def message(message_id: str) -> pages.Page:
    with current_runtime().db.unit_of_work() as session:
        found = queries.get_message(session, message_id)
    if found is None:
        abort(404)
    return _render("message.html", message=found)


error_page = pages.not_found_page(_render, NOT_FOUND)
