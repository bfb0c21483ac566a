"""Events as intake and media send them, with Kazakh letters in the names."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.envelope import Event


def submitted(nomination_id: str = "nom-0001", region: str = "almaty", **overrides: Any) -> Event:
    payload: dict[str, Any] = {
        "nomination_id": nomination_id,
        "year": 2026,
        "college_code": "ALM-017",
        "college_names": {
            "kk": "Алматы мемлекеттік политехникалық колледжі",
            "ru": "Алматинский государственный политехнический колледж",
            "en": "Almaty State Polytechnic College",
        },
        "candidate": {"last_name": "Нұрланұлы", "first_name": "Әлихан", "patronymic": "Қайратұлы"},
        "language": "kk",
        "contacts": {"email": "alikhan@example.kz", "phone": "+77011234567"},
        "specialty": "Бағдарламалық қамтамасыз ету",
        "course": 3,
        "academic_standing": "excellent",
        "minor": False,
        "categories": ["leadership", "skills_contests"],
        "achievements": [{"title": "WorldSkills Kazakhstan", "year": 2025, "level": "national"}],
        "statements": {"kk": "Мен өз мамандығымды сүйемін.", "ru": "Я люблю свою профессию."},
        "photo": {
            "key": f"photos/2026/{nomination_id}/original.jpg",
            "url": f"file:///nowhere/{nomination_id}.jpg",
            "sha256": "0" * 64,
            "content_type": "image/jpeg",
            "width": 1200,
            "height": 1600,
        },
        "consent_publication": True,  # intake sends it with every submission
    }
    payload.update(overrides)
    return Event(type="nomination.submitted", version=1, region=region, producer="intake", payload=payload)


def event(
    event_type: str,
    payload: dict[str, Any],
    region: str = "almaty",
    producer: str = "intake",
    occurred_at: datetime | None = None,
) -> Event:
    if occurred_at is None:
        return Event(type=event_type, version=1, region=region, producer=producer, payload=payload)
    return Event(
        type=event_type, version=1, region=region, producer=producer, payload=payload, occurred_at=occurred_at
    )
