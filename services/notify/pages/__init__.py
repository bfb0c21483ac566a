"""Notify's pages (admins; chairs see their region's log): the delivery log with its search and each
message's timeline (`log`), the template editor with its previews, history and tests (`editor`), and
the public unsubscribe page of optional messages. Contacts are partly masked everywhere."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint

from services.notify import rules
from services.notify.messages import NOT_FOUND, TERMS
from shared import i18n, identity, pages

bp = Blueprint("notify", __name__, static_folder="../static", static_url_path="/notify-static")


def moment(value: datetime | None, lang: str) -> str:
    return "" if value is None else i18n.format_moment(value, lang)


def masked(address: str, channel: str) -> str:
    return rules.mask_email(address) if channel == "email" else rules.mask_phone(address)


render = pages.renderer(
    TERMS,
    "notify.index",
    moment=moment,
    mask_phone=rules.mask_phone,
    mask_email=rules.mask_email,
    masked=masked,
)


def scope() -> str | None:
    """The region a chair's log is limited to; None for an administrator."""
    return identity.caller().region


error_page = pages.error_pages(render, NOT_FOUND)

from services.notify.pages import editor, log  # noqa: E402,F401  (their routes join `bp`)
