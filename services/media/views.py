"""Media's plain page: the latest photos and what became of them (the media team's overview)."""

from __future__ import annotations

from flask import Blueprint, current_app

from shared import pages
from shared.runtime import Runtime

from . import queries
from .messages import MESSAGES

bp = Blueprint("media", __name__)


def _runtime() -> Runtime:
    return current_app.extensions["top100.runtime"]


@bp.get("/")
def index() -> tuple[str, int]:
    with _runtime().db.unit_of_work() as session:
        assets = queries.recent_assets(session)
    return pages.render("index.html", MESSAGES, "media.index", assets=assets)
