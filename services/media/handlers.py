"""Media's event entrypoints: one thin function per event type its queues deliver."""

from __future__ import annotations

from services.media import operations
from shared import events, identity
from shared.envelope import Event
from shared.handling import Handler, HandlerContext


def nomination_with_photo(ctx: HandlerContext, event: Event) -> None:
    """A submission (photo or not) or an amendment that may bring a new photo.

    Derivatives are written before the commit; should it fail, the files no committed asset names go.
    """
    nomination_id = event.payload["nomination_id"]
    ctx.undo.append(lambda: operations.discard_orphans(ctx.runtime.db, ctx.runtime.blobs, nomination_id))
    operations.take_photo(ctx.session, ctx.runtime.blobs, event)


def nomination_withdrawn(ctx: HandlerContext, event: Event) -> None:
    operations.withdraw(ctx.session, ctx.runtime.blobs, event)


def candidate_registered(ctx: HandlerContext, event: Event) -> None:
    """Delivered by media's subscription to review's events; nothing to do until banners and kits."""


#: What media does not print (yet): everything about a nomination but its photo and withdrawal.
_NOT_PRINTED = frozenset(
    {
        "coordinator",
        "year",
        "college_code",
        "college_names",
        "candidate",
        "language",
        "contacts",
        "specialty",
        "course",
        "academic_standing",
        "minor",
        "categories",
        "achievements",
        "statements",
    }
)

#: The payload fields each handler leaves alone on purpose (every other one changes media's state;
#: `tests/contracts` checks both, so a field added to a payload cannot be dropped unnoticed).
IGNORED_FIELDS: dict[str, frozenset[str]] = {
    **identity.IGNORED_FIELDS,
    "nomination.submitted": _NOT_PRINTED,
    "nomination.amended": events.ignored_in_amendment(_NOT_PRINTED),
    "nomination.withdrawn": frozenset({"reason"}),
    "review.candidate_registered": frozenset({"nomination_id", "candidate_id", "stage"}),
}

HANDLERS: dict[str, Handler] = {
    **identity.HANDLERS,
    "nomination.submitted": nomination_with_photo,
    "nomination.amended": nomination_with_photo,
    "nomination.withdrawn": nomination_withdrawn,
    "review.candidate_registered": candidate_registered,
}
