"""Notify's plain page: the messages sent (in the embedded mode, the mail folder and SMS log made
visible), with phone numbers and email addresses partly masked."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app

from shared import i18n, pages
from shared.runtime import Runtime

from . import queries, rules
from .messages import MESSAGES

bp = Blueprint("notify", __name__)


def _runtime() -> Runtime:
    return current_app.extensions["top100.runtime"]


def _moment(value: datetime | None, lang: str) -> str:
    if value is None:
        return ""
    return i18n.format_moment(value if value.tzinfo else value.replace(tzinfo=UTC), lang)


def _render(template: str, status: int = 200, **context: object) -> tuple[str, int]:
    return pages.render(
        template,
        MESSAGES,
        "notify.index",
        status,
        moment=_moment,
        mask_phone=rules.mask_phone,
        mask_email=rules.mask_email,
        **context,
    )


@bp.get("/")
def index() -> tuple[str, int]:
    with _runtime().db.unit_of_work() as session:
        messages = queries.recent_messages(session)
    return _render("index.html", messages=messages)


@bp.get("/messages/<message_id>")
def message(message_id: str) -> tuple[str, int]:
    with _runtime().db.unit_of_work() as session:
        found = queries.get_message(session, message_id)
    if found is None:
        abort(404)
    return _render("message.html", message=found)


@bp.app_errorhandler(404)
def not_found(_error: Exception) -> tuple[str, int]:
    return _render("error.html", 404, message_key="not_found", params={})
