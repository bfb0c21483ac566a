"""Media on a real S3-compatible server (moto as an HTTP server, started here), with boto3 as in
production: the photo read through intake's presigned URL, derivatives, banners and a kit in media's
own bucket, every link a presigned URL fetched over HTTP; a new photo's old links stop working.

Moto does not check a presigned URL's signature or expiry (AWS and MinIO do): that part of the
contract is S3's own; the local store's signed links are tested for it in test_web.py.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from PIL import Image

from services.media import bootstrap
from services.media.app import create_app
from services.media.handlers import HANDLERS
from services.media.operations import kits
from services.media.tests import photos
from services.media.tests.factories import event, media_token, submitted
from shared import config, testing
from shared.blobs import S3BlobStore
from shared.handling import handle
from shared.runtime import Runtime


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "media-test")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "media-test-secret")
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture
def s3_runtime(s3_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "media-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "media-test-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("S3_ENDPOINT_URL", s3_endpoint)
    bucket = f"media-{tmp_path.name.lower().replace('_', '-')[-40:]}"
    monkeypatch.setenv("MEDIA_BLOB_URL", f"s3://{bucket}/media")
    monkeypatch.delenv("MEDIA_DATABASE_URL", raising=False)
    S3BlobStore(bucket, endpoint_url=s3_endpoint).client.create_bucket(Bucket=bucket)
    with testing.migrated_runtime(bootstrap.SERVICE, config.load(bootstrap.SERVICE)) as built:
        yield built


@pytest.fixture
def intake_bucket(s3_endpoint: str, tmp_path: Path) -> S3BlobStore:
    """Intake's own bucket: media gets only the presigned URL to a photo in it."""
    store = S3BlobStore(f"intake-{tmp_path.name.lower().replace('_', '-')[-40:]}", endpoint_url=s3_endpoint)
    store.client.create_bucket(Bucket=store.bucket)
    return store


def _photo_ref(intake: S3BlobStore, data: bytes, name: str) -> dict:
    import hashlib

    key = f"photos/2026/nom-0001/{name}.jpg"
    intake.put(key, data, "image/jpeg")
    url = intake.presigned_url(key, 3600)
    assert url and url.startswith("http://127.0.0.1") and "X-Amz-Signature=" in url
    sha = hashlib.sha256(data).hexdigest()
    return {"key": key, "url": url, "sha256": sha, "content_type": "image/jpeg", "width": 1, "height": 1}


def _assets(client, runtime: Runtime) -> list[dict]:  # type: ignore[no-untyped-def]
    auth = {"Authorization": f"Bearer {media_token(runtime)}"}
    return client.get("/api/v1/assets?nomination_id=nom-0001", headers=auth).get_json()["items"]


def test_photos_banners_and_kits_through_a_real_s3_server(
    s3_runtime: Runtime, intake_bucket: S3BlobStore
) -> None:
    runtime = s3_runtime
    data = photos.with_face(3000, 2000, (1600, 200), 1200)[0]
    handle(runtime, HANDLERS, "media", submitted(_photo_ref(intake_bucket, data, "a")))
    advanced = {
        "candidate_id": "c-1",
        "nomination_id": "nom-0001",
        "year": 2026,
        "stage": "regional",
        "to_stage": "winner",
        "decision_id": "d-1",
    }
    handle(runtime, HANDLERS, "media", event("candidate.advanced", advanced))
    client = create_app(runtime).test_client()
    [asset] = _assets(client, runtime)
    assert asset["status"] == "processed" and len(asset["derivatives"]) == 12
    bucket = runtime.blobs.bucket  # type: ignore[attr-defined]
    stored = runtime.blobs.client.list_objects_v2(Bucket=bucket)["Contents"]  # type: ignore[attr-defined]
    # The twelve files listed, and the original media keeps to print from (never listed).
    assert len(stored) == 13 and all(item["Key"].startswith("media/") for item in stored)
    for derivative in asset["derivatives"]:
        assert "X-Amz-Signature=" in derivative["url"]
        reply = requests.get(derivative["url"], timeout=30)
        assert reply.status_code == 200 and len(reply.content) == derivative["bytes"]
        if derivative["format"] in ("jpeg", "webp"):
            assert Image.open(io.BytesIO(reply.content)).size == (derivative["width"], derivative["height"])
    old_urls = [d["url"] for d in asset["derivatives"] if d["name"] in ("web", "banner")]

    new = photos.with_face(2000, 3000, (200, 1600), 1200)[0]
    amended = {
        "nomination_id": "nom-0001",
        "changed": ["photo"],
        "photo": _photo_ref(intake_bucket, new, "b"),
    }
    handle(runtime, HANDLERS, "media", event("nomination.amended", amended))
    [replaced] = _assets(client, runtime)
    assert replaced["id"] != asset["id"] and replaced["width"] == 2000
    for url in old_urls:
        assert requests.get(url, timeout=30).status_code == 404  # the old keys are gone

    auth = {"Authorization": f"Bearer {media_token(runtime)}"}
    kit_id = client.post("/api/v1/kits", json={"year": 2026, "stage": "winners"}, headers=auth).get_json()[
        "id"
    ]
    assert kits.build_next(runtime) == kit_id
    kit = client.get(f"/api/v1/kits/{kit_id}", headers=auth).get_json()
    archive = zipfile.ZipFile(io.BytesIO(requests.get(kit["url"], timeout=30).content))
    assert len([name for name in archive.namelist() if name.endswith((".jpg", ".webp", ".pdf"))]) == 12
