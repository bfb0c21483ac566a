"""Examples the OpenAPI document shows for each operation of notify's API."""

from __future__ import annotations

from typing import Any

_TEMPLATE: dict[str, Any] = {
    "code": "nomination_received",
    "channel": "email",
    "version": 2,
    "subject": {"kk": "Өтінім қабылданды", "ru": "Заявка принята", "en": "Nomination received"},
    "body": {
        "kk": "Құрметті {{ name }}, өтініміңіз ({{ reference }}) қабылданды.",
        "ru": "Уважаемый(ая) {{ name }}, ваша заявка ({{ reference }}) принята.",
        "en": "Dear {{ name }}, your nomination ({{ reference }}) has been received.",
    },
    "created_by": "u-admin",
    "created_at": "2026-09-01T08:00:00+00:00",
}

MESSAGES: dict[str, Any] = {
    "items": [
        {
            "id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "nomination_id": "0b6f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f",
            "template": "nomination_received",
            "channel": "email",
            "language": "kk",
            "region": "almaty",
            "recipient_kind": "student",
            "recipient": "a***@example.kz",
            "status": "delivered",
            "send_after": None,
            "provider": "smtp",
            "segments": None,
            "attempts": 1,
            "reason": None,
            "created_at": "2026-09-15T06:00:00+00:00",
            "sent_at": "2026-09-15T06:00:02+00:00",
            "delivered_at": "2026-09-15T06:00:09+00:00",
        }
    ]
}

TEMPLATES: dict[str, Any] = {"items": [_TEMPLATE]}

TEMPLATE: dict[str, Any] = {
    "code": "nomination_received",
    "channels": ["email", "sms"],
    "parameters": ["name", "nomination_id", "reference", "region"],
    "current": [_TEMPLATE],
    "versions": [_TEMPLATE, {**_TEMPLATE, "version": 1, "created_by": "seed"}],
}

TEMPLATE_IN: dict[str, Any] = {"channel": "email", "subject": _TEMPLATE["subject"], "body": _TEMPLATE["body"]}

SAVED: dict[str, Any] = {**_TEMPLATE, "version": 3}

PREVIEW_IN: dict[str, Any] = {"language": "kk", "channel": "sms", "params": {"name": "Әлихан"}}

PREVIEW: dict[str, Any] = {
    "subject": None,
    "text": "Құрметті Әлихан, өтініміңіз (0B6F3C1E) қабылданды.",
    "html": None,
    "segments": 1,
    "encoding": "UCS-2",
    "characters": 50,
}

RECEIPT_IN: dict[str, Any] = {"id": "gw-58213", "status": "delivered"}

RECEIPT: dict[str, Any] = {"recorded": True}

UNSUBSCRIBED: dict[str, Any] = {"unsubscribed": True}
