"""What review and media tell intake about a nomination, kept for the portal to read back.

Events may arrive for nominations intake no longer shows (none today: rows are never deleted) or
before intake's own row is visible to the handler (impossible: intake produced the nomination first);
an unknown id is ignored rather than retried forever.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.intake import rules
from services.intake.models import Nomination, Progress
from shared import clock


def _progress(session: Session, nomination_id: str) -> Progress | None:
    nomination = session.get(Nomination, nomination_id)
    if nomination is None:
        return None
    if nomination.progress is None:
        nomination.progress = Progress(
            photo_status="pending" if nomination.photo else "none",
            decisions=[],
            notifications=[],
            updated_at=clock.utcnow(),
        )
    return nomination.progress


def _about_current_photo(session: Session, nomination_id: str, nomination_revision: int | None) -> bool:
    """Whether media's report is about the photo the nomination has now, not an older one.

    The bus may deliver media's report on a replaced photo after the replacement: it carries the
    revision of the photo it processed, and a photo attached at submission has revision 1.
    """
    nomination = session.get(Nomination, nomination_id)
    if nomination is None or nomination.photo is None or nomination_revision is None:
        return True
    return nomination_revision >= (nomination.photo.revision or 1)


def _photo_progress(session: Session, nomination_id: str, nomination_revision: int | None) -> Progress | None:
    """Where media's report on the photo goes: None if it is about a photo since replaced (or unknown)."""
    if not _about_current_photo(session, nomination_id, nomination_revision):
        return None
    return _progress(session, nomination_id)


def photo_processed(
    session: Session, nomination_id: str, asset_id: str, nomination_revision: int | None = None
) -> None:
    progress = _photo_progress(session, nomination_id, nomination_revision)
    if progress is not None:
        progress.photo_status, progress.photo_reason = "processed", None
        progress.photo_asset_id, progress.updated_at = asset_id, clock.utcnow()


def photo_rejected(
    session: Session, nomination_id: str, reason: str, nomination_revision: int | None = None
) -> None:
    progress = _photo_progress(session, nomination_id, nomination_revision)
    if progress is not None:
        progress.photo_status, progress.photo_reason, progress.updated_at = "rejected", reason, clock.utcnow()


def message_sent(
    session: Session, nomination_id: str, channel: str, template: str, occurred_at: str, status: str = "sent"
) -> None:
    """Notify sent (delivered, failed) a message about the nomination: the coordinator sees whether
    the student was told."""
    progress = _progress(session, nomination_id)
    if progress is not None:
        line = {"channel": channel, "template": template, "at": occurred_at, "status": status}
        progress.notifications, progress.updated_at = [*progress.notifications, line], clock.utcnow()


def candidate_registered(session: Session, nomination_id: str, candidate_id: str, stage: str) -> None:
    progress = _progress(session, nomination_id)
    if progress is not None:
        progress.candidate_id, progress.stage, progress.updated_at = candidate_id, stage, clock.utcnow()


def decision(
    session: Session, nomination_id: str, event_type: str, payload: dict[str, Any], occurred_at: str
) -> None:
    """A commission's decision about the candidate (`candidate.advanced`, `candidate.not_advanced`,
    `candidate.incomplete`): a line in `decisions`, and the stage the newest decision leaves it in.

    The bus reorders, and a correction is a newer decision of the same stage (`sequence`): a late
    copy of an older one is listed but leaves the stage as the newer one set it.
    """
    progress = _progress(session, nomination_id)
    if progress is None:
        return
    line = rules.decision_line(event_type, payload, occurred_at)
    if rules.newest_of_its_stage(line, progress.decisions) and line["stage"]:
        progress.stage = line["stage"]
    progress.decisions = [*progress.decisions, line]
    progress.updated_at = clock.utcnow()
