"""Reference data for portals (`/regions`, `/colleges`, `/specialties`), problem type pages and the
docs' assets."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort
from flask_smorest import Blueprint
from sqlalchemy import select

from services.intake import schemas
from services.intake.api import docs
from services.intake.api.auth import current_portal, current_session, portal_required
from services.intake.api.problems import PROBLEM_CODES, describe
from services.intake.models import College, Region, Specialty
from services.intake.operations import Forbidden
from shared.problems import language

blp = Blueprint("reference", __name__, url_prefix="/api/v1", description="Reference data")
assets = Blueprint("docs_assets", __name__, url_prefix="/api/v1")


def _json(payload: Any, lang: str) -> Response:
    """A JSON answer with names (or texts) in `lang`, which it says (and so varies by Accept-Language)."""
    response = Response(json.dumps(payload, ensure_ascii=False), mimetype="application/json")
    response.headers["Content-Language"] = lang
    return response


def _names(row: Region | College | Specialty) -> dict[str, str]:
    return {"kk": row.name_kk, "ru": row.name_ru, "en": row.name_en}


@blp.route("/regions", methods=["GET"])
@blp.alt_response(200, schema=schemas.RegionOut(many=True), success=True, description="The regions")
@docs.problems(401)
@portal_required
def regions() -> Response:
    """List the regions

    Kazakhstan's regions and cities of republican significance, with their names in kk, ru and en,
    and `name` in the Accept-Language's.
    """
    lang = language()
    query = select(Region).where(Region.active.is_(True)).order_by(Region.code)
    body = [
        {"code": r.code, "iso_code": r.iso_code, "kind": r.kind, "names": _names(r), "name": _names(r)[lang]}
        for r in current_session().execute(query).scalars()
    ]
    return _json(body, lang)


@blp.route("/colleges", methods=["GET"])
@blp.arguments(schemas.CollegesQuery, location="query", as_kwargs=True)
@blp.alt_response(
    200,
    schema=schemas.CollegeOut(many=True),
    success=True,
    description="The active colleges of the key's region",
)
@docs.problems(401, 403, 422)
@portal_required
def colleges(region: str | None = None) -> Response:
    """List the key's region's colleges

    The active colleges a nomination may name as its `college_code`, with their names in kk, ru and
    en, and `name` in the Accept-Language's. A region other than the key's is 403.
    """
    portal, lang = current_portal(), language()
    if region is not None and region != portal.region:
        raise Forbidden(portal.region)
    query = (
        select(College)
        .where(College.region_code == portal.region, College.active.is_(True))
        .order_by(College.code)
    )
    body = [
        {"code": c.code, "region": c.region_code, "city": c.city, "names": _names(c), "name": _names(c)[lang]}
        for c in current_session().execute(query).scalars()
    ]
    return _json(body, lang)


@blp.route("/specialties", methods=["GET"])
@blp.alt_response(
    200,
    schema=schemas.SpecialtyOut(many=True),
    success=True,
    description="The active specialties of the classifier",
)
@docs.problems(401)
@portal_required
def specialties() -> Response:
    """List the classifier's specialties

    The specialties of the classifier of technical and vocational education a nomination may name as
    its `student.specialty_code`, with their names in kk, ru and en, and `name` in the
    Accept-Language's.
    """
    lang = language()
    query = select(Specialty).where(Specialty.active.is_(True)).order_by(Specialty.code)
    body = [
        {"code": s.code, "names": _names(s), "name": _names(s)[lang]}
        for s in current_session().execute(query).scalars()
    ]
    return _json(body, lang)


@assets.route("/problems/<string:code>", methods=["GET"])
def problem_type(code: str) -> Response:
    """What a problem `type` URI means, in the caller's language."""
    if code not in PROBLEM_CODES:
        abort(404)
    lang = language()
    return _json(describe(code, lang), lang)
