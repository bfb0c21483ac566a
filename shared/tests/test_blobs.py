from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from shared import blobs


def test_local_store_round_trip_and_read_by_url(tmp_path: Path) -> None:
    store = blobs.open_store(f"file://{tmp_path / 'blobs'}")
    url = store.put("photos/2026/n1/original.jpg", b"\xff\xd8data", "image/jpeg")
    assert store.get("photos/2026/n1/original.jpg") == b"\xff\xd8data"
    assert store.read_url(url) == b"\xff\xd8data"
    assert store.exists("photos/2026/n1/original.jpg")
    store.delete("photos/2026/n1/original.jpg")
    assert not store.exists("photos/2026/n1/original.jpg")
    with pytest.raises(blobs.BlobNotFound):
        store.get("photos/2026/n1/original.jpg")


def test_keys_cannot_escape_the_store(tmp_path: Path) -> None:
    store = blobs.LocalBlobStore(tmp_path)
    with pytest.raises(ValueError, match="invalid blob key"):
        store.put("../outside.jpg", b"x", "image/jpeg")


def test_a_local_blob_is_on_disk_before_put_returns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file's data is synced before the rename makes it visible, and the rename after it."""
    import os

    steps: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        steps.append(("fsync", os.readlink(f"/proc/self/fd/{descriptor}")))
        real_fsync(descriptor)

    def replace(source: str, target: str) -> None:
        steps.append(("rename", str(target)))
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    store = blobs.LocalBlobStore(tmp_path)
    store.put("photos/2026/n1/original.jpg", b"\xff\xd8data", "image/jpeg")
    folder = tmp_path / "photos/2026/n1"
    assert [kind for kind, _ in steps] == ["fsync", "rename", "fsync"]
    assert steps[0][1].startswith(str(folder / ".original.jpg."))  # the temporary file, whole
    assert steps[1][1] == str(folder / "original.jpg")
    assert steps[2][1] == str(folder)  # the directory, so that the rename survives a power cut


def test_a_failed_local_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    def full_disk(_descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    store = blobs.LocalBlobStore(tmp_path)
    with pytest.raises(OSError, match="No space"):
        store.put("photos/2026/n1/original.jpg", b"\xff\xd8data", "image/jpeg")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_s3_store_through_boto3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("S3_ENDPOINT_URL", raising=False)
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket="top100")
        store = blobs.open_store("s3://top100/intake")
        url = store.put("photos/a.jpg", b"jpeg", "image/jpeg")
        assert url == "s3://top100/intake/photos/a.jpg"
        assert store.get("photos/a.jpg") == b"jpeg"
        assert store.read_url(url) == b"jpeg"
        assert store.exists("photos/a.jpg")
        assert not store.exists("photos/missing.jpg")
        with pytest.raises(blobs.BlobNotFound):
            store.get("photos/missing.jpg")


def test_a_local_store_streams_files_in_and_out_and_signs_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from urllib.parse import parse_qs, urlparse

    from shared import signing

    monkeypatch.setenv("TOP100_NOW", "2026-10-01T10:00:00+05:00")
    store = blobs.open_store(f"file://{tmp_path / 'blobs'}", links=("secret", "http://media.example/files"))
    source = tmp_path / "kit.zip"
    source.write_bytes(b"PK" + b"\x00" * 1000)
    store.put_file("kits/k1.zip", source, "application/zip")
    with store.open("kits/k1.zip") as stream:
        assert stream.read() == source.read_bytes()
    link = urlparse(store.presigned_url("kits/k1.zip", 60) or "")
    assert link.netloc == "media.example" and link.path == "/files/kits/k1.zip"
    query = {name: values[0] for name, values in parse_qs(link.query).items()}
    assert signing.valid("secret", "kits/k1.zip", query["expires"], query["signature"])
    assert not signing.valid("other", "kits/k1.zip", query["expires"], query["signature"])
    assert not signing.valid("secret", "kits/k2.zip", query["expires"], query["signature"])
    monkeypatch.setenv("TOP100_NOW", "2026-10-01T10:01:01+05:00")
    assert not signing.valid("secret", "kits/k1.zip", query["expires"], query["signature"])
    assert blobs.open_store(f"file://{tmp_path / 'other'}").presigned_url("kits/k1.zip", 60) is None
