"""Wiring intake in one place: settings, database and blob store."""

from __future__ import annotations

from services.intake.models import metadata
from shared.config import Settings
from shared.runtime import Runtime, build_runtime

SERVICE = "intake"


def build(settings: Settings | None = None) -> Runtime:
    """Intake's runtime from the environment (or from `settings`, which tests pass)."""
    return build_runtime(SERVICE, metadata, settings)
