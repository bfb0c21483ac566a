"""The events intake follows (media's, review's, the commissions' decisions and notify's), so a portal
can read a nomination's progress.

Thin: each handler hands the payload to `operations.progress`. `shared.handling.handle` has already
validated the payload and claimed the event in the inbox within the same unit of work.
"""

from __future__ import annotations

from services.intake import rules
from services.intake.operations import progress
from shared import events, identity
from shared.envelope import Event
from shared.handling import Handler, HandlerContext


def photo_processed(ctx: HandlerContext, event: Event) -> None:
    p = event.payload
    progress.photo_processed(ctx.session, p["nomination_id"], p["asset_id"], p.get("nomination_revision"))


def photo_rejected(ctx: HandlerContext, event: Event) -> None:
    p = event.payload
    progress.photo_rejected(ctx.session, p["nomination_id"], p["reason"], p.get("nomination_revision"))


def candidate_registered(ctx: HandlerContext, event: Event) -> None:
    p = event.payload
    progress.candidate_registered(ctx.session, p["nomination_id"], p["candidate_id"], p["stage"])


def notification(ctx: HandlerContext, event: Event) -> None:
    """Notify sent, delivered or gave up on a message to the student: the portal sees they were told."""
    p = event.payload
    if p.get("nomination_id") and p["recipient_kind"] == "student":
        progress.message_sent(
            ctx.session,
            p["nomination_id"],
            p["channel"],
            p["template"],
            event.occurred_at.isoformat(),
            status=event.type.removeprefix("notification."),
        )


def decision(ctx: HandlerContext, event: Event) -> None:
    """A commission decided about the candidate: the portal sees the stage and the decision."""
    p = event.payload
    progress.decision(ctx.session, p["nomination_id"], event.type, dict(p), event.occurred_at.isoformat())


def ignore(ctx: HandlerContext, event: Event) -> None:
    """A media event that says nothing about a nomination's progress (kits, banners): acknowledged."""


def _every(prefix: str, handler: Handler) -> dict[str, Handler]:
    """`handler` for every event type under `prefix` that has a payload schema.

    Intake's queues are bound to all of media's events (`shared.topology`); an event type without a
    handler would be parked. Media's other events are not about progress and are acknowledged.
    """
    return {event_type: handler for event_type, _version in events.known() if event_type.startswith(prefix)}


HANDLERS: dict[str, Handler] = {
    **identity.USER_HANDLERS,  # no `session.ended`: intake takes no session cookie
    **_every("media.", ignore),
    **{event_type: decision for event_type in rules.OUTCOMES},
    "media.photo_processed": photo_processed,
    "media.photo_rejected": photo_rejected,
    "review.candidate_registered": candidate_registered,
    "notification.sent": notification,
    "notification.delivered": notification,
    "notification.failed": notification,
}
