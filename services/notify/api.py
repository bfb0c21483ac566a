"""Notify's JSON API: the delivery log of one nomination (contacts masked, bodies left out)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from services.notify import queries
from services.notify.schemas import MessageQuery, MessageSchema
from shared import identity
from shared.problems import load_query
from shared.web import current_runtime

# Still public: the commissions\' and media team\'s sign-in closes it (shared.identity).
bp = identity.public_blueprint(Blueprint("notify_api", __name__, url_prefix="/api/v1"))
_messages = MessageSchema(many=True)


@bp.get("/messages")
def list_messages() -> tuple[Response, int]:
    query = load_query(MessageQuery(), request.args)
    with current_runtime().db.unit_of_work() as session:
        messages = queries.messages_of(session, query["nomination_id"])
    return jsonify(items=_messages.dump(messages)), 200
