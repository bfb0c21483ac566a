"""Media's pages for the media team (roles media and admin): browse candidates by year, stage and
region, preview every derivative, start a media kit and watch it, and keep the publications log."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, redirect, request, stream_with_context, url_for
from marshmallow import ValidationError

from services.media import queries, rules
from services.media.messages import NOT_FOUND, PUBLICATION_ERRORS, TERMS
from services.media.models import Candidate
from services.media.operations import audit, downloads, kits, publications
from services.media.pages import focus
from services.media.schemas import KitIn, PublicationIn
from shared import clock, identity, pages
from shared.i18n import Text
from shared.refusals import NotFound
from shared.regions import all_regions, region_codes
from shared.web import current_runtime

#: The service's static folder sits beside the layers, not inside this package.
bp = Blueprint(
    "media",
    __name__,
    static_folder=str(Path(__file__).parents[1] / "static"),
    static_url_path="/static/media",
)
TEAM = ("media", "admin")
_render = pages.renderer(TERMS, "media.index")


def _year() -> int:
    return pages.asked_year(request.args.get("year")) or clock.local_now().year


def _search() -> queries.Search:
    """The list's filters as the page's form sends them; anything unknown is left out, not refused."""
    args = request.args
    stage = args.get("stage") if args.get("stage") in ("republican", "winners") else None
    region = args.get("region") if args.get("region") in region_codes() else None
    page = args.get("page", "1")
    return queries.Search(
        year=_year(),
        region=region,
        stage=stage,
        text=(args.get("q") or "")[:100],
        has_banner=args.get("banner") == "1",
        page=int(page) if page.isascii() and page.isdigit() and len(page) < 6 else 1,
    )


@bp.get("/")
@identity.roles(*TEAM)
def index() -> pages.Page:
    """The media team's candidates: found by name, college or region, by stage and banner, 50 a page."""
    runtime = current_runtime()
    asked = _search()
    caller = identity.caller()
    with runtime.db.unit_of_work() as session:
        found = queries.search(session, caller, asked)
        items = [queries.shown_asset(runtime.blobs, candidate, photo) for candidate, photo in found.rows]
        years = sorted({asked.year, *queries.years(session)}, reverse=True)
        audit.listed(session, caller, len(items), year=asked.year, region=asked.region, stage=asked.stage)
    filters = {
        key: value
        for key, value in (
            ("year", asked.year),
            ("region", asked.region),
            ("stage", asked.stage),
            ("q", asked.text.strip()),
            ("banner", "1" if asked.has_banner else None),
        )
        if value
    }
    return _render(
        "index.html",
        items=items,
        found=found,
        asked=asked,
        filters=filters,
        years=years,
        regions=all_regions(),
    )


@bp.get("/candidates/<nomination_id>")
@identity.roles(*TEAM)
def candidate(nomination_id: str) -> pages.Page:
    runtime = current_runtime()
    caller = identity.caller()
    with runtime.db.unit_of_work() as session:
        rows = queries.listed(session, caller, nomination_id=nomination_id)
        if not rows:
            raise NotFound()
        items = [queries.shown_asset(runtime.blobs, found, photo) for found, photo in rows]
        shown = focus.context(rows[0][1], items[0])
        audit.candidate_read(session, caller, rows[0][0])
    moved = request.args.get("moved")
    return _render("candidate.html", item=items[0], moved=moved, **shown)


@bp.get("/candidates/<nomination_id>/files.zip")
@identity.roles(*TEAM)
def candidate_files(nomination_id: str) -> Response:
    """Every file of the candidate the team may see, as one ZIP streamed as it is written (audited)."""
    with current_runtime().db.unit_of_work() as session:
        files = downloads.files_of(session, identity.caller(), nomination_id)
    if files is None:
        raise NotFound()
    chunks = downloads.stream_zip(current_runtime().blobs, files.entries)
    disposition = f"attachment; filename*=UTF-8''{quote(files.archive)}"
    return Response(
        stream_with_context(chunks),
        mimetype="application/zip",
        headers={"Content-Disposition": disposition, "Cache-Control": "private, no-store"},
    )


#: Who may see a candidate's photo on their pages (review's candidate page shows it): the commissions
#: within their scope, the administrators, and the media team (consenting candidates only).
PHOTO_VIEWERS = (*sorted(identity.MEMBER_ROLES), "admin", "media")
#: The derivatives a page shows, and how long the link a visitor is sent to lasts.
PAGE_DERIVATIVES = ("thumb", "web")
PHOTO_LINK_SECONDS = 3600


