"""Candidates as the media team's pages meet them, made cheaply: a submission through media's own
handler (no photo: nothing to decode), then the stage review's decision would set and, if asked, a
banner file in the blob store (drawing a real 37 MP banner takes seconds; `test_print_banner` does)."""

from __future__ import annotations

from services.media.handlers import HANDLERS
from services.media.models import Candidate
from services.media.tests.factories import submitted
from shared.handling import handle
from shared.runtime import Runtime

BANNER = b"%PDF-1.4 a banner"


def candidate(
    runtime: Runtime,
    nomination_id: str,
    *,
    region: str = "almaty",
    name: tuple[str, str] = ("Нұрланұлы", "Әлихан"),
    college: str = "Алматы политехникалық колледжі",
    stage: str | None = "republican",
    banner: bool = False,
    photo: dict | None = None,
) -> None:
    event = submitted(photo, nomination_id, region)
    event.payload["candidate"] = {"last_name": name[0], "first_name": name[1], "patronymic": None}
    event.payload["college_names"] = {"kk": college, "ru": college + " (ru)"}
    handle(runtime, HANDLERS, "media", event)
    with runtime.db.unit_of_work() as session:
        row = session.get(Candidate, nomination_id)
        assert row is not None
        row.stage = stage
        if banner:
            key = f"banners/{nomination_id}/a/{stage}/banner.pdf"
            runtime.blobs.put(key, BANNER, "application/pdf")
            file = {"name": "banner", "format": "pdf", "key": key, "width": 0, "height": 0}
            row.banners = [{**file, "bytes": len(BANNER), "dpi": 150}]
