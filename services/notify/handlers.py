"""Notify's event entrypoints: one thin function per event type its queues deliver."""

from __future__ import annotations

from shared.envelope import Event
from shared.handling import Handler, HandlerContext

from . import operations
from .providers import delivery_for


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


HANDLERS: dict[str, Handler] = {
    "nomination.submitted": nomination_submitted,
    "nomination.amended": nomination_amended,
    "nomination.withdrawn": nomination_withdrawn,
    "media.photo_rejected": photo_rejected,
    "media.photo_processed": nothing_to_say,
    "review.candidate_registered": nothing_to_say,
}
