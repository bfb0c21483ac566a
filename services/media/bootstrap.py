"""Wiring media in one place: settings, database, blob store."""

from __future__ import annotations

from services.media.models import metadata
from shared.config import Settings
from shared.runtime import Runtime, build_runtime

SERVICE = "media"


def build(settings: Settings | None = None) -> Runtime:
    return build_runtime(SERVICE, metadata, settings)
