"""Events as intake and media send them, with Kazakh letters in the names."""

from __future__ import annotations

import dataclasses
from typing import Any

from shared import config, testing
from shared.envelope import Event
from shared.runtime import Runtime


def submitted(
    language: str = "kk",
    nomination_id: str = "0b6f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f",
    region: str = "almaty",
    email: str = "alikhan@example.kz",
) -> Event:
    payload = {
        "nomination_id": nomination_id,
        "year": 2026,
        "college_code": "ALM-017",
        "candidate": {"last_name": "Нұрланұлы", "first_name": "Әлихан", "patronymic": "Қайратұлы"},
        "language": language,
        "contacts": {"email": email, "phone": "+77011234567"},
        "specialty": "Бағдарламалық қамтамасыз ету",
        "course": 3,
        "academic_standing": "excellent",
        "minor": False,
        "categories": ["skills"],
        "achievements": [],
        "statements": {"kk": "Мәтін."},
        "photo": None,
    }
    return Event(type="nomination.submitted", version=1, region=region, producer="intake", payload=payload)


def event(
    event_type: str, payload: dict[str, Any], producer: str = "intake", region: str = "almaty"
) -> Event:
    return Event(type=event_type, version=1, region=region, producer=producer, payload=payload)


def from_environment(runtime: Runtime) -> Runtime:
    """`runtime` with its settings read again, after a test changed notify's environment."""
    return dataclasses.replace(runtime, settings=config.load(runtime.settings.service))


def bearer(
    runtime: Runtime, role: str = "admin", scope: str = "national", user_id: str = "u-admin"
) -> dict[str, str]:
    """An Authorization header for a signed-in caller of `role` in `scope`."""
    return testing.bearer(
        runtime.settings.secret_key,
        role,
        scope,
        user_id=user_id,
        email=f"{user_id}@example.kz",
        name="Әлия Нұрғалиқызы",
        language="kk",
    )
