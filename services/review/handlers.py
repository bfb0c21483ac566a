"""Review's event entrypoints: one thin function per event type (the inbox makes each run once), and
the worker's chores (the public vote's display counts and snapshots)."""

from __future__ import annotations

from services.review.operations import audit, counts, vote_flags
from services.review.operations import candidates as operations
from shared import events, identity
from shared.envelope import Event
from shared.handling import Handler, HandlerContext, of_use_case
from shared.worker import Chore

nomination_submitted = of_use_case(operations.register_candidate)
nomination_amended = of_use_case(operations.amend_candidate)
nomination_withdrawn = of_use_case(operations.withdraw_candidate)
photo_processed = of_use_case(operations.record_photo_processed)
photo_rejected = of_use_case(operations.record_photo_rejected)
#: Notify's status of a message to a student: the candidate page shows whether they were reached.
notification = of_use_case(operations.record_student_reach)


def banner_ready(ctx: HandlerContext, event: Event) -> None:
    """Media made a candidate's banner and social cards: review shows no banners (the media team
    fetches them from media), so there is nothing to record; acknowledged so it is never parked."""


def audit_recorded(ctx: HandlerContext, event: Event) -> None:
    """An entry of media's or notify's audit log: review keeps every service's entries together."""
    audit.receive(ctx.session, event.payload)


#: What review does not keep: the student's contacts stay with intake and notify. The consent to
#: publication is kept: review's public pages show only candidates who consent.
_NOT_KEPT = frozenset({"contacts", "coordinator"})

#: The payload fields each handler leaves alone on purpose (every other one changes review's state;
#: `tests/contracts` checks both, so a field added to a payload cannot be dropped unnoticed).
IGNORED_FIELDS: dict[str, frozenset[str]] = {
    **identity.IGNORED_FIELDS,
    "nomination.submitted": _NOT_KEPT,
    "nomination.amended": events.ignored_in_amendment(_NOT_KEPT),
    "notification.sent": frozenset({"message_id"}),
    "notification.delivered": frozenset({"message_id"}),
    "notification.failed": frozenset({"message_id"}),
    "media.photo_rejected": frozenset({"text", "params"}),  # review words the reason from its code
    "media.banner_ready": frozenset({"nomination_id", "candidate_id", "stage", "derivatives"}),
}

HANDLERS: dict[str, Handler] = {
    **identity.HANDLERS,
    "nomination.submitted": nomination_submitted,
    "nomination.amended": nomination_amended,
    "nomination.withdrawn": nomination_withdrawn,
    "media.photo_processed": photo_processed,
    "media.photo_rejected": photo_rejected,
    "notification.sent": notification,
    "notification.delivered": notification,
    "notification.failed": notification,
    "media.banner_ready": banner_ready,
    "audit.recorded": audit_recorded,
}

#: What the worker does on a clock: rebuild the open contests' display counts from their votes, check
#: their new votes by the fraud signals (`operations.vote_flags`), and take the snapshot of each
#: contest closed (once; `operations.counts`).
CHORES: tuple[Chore, ...] = (
    (counts.COUNTS_EVERY, counts.recount_open),
    (vote_flags.CHECK_EVERY, vote_flags.check_moving),
    (counts.SNAPSHOT_EVERY, counts.snapshot_closed),
)
