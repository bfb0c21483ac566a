"""Media's JSON API for the media team (roles media and admin): assets with their derivatives and
signed links, media kits, and the publications log."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from marshmallow import Schema, ValidationError

from services.media import queries
from services.media.models import Kit
from services.media.operations import audit, kits, publications
from services.media.schemas import (
    AssetOut,
    AssetQuery,
    KitIn,
    KitOut,
    PublicationIn,
    PublicationOut,
    WithdrawalOut,
    YearQuery,
)
from shared import bodies, identity
from shared.problems import Problem, load_query
from shared.web import current_runtime

bp = Blueprint("media_api", __name__, url_prefix="/api/v1")
TEAM = ("media", "admin")


def _body(schema: Schema) -> dict[str, Any]:
    try:
        return schema.load(bodies.json_object())
    except ValidationError as exc:
        fields = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise Problem(422, "invalid_body", {field: ["field.invalid"] for field in fields}) from exc


@bp.get("/assets")
@identity.roles(*TEAM)
def list_assets() -> tuple[Response, int]:
    query = load_query(AssetQuery(), request.args)
    runtime, caller = current_runtime(), identity.caller()
    with runtime.db.unit_of_work() as session:
        rows = queries.listed(session, caller, **query)
        items = [queries.shown_asset(runtime.blobs, candidate, photo) for candidate, photo in rows]
        if query.get("nomination_id") and rows:
            audit.candidate_read(session, caller, rows[0][0])
        else:
            audit.listed(session, caller, len(rows), **{k: query.get(k) for k in ("year", "region", "stage")})
    return jsonify(items=AssetOut(many=True).dump(items)), 200


@bp.post("/kits")
@identity.roles(*TEAM)
def request_kit() -> tuple[Response, int]:
    data = _body(KitIn())
    runtime = current_runtime()
    with runtime.db.unit_of_work() as session:
        kit = kits.ask(session, data, identity.caller())
        session.flush()
        body = KitOut().dump(queries.shown_kit(runtime.blobs, kit))
    return jsonify(body), 202


@bp.get("/kits/<kit_id>")
@identity.roles(*TEAM)
def get_kit(kit_id: str) -> tuple[Response, int]:
    runtime = current_runtime()
    with runtime.db.unit_of_work() as session:
        kit = session.get(Kit, kit_id)
        if kit is None:
            raise Problem(404)
        body = KitOut().dump(queries.shown_kit(runtime.blobs, kit))
        if body["url"] is not None:  # the link to every candidate's data: a download, audited
            audit.kit_downloaded(session, identity.caller(), kit)
    return jsonify(body), 200


@bp.post("/publications")
@identity.roles(*TEAM)
def add_publication() -> tuple[Response, int]:
    data = _body(PublicationIn())
    with current_runtime().db.unit_of_work() as session:
        try:
            row = publications.record_publication(session, data, identity.caller())
        except publications.UnknownCandidates as exc:  # ids of no candidate the team may see
            raise Problem(422, "invalid_body", {"candidate_ids": ["field.invalid"]}) from exc
        body = PublicationOut().dump(row)
    return jsonify(body), 201


@bp.get("/publications")
@identity.roles(*TEAM)
def list_publications() -> tuple[Response, int]:
    year = load_query(YearQuery(), request.args)["year"]
    with current_runtime().db.unit_of_work() as session:
        rows = PublicationOut(many=True).dump(queries.publications(session, year))
        withdrawn = WithdrawalOut(many=True).dump(
            [
                queries.shown_withdrawal(row, candidate)
                for row, candidate in queries.withdrawals(session, year)
            ]
        )
    return jsonify(items=rows, year=year, count=len(rows), withdrawals=withdrawn), 200
