"""Notify's JSON API: the delivery log of one nomination (contacts masked, bodies left out)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request
from marshmallow import ValidationError

from shared.runtime import Runtime

from . import queries
from .schemas import MessageQuery, MessageSchema

bp = Blueprint("notify_api", __name__, url_prefix="/api/v1")
_messages = MessageSchema(many=True)


def _runtime() -> Runtime:
    return current_app.extensions["top100.runtime"]


@bp.get("/messages")
def list_messages() -> tuple[Response, int]:
    try:
        query = MessageQuery().load(request.args.to_dict())
    except ValidationError as exc:
        problem = jsonify(title="Invalid query", status=400, errors=exc.messages)
        problem.content_type = "application/problem+json"
        return problem, 400
    with _runtime().db.unit_of_work() as session:
        messages = queries.messages_of(session, query["nomination_id"])
    return jsonify(items=_messages.dump(messages)), 200
