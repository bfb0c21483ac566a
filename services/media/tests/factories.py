"""Photos as intake stores them (a file in its blob folder) and the events that point at them."""

from __future__ import annotations

import hashlib
import io
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


def stored_photo(folder: Path, data: bytes, nomination_id: str = "nom-0001") -> dict[str, Any]:
    path = folder / "intake-blobs" / "photos" / nomination_id / "original.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return {
        "key": f"photos/{nomination_id}/original.jpg",
        "url": path.as_uri(),
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
    }
    return Event(type="nomination.submitted", version=1, region=region, producer="intake", payload=payload)


def event(event_type: str, payload: dict[str, Any], region: str = "almaty") -> Event:
    return Event(type=event_type, version=1, region=region, producer="intake", payload=payload)
