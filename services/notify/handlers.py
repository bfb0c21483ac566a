"""Notify's event entrypoints: one thin function per event type its queues deliver."""

from __future__ import annotations

from services.notify import operations
from services.notify.providers import delivery_for
from shared import events, identity
from shared.envelope import Event
from shared.handling import Handler, HandlerContext
from shared.runtime import Runtime
from shared.worker import Chore


def nomination_submitted(ctx: HandlerContext, event: Event) -> None:
    operations.receipt(ctx.session, event)
    _send_after_commit(ctx, event)


def nomination_amended(ctx: HandlerContext, event: Event) -> None:
    operations.amend(ctx.session, event)


def nomination_withdrawn(ctx: HandlerContext, event: Event) -> None:
    operations.withdraw(ctx.session, event)


def photo_rejected(ctx: HandlerContext, event: Event) -> None:
    operations.photo_rejected(ctx.session, event)
    _send_after_commit(ctx, event)


def _send_after_commit(ctx: HandlerContext, event: Event) -> None:
    """The messages the handler queued go out one by one once its transaction has committed."""
    operations.send_after_commit(ctx.session, ctx.runtime.db, delivery_for(ctx.runtime.settings), event)


def nothing_to_say(ctx: HandlerContext, event: Event) -> None:
    """Delivered by notify's subscriptions; no message is due for it (yet)."""


def sweep_queued(runtime: Runtime) -> None:
    """Send what is still queued: a worker killed between its commit and the sending left it."""
    operations.send_left_behind(runtime.db, delivery_for(runtime.settings))


#: What a message to the student does not say. The photo only marks the revision a new one came at
#: (so a rejection of a replaced photo is not sent); its contents are media's.
_NOT_SAID = frozenset(
    {
        "year",
        "college_code",
        "college_names",
        "specialty",
        "course",
        "academic_standing",
        "minor",
        "categories",
        "achievements",
        "statements",
        "photo",
        "consent_publication",
    }
)

#: The payload fields each handler leaves alone on purpose (every other one changes notify's state;
#: `tests/contracts` checks both, so a field added to a payload cannot be dropped unnoticed).
IGNORED_FIELDS: dict[str, frozenset[str]] = {
    **identity.IGNORED_FIELDS,
    "nomination.submitted": _NOT_SAID,
    "nomination.amended": events.ignored_in_amendment(_NOT_SAID),
    "nomination.withdrawn": frozenset({"reason"}),
    "media.photo_processed": frozenset({"nomination_id", "asset_id", "derivatives", "nomination_revision"}),
    # Notify words a rejection from its own templates by the reason's code (the text and figures
    # are there for a consumer without templates).
    "media.photo_rejected": frozenset({"text", "params"}),
    "media.banner_ready": frozenset({"nomination_id", "candidate_id", "stage", "derivatives"}),
    "review.candidate_registered": frozenset({"nomination_id", "candidate_id", "stage"}),
}

HANDLERS: dict[str, Handler] = {
    **identity.HANDLERS,
    "nomination.submitted": nomination_submitted,
    "nomination.amended": nomination_amended,
    "nomination.withdrawn": nomination_withdrawn,
    "media.photo_rejected": photo_rejected,
    "media.photo_processed": nothing_to_say,
    # A banner is news for the media team, not for the student (no template announces it).
    "media.banner_ready": nothing_to_say,
    "review.candidate_registered": nothing_to_say,
}

#: What the worker does on a clock rather than on an event.
CHORES: tuple[Chore, ...] = ((operations.SWEEP_EVERY, sweep_queued),)
