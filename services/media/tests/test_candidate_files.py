"""One candidate's files as a ZIP from their page: every derivative and banner the media team may
see, the bytes of the store, streamed, and the download in the audit log."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from services.media.app import create_app
from services.media.models import Asset, AuditEntry, Candidate
from services.media.tests.factories import jpeg, media_token, stored_photo
from services.media.tests.team import BANNER, candidate
from shared.runtime import Runtime


@pytest.fixture
def client(runtime: Runtime, tmp_path: Path) -> FlaskClient:
    photo = stored_photo(tmp_path, jpeg(), "nom-a")
    candidate(runtime, "nom-a", name=("Нұрланұлы", "Әлихан"), banner=True, photo=photo)
    candidate(runtime, "nom-d", stage=None)  # at the regional stage: not the media team's
    return create_app(runtime).test_client()


def _auth(runtime: Runtime, role: str = "media") -> dict[str, str]:
    return {"Authorization": f"Bearer {media_token(runtime, role)}"}


def test_every_file_of_the_candidate_in_one_zip(client: FlaskClient, runtime: Runtime) -> None:
    page = client.get("/candidates/nom-a?lang=kk", headers=_auth(runtime)).get_data(as_text=True)
    assert 'href="/candidates/nom-a/files.zip"' in page and "Барлық файлды жүктеу (ZIP)" in page
    reply = client.get("/candidates/nom-a/files.zip", headers=_auth(runtime))
    assert reply.status_code == 200 and reply.is_streamed and reply.mimetype == "application/zip"
    assert unquote(reply.headers["Content-Disposition"]).endswith("Нұрланұлы_Әлихан-nom-a.zip")
    archive = zipfile.ZipFile(io.BytesIO(reply.get_data()))
    assert sorted(archive.namelist()) == [
        "banner.pdf",
        "card.jpg",
        "card.webp",
        "square.jpg",
        "story.jpg",
        "thumb.jpg",
        "web.jpg",
        "web.webp",
    ]
    with runtime.db.unit_of_work() as session:
        asset = session.scalars(select(Asset).where(Asset.nomination_id == "nom-a")).one()
        square = next(f["key"] for f in asset.files if f["name"] == "square")
        entries = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "files.download")))
    assert archive.read("square.jpg") == runtime.blobs.get(square)
    assert archive.read("banner.pdf") == BANNER
    assert "original.jpg" not in archive.namelist()  # media's print source is never handed out
    assert [(e.object, e.role, e.details["files"]) for e in entries] == [("nomination:nom-a", "media", 8)]


def test_only_a_candidate_the_team_may_see(client: FlaskClient, runtime: Runtime) -> None:
    assert client.get("/candidates/nom-d/files.zip", headers=_auth(runtime)).status_code == 404
    assert client.get("/candidates/nom-x/files.zip", headers=_auth(runtime)).status_code == 404
    assert (
        client.get("/candidates/nom-a/files.zip", headers=_auth(runtime, "regional_chair")).status_code == 403
    )
    assert client.get("/candidates/nom-d/files.zip", headers=_auth(runtime, "admin")).status_code == 200


def test_a_file_replaced_meanwhile_is_left_out(client: FlaskClient, runtime: Runtime) -> None:
    with runtime.db.unit_of_work() as session:
        row = session.get(Candidate, "nom-a")
        assert row is not None
        runtime.blobs.delete(row.banners[0]["key"])
    reply = client.get("/candidates/nom-a/files.zip", headers=_auth(runtime))
    names = zipfile.ZipFile(io.BytesIO(reply.get_data())).namelist()
    assert "banner.pdf" not in names and "web.jpg" in names
