"""Media's plain page: the latest photos and what became of them (the media team's overview)."""

from __future__ import annotations

from flask import Blueprint

from services.media import queries
from services.media.messages import TERMS
from shared import identity, pages
from shared.web import current_runtime

# Still public: the commissions\' and media team\'s sign-in closes it (shared.identity).
bp = identity.public_blueprint(Blueprint("media", __name__))


@bp.get("/")
def index() -> pages.Page:
    with current_runtime().db.unit_of_work() as session:
        assets = queries.recent_assets(session)
    return pages.render("index.html", TERMS, "media.index", assets=assets)
