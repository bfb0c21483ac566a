"""Notify's event entrypoints: one thin function per event type its queues deliver."""

from __future__ import annotations

from services.notify import operations
from services.notify.providers import delivery_for
from shared.envelope import Event
from shared.handling import Handler, HandlerContext


def nomination_submitted(ctx: HandlerContext, event: Event) -> None:
    operations.receipt(ctx.session, delivery_for(ctx.runtime.settings), event)


def nomination_amended(ctx: HandlerContext, event: Event) -> None:
    operations.amend(ctx.session, event)


def photo_rejected(ctx: HandlerContext, event: Event) -> None:
    operations.photo_rejected(ctx.session, delivery_for(ctx.runtime.settings), event)


def nothing_to_say(ctx: HandlerContext, event: Event) -> None:
    """Delivered by notify's subscriptions; no message is due for it (yet)."""


HANDLERS: dict[str, Handler] = {
    "nomination.submitted": nomination_submitted,
    "nomination.amended": nomination_amended,
    "nomination.withdrawn": nothing_to_say,
    "media.photo_rejected": photo_rejected,
    "media.photo_processed": nothing_to_say,
    "review.candidate_registered": nothing_to_say,
}
