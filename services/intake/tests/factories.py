"""Small builders of valid test data: a nomination document, an IIN, a JPEG, a portal key."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

from PIL import Image

from services.intake.rules import iin_check_digit
from shared import config

FIXTURES = Path(__file__).with_name("fixtures")


def settings(data_dir: Path, database_url: str, broker_url: str = "memory://") -> config.Settings:
    """Intake's settings for a test: its database, blobs under `data_dir`, short retries."""
    return config.Settings(
        service="intake",
        data_dir=data_dir,
        database_url=database_url,
        broker_url=broker_url,
        blob_url=f"file://{data_dir / 'blobs'}",
        port=8001,
        secret_key="test",
        retry_delays=(1,),
        relay_batch=10,
    )


def statement(lang: str) -> str:
    return (FIXTURES / f"statement_{lang}.txt").read_text(encoding="utf-8")


def make_iin(birth: date, serial: int = 1, female: bool = False) -> str:
    """A valid IIN for `birth`, varied by `serial` (skipping serials whose check digit cannot exist)."""
    century = {18: 1, 19: 3, 20: 5}[birth.year // 100] + (1 if female else 0)
    while True:
        first11 = f"{birth:%y%m%d}{century}{serial:04d}"
        digit = iin_check_digit(first11)
        if digit is not None:
            return first11 + str(digit)
        serial += 1


def nomination(
    serial: int = 1,
    *,
    college: str = "ALA-001",
    year: int = 2026,
    birth: date = date(2005, 3, 14),
    **over: Any,
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "college_code": college,
        "year": year,
        "student": {
            "iin": make_iin(birth, serial),
            "last_name": "Әбілқасымова",
            "first_name": "Іңкәр",
            "patronymic": "Ғалымқызы",
            "birth_date": birth.isoformat(),
            "email": f"student{serial}@example.kz",
            "phone": "+77011234567",
            "language": "kk",
            "specialty": "Программная инженерия",
            "course": 3,
            "academic_standing": "excellent",
        },
        "categories": ["leadership", "skills_contests"],
        "achievements": [{"title": "WorldSkills Kazakhstan, silver", "year": 2025, "level": "national"}],
        "statements": {"kk": statement("kk")},
        "consent": {"personal_data": True, "publication": True, "guardian": None},
        "coordinator": {
            "full_name": "Сәуле Нұрланқызы",
            "email": "coord@example.kz",
            "phone": "+77271234567",
        },
    }
    for key, value in over.items():
        doc[key] = value
    return doc


def jpeg(width: int = 800, height: int = 1000, *, quality: int = 85, noise: bool = False) -> bytes:
    image = Image.new("RGB", (width, height), (180, 120, 60))
    if noise:
        image = Image.effect_noise((width, height), 80).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def png(width: int = 800, height: int = 1000) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def multipart(doc: Any, photo: bytes | None = None) -> dict[str, Any]:
    """The Flask test client's `data` for a multipart submission."""
    data: dict[str, Any] = {
        "nomination": (io.BytesIO(json.dumps(doc).encode()), "nomination.json", "application/json")
    }
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), "photo.jpg", "image/jpeg")
    return data


def submitted(client: Any, auth: dict[str, str]) -> str:
    """Submit a valid nomination with a photo through the API; its id."""
    response = client.post(
        "/api/v1/nominations",
        data=multipart(nomination(), jpeg()),
        headers=auth,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    return response.json["id"]
