"""Photos as intake serves them (over HTTP, behind a link) and the events that point at them."""

from __future__ import annotations

import functools
import hashlib
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image

from shared.envelope import Event

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (43.0, 15.0, 30.5),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (76.0, 56.0, 42.0),
}


def jpeg(width: int = 1600, height: int = 1200, orientation: int = 1, image_format: str = "JPEG") -> bytes:
    """A photo carrying a camera make, an orientation and GPS coordinates in its EXIF."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, width // 2, height // 4))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    buffer = io.BytesIO()
    image.save(buffer, image_format, exif=exif.tobytes())
    return buffer.getvalue()


class _Photos(BaseHTTPRequestHandler):
    """GET /<path>: a file under the folder a test stored it in (as intake's link route would)."""

    def do_GET(self) -> None:
        path = Path("/" + self.path.split("?", 1)[0].lstrip("/"))
        if ".." in path.parts or "intake-blobs" not in path.parts:
            self.send_error(404)
            return
        if not path.is_file():  # a test hides a photo as `.away` to make the store stumble
            self.send_error(503 if path.with_suffix(".away").is_file() else 404)
            return
        data = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        """Quiet: the tests' output is theirs."""


@functools.cache
def photo_server() -> str:
    """The base URL of a server (one per test process, on a thread) serving the stored photos."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Photos)
    threading.Thread(target=server.serve_forever, daemon=True, name="photo-server").start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def stored_photo(folder: Path, data: bytes, nomination_id: str = "nom-0001") -> dict[str, Any]:
    """The photo stored as a file and the reference an event carries: a link to it over HTTP."""
    path = folder / "intake-blobs" / "photos" / nomination_id / "original.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return {
        "key": f"photos/{nomination_id}/original.jpg",
        "url": photo_server() + str(path.resolve()),
        "sha256": hashlib.sha256(data).hexdigest(),
        "content_type": "image/jpeg",
        "width": 1,
        "height": 1,
    }


def submitted(photo: dict[str, Any] | None, nomination_id: str = "nom-0001", region: str = "almaty") -> Event:
    payload = {
        "nomination_id": nomination_id,
        "year": 2026,
        "college_code": "ALM-017",
        "candidate": {"last_name": "Нұрланұлы", "first_name": "Әлихан", "patronymic": None},
        "language": "kk",
        "contacts": {"email": "alikhan@example.kz", "phone": "+77011234567"},
        "specialty": "Бағдарламалық қамтамасыз ету",
        "course": 3,
        "academic_standing": "excellent",
        "minor": False,
        "categories": ["skills"],
        "achievements": [],
        "statements": {"kk": "Мәтін."},
        "photo": photo,
        "consent_publication": True,
    }
    return Event(type="nomination.submitted", version=1, region=region, producer="intake", payload=payload)


def event(event_type: str, payload: dict[str, Any], region: str = "almaty") -> Event:
    return Event(type=event_type, version=1, region=region, producer="intake", payload=payload)


def advanced(nomination_id: str = "nom-0001", to_stage: str = "republican", region: str = "almaty") -> Event:
    """Review's decision advancing a nomination's candidate (to the republican stage or the winners)."""
    payload = {
        "candidate_id": f"c-{nomination_id}",
        "nomination_id": nomination_id,
        "year": 2026,
        "stage": "regional" if to_stage == "republican" else "republican",
        "to_stage": to_stage,
        "decision_id": "d-1",
    }
    return event("candidate.advanced", payload, region)


def media_token(runtime: Any, role: str = "media") -> str:
    """A Bearer token of a media team member (or another `role`), as review's login would issue."""
    from datetime import timedelta

    from shared import clock, identity, testing

    return testing.token(
        runtime.settings.secret_key,
        role,
        identity.NATIONAL if role not in identity.REGIONAL_ROLES else "almaty",
        user_id=f"u-{role}",
        name="Медиа Тобы",
        language="kk",
        expires_at=clock.now() + timedelta(days=1),
    )
