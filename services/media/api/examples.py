"""Examples the OpenAPI document shows for each operation of media's API."""

from __future__ import annotations

from typing import Any

_NOMINATION = "0b6f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f"
_LINK = "https://media.top100.kz/files/media/0b6f3c1e/a1/square.jpg?expires=1760000000&signature=..."

ASSETS: dict[str, Any] = {
    "items": [
        {
            "id": "a1c2e3f4-0000-4000-8000-000000000001",
            "nomination_id": _NOMINATION,
            "region": "almaty",
            "year": 2026,
            "name": "Нұрланұлы Әлихан Қайратұлы",
            "stage": "republican",
            "status": "processed",
            "reason": None,
            "reason_text": None,
            "width": 3000,
            "height": 4000,
            "derivatives": [
                {
                    "name": "square",
                    "format": "jpeg",
                    "width": 1080,
                    "height": 1080,
                    "bytes": 201344,
                    "url": _LINK,
                }
            ],
            "updated_at": "2026-10-21T09:30:00+00:00",
        }
    ]
}

KIT_IN: dict[str, Any] = {"year": 2026, "stage": "republican", "region": "almaty"}

KIT: dict[str, Any] = {
    "id": "5a0b7a8e-3c1d-4e2f-9a10-2b3c4d5e6f70",
    "year": 2026,
    "stage": "republican",
    "region": "almaty",
    "status": "ready",
    "progress": 1.0,
    "candidates": 12,
    "bytes": 48234112,
    "url": "https://media.top100.kz/files/kits/5a0b7a8e.zip?expires=1760000000&signature=...",
    "created_at": "2026-11-02T08:00:00+00:00",
}

PUBLICATION_IN: dict[str, Any] = {
    "outlet": "Egemen Qazaqstan",
    "url": "https://egemen.kz/article/top100-2026",
    "published_on": "2026-11-15",
    "language": "kk",
    "candidate_ids": [_NOMINATION],
}

PUBLICATION: dict[str, Any] = {"id": "9d8c7b6a-0000-4000-8000-000000000002", "year": 2026, **PUBLICATION_IN}

PUBLICATIONS: dict[str, Any] = {
    "items": [PUBLICATION],
    "year": 2026,
    "count": 1,
    "withdrawals": [
        {
            "nomination_id": _NOMINATION,
            "name": "Нұрланұлы Әлихан Қайратұлы",
            "region": "almaty",
            "stage": "republican",
            "decision_id": "d-2026-almaty-regional",
            "sequence": 2,
            "files": 5,
            "withdrawn_at": "2026-10-30T12:00:00+00:00",
        }
    ],
}
