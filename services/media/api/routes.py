"""Media's JSON API for the media team (roles media and admin): assets with their derivatives and
signed links, media kits, and the publications log."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_smorest import Blueprint

from services.media import queries
from services.media.api import examples
from services.media.operations import audit, kits, publications
from services.media.schemas import (
    AssetListOut,
    AssetOut,
    AssetQuery,
    KitIn,
    KitOut,
    PublicationIn,
    PublicationListOut,
    PublicationOut,
    WithdrawalOut,
    YearQuery,
)
from shared import bodies, identity
from shared.openapi import body, problems, query
from shared.problems import Problem, load_query
from shared.web import current_runtime

blp = Blueprint("media_api", __name__, url_prefix="/api/v1", description="Photos, kits, publications")
TEAM = ("media", "admin")


@blp.route("/assets", methods=["GET"])
@query(
    blp,
    AssetQuery,
    s422="`invalid_query`: `errors` names each parameter at fault. `year` or `nomination_id` is "
    "required, which the parameters cannot say: neither given is `field.required` on `year`",
)
@blp.response(
    200, AssetListOut, example=examples.ASSETS, description="Consenting candidates with their files"
)
@problems(blp, 401, 403)
@identity.roles(*TEAM)
def list_assets() -> tuple[Response, int]:
    """A candidate's photo and banners, or a year's (by region and stage), each file with a signed link.

    One nomination (`nomination_id`) or a year's candidates, filtered by `region` and `stage`; each
    read is in the audit log."""
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


@blp.route("/kits", methods=["POST"])
@body(blp, KitIn, examples.KIT_IN)
@blp.response(202, KitOut, example={**examples.KIT, "status": "queued", "progress": 0.0, "url": None})
@problems(blp, 400, 401, 403, 422)
@identity.roles(*TEAM)
def request_kit() -> tuple[Response, int]:
    """Ask for a media kit: a ZIP of every candidate of a year's stage (and region), built by the worker.

    Answers at once with the kit `queued`; its progress and, once `ready`, its link come from
    `GET /kits/{kit_id}`."""
    data = bodies.loaded(KitIn())
    runtime = current_runtime()
    with runtime.db.unit_of_work() as session:
        kit = kits.ask(session, data, identity.caller())
        session.flush()
        body = KitOut().dump(queries.shown_kit(runtime.blobs, kit))
    return jsonify(body), 202


@blp.route("/kits/<kit_id>", methods=["GET"])
@blp.response(200, KitOut, example=examples.KIT)
@problems(blp, 401, 403, 404, s404="No kit with this id")
@identity.roles(*TEAM)
def get_kit(kit_id: str) -> tuple[Response, int]:
    """A kit's progress, and once it is ready a signed link to its ZIP (the download is audited)."""
    runtime = current_runtime()
    with runtime.db.unit_of_work() as session:
        kit = queries.kit(session, kit_id)
        body = KitOut().dump(queries.shown_kit(runtime.blobs, kit))
        if body["url"] is not None:  # the link to every candidate's data: a download, audited
            audit.kit_downloaded(session, identity.caller(), kit)
    return jsonify(body), 200


@blp.route("/publications", methods=["POST"])
@body(blp, PublicationIn, examples.PUBLICATION_IN)
@blp.response(201, PublicationOut, example=examples.PUBLICATION)
@problems(
    blp,
    400,
    401,
    403,
    422,
    s422="`invalid_body`: `errors` names each field at fault; field.invalid on `candidate_ids`: an id "
    "of no candidate the media team may see (a republican-stage or winning candidate who consents)",
)
@identity.roles(*TEAM)
def add_publication() -> tuple[Response, int]:
    """Log a material an outlet published: counted in the year it was published."""
    data = bodies.loaded(PublicationIn())
    with current_runtime().db.unit_of_work() as session:
        try:
            row = publications.record_publication(session, data, identity.caller())
        except publications.UnknownCandidates as exc:  # ids of no candidate the team may see
            raise Problem(422, "invalid_body", {"candidate_ids": ["field.invalid"]}) from exc
        body = PublicationOut().dump(row)
    return jsonify(body), 201


@blp.route("/publications", methods=["GET"])
@query(blp, YearQuery, s422="`year` is required, 2000-2100")
@blp.response(200, PublicationListOut, example=examples.PUBLICATIONS)
@problems(blp, 401, 403)
@identity.roles(*TEAM)
def list_publications() -> tuple[Response, int]:
    """A year's publications log: what outlets published, and the banners a correction withdrew."""
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