@bp.get("/photos/<nomination_id>/<name>")
@identity.roles(*PHOTO_VIEWERS)
def photo(nomination_id: str, name: str) -> Response:
    """A candidate's current photo for a signed-in person: a redirect to a fresh signed link.

    Review's pages embed this address rather than a signed link of their own: only media can sign
    its blobs (S3 presigns with media's credentials), and the link a page would carry expires. A
    photo outside the caller's scope, or not (yet) processed, is 404 like any missing page.
    """
    if name not in PAGE_DERIVATIVES:
        raise NotFound()
    caller = identity.caller()
    runtime = current_runtime()
    with runtime.db.unit_of_work() as session:
        asset = queries.current_photo(session, nomination_id)
        candidate = session.get(Candidate, nomination_id)
        consented, stage = (candidate.consent_publication, candidate.stage) if candidate else (False, None)
        if asset is None or not rules.may_see_photo(caller, asset.region, consented, stage):
            raise NotFound()
        file = next((f for f in asset.files if f["name"] == name and f["format"] == "jpeg"), None)
        url = runtime.blobs.presigned_url(file["key"], PHOTO_LINK_SECONDS) if file is not None else None
        if url is None:
            raise NotFound()
        audit.record(
            session, caller, audit.PHOTO_LINK, object=audit.nomination(nomination_id), region=asset.region
        )
    return redirect(url)


@bp.get("/kits")
@identity.roles(*TEAM)
def kit_list() -> pages.Page:
    runtime = current_runtime()
    with runtime.db.unit_of_work() as session:
        rows = [queries.shown_kit(runtime.blobs, kit) for kit in queries.kits(session)]
    return _render("kits.html", kits=rows, year=_year(), regions=all_regions())


@bp.post("/kits")
@identity.roles(*TEAM)
def start_kit() -> Response:
    form = {key: value for key, value in request.form.items() if key != "csrf_token" and value != ""}
    try:
        data = KitIn().load({**form, "year": int(form.get("year", "0") or 0)})
    except (ValidationError, ValueError):
        return redirect(url_for("media.kit_list", lang=pages.page_language()))
    with current_runtime().db.unit_of_work() as session:
        kits.ask(session, data, identity.caller())
    return redirect(url_for("media.kit_list", lang=pages.page_language()))


@bp.get("/kits/<kit_id>/download")
@identity.roles(*TEAM)
def kit_download(kit_id: str) -> Response:
    """A ready kit for the signed-in team: a fresh signed link, each download in the audit log."""
    runtime = current_runtime()
    with runtime.db.unit_of_work() as session:
        url = kits.download_link(session, runtime.blobs, kit_id, identity.caller())
    return redirect(url)


def _publications_page(
    year: int, form: dict[str, Any] | None = None, errors: dict[str, Text] | None = None, status: int = 200
) -> pages.Page:
    """The year's log, and the form to log a material: the candidates it is about picked from those
    of the republican stage and the winners the caller may see, by region."""
    runtime, caller = current_runtime(), identity.caller()
    with runtime.db.unit_of_work() as session:
        rows = queries.publications(session, year)
        named = queries.names(session, {nomination for row in rows for nomination in row.candidate_ids})
        withdrawn = [
            queries.shown_withdrawal(row, candidate) for row, candidate in queries.withdrawals(session, year)
        ]
        choices = [
            candidate for candidate, _photo in queries.listed(session, caller, year=year, stage="republican")
        ]
    by_region: dict[str, list[dict[str, str]]] = {}
    for candidate in choices:
        by_region.setdefault(candidate.region, []).append(
            {
                "id": candidate.nomination_id,
                "name": rules.full_name(candidate.name) or candidate.nomination_id,
            }
        )
    return _render(
        "publications.html",
        status,
        publications=rows,
        named=named,
        withdrawals=withdrawn,
        year=year,
        target=rules.PUBLICATIONS_TARGET,
        progress=rules.publications_progress(len(rows)),
        choices=by_region,
        form=form or {},
        picked=set((form or {}).get("candidate_ids", [])),
        errors=errors or {},
    )


@bp.get("/publications")
@identity.roles(*TEAM)
def publication_list() -> pages.Page:
    return _publications_page(_year())


@bp.post("/publications")
@identity.roles(*TEAM)
def add_publication() -> pages.Page | Response:
    """Log a material; a field at fault shows the form again, filled in, with the fault in words."""
    form = {key: value for key, value in request.form.items() if key not in ("csrf_token", "candidate_ids")}
    form["candidate_ids"] = [value for value in request.form.getlist("candidate_ids") if value]
    try:
        data = PublicationIn().load(form)
    except ValidationError as exc:
        fields = exc.messages if isinstance(exc.messages, dict) else {}
        errors = {field: PUBLICATION_ERRORS[field] for field in fields if field in PUBLICATION_ERRORS}
        return _publications_page(_year(), form, errors or {"outlet": PUBLICATION_ERRORS["outlet"]}, 422)
    try:
        with current_runtime().db.unit_of_work() as session:
            publications.record_publication(session, data, identity.caller())
    except publications.UnknownCandidates:
        return _publications_page(_year(), form, {"candidate_ids": PUBLICATION_ERRORS["candidate_ids"]}, 422)
    year = data["published_on"].year
    return redirect(url_for("media.publication_list", lang=pages.page_language(), year=year), 303)


error_page = pages.error_pages(_render, NOT_FOUND)
