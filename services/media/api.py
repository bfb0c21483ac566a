"""Media's JSON API for the media team: the assets of a nomination and their derivatives.

No accounts yet (they come with review's roles); the API exposes no personal data beyond the
nomination id and the processed, metadata-free derivatives.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, request

from services.media import queries
from services.media.schemas import AssetQuery, AssetSchema
from shared import identity
from shared.blobs import BlobNotFound
from shared.problems import load_query
from shared.web import current_runtime

# Still public: the commissions\' and media team\'s sign-in closes it (shared.identity).
bp = identity.public_blueprint(Blueprint("media_api", __name__, url_prefix="/api/v1"))
_assets = AssetSchema(many=True)


@bp.get("/assets")
def list_assets() -> tuple[Response, int]:
    query = load_query(AssetQuery(), request.args)
    with current_runtime().db.unit_of_work() as session:
        assets = queries.assets_of(session, query["nomination_id"])
    return jsonify(items=_assets.dump(assets)), 200


@bp.get("/assets/<asset_id>/<name>.jpg")
def derivative(asset_id: str, name: str) -> Response:
    runtime = current_runtime()
    with runtime.db.unit_of_work() as session:
        asset = queries.get_asset(session, asset_id)
    key = next((key for key in (asset.derivatives if asset else []) if key.endswith(f"/{name}.jpg")), None)
    if key is None:
        abort(404)
    try:
        data = runtime.blobs.get(key)
    except BlobNotFound:
        abort(404)
    return Response(data, mimetype="image/jpeg", headers={"Cache-Control": "private, max-age=300"})
