"""Media's event entrypoints: one thin function per event type its queues deliver."""

from __future__ import annotations

from services.media import operations
from shared.envelope import Event
from shared.handling import Handler, HandlerContext


def nomination_with_photo(ctx: HandlerContext, event: Event) -> None:
    """A submission (photo or not) or an amendment that may bring a new photo."""
    operations.take_photo(ctx.session, ctx.runtime.blobs, event)


def nomination_withdrawn(ctx: HandlerContext, event: Event) -> None:
    operations.withdraw(ctx.session, ctx.runtime.blobs, event)


def candidate_registered(ctx: HandlerContext, event: Event) -> None:
    """Delivered by media's subscription to review's events; nothing to do until banners and kits."""


HANDLERS: dict[str, Handler] = {
    "nomination.submitted": nomination_with_photo,
    "nomination.amended": nomination_with_photo,
    "nomination.withdrawn": nomination_withdrawn,
    "review.candidate_registered": candidate_registered,
}
