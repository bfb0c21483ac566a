"""Media's event entrypoints: one thin function per event type its queues deliver, and its chores."""

from __future__ import annotations

from services.media import queries
from services.media.models import Asset, Candidate
from services.media.operations import kits, photos, publicity
from shared import events, identity
from shared.envelope import Event
from shared.handling import Handler, HandlerContext, prepared_by
from shared.runtime import Runtime
from shared.worker import Chore


def _undo_writes(ctx: HandlerContext, nomination_id: str) -> list[str]:
    """The keys this handler writes; should its transaction fail, those no committed row names go."""
    written: list[str] = []
    runtime = ctx.runtime
    ctx.undo.append(lambda: photos.discard_orphans(runtime.db, runtime.blobs, nomination_id, written))
    return written


def fetch_photo(runtime: Runtime, event: Event) -> photos.Fetched | None:
    """Before the unit of work: download and decode the event's photo, unless a short read finds it
    is not wanted (a withdrawn nomination, an older revision, a photo already made). No database
    connection is held while the photo downloads."""
    photo = event.payload.get("photo")
    if photo is None:
        return None
    nomination_id, revision = event.payload["nomination_id"], event.payload.get("revision")
    with runtime.db.unit_of_work() as session:
        if not queries.photo_needed(session, nomination_id, revision, photo["sha256"]):
            return None
    return photos.fetch(photo)


@prepared_by(fetch_photo)
def nomination_with_photo(ctx: HandlerContext, event: Event) -> None:
    """A submission (photo or not) or an amendment: what media prints of it, and a new photo if any
    (fetched and decoded by `fetch_photo` before this unit of work opened).

    A withdrawn consent to publication takes back the candidate's banners and social cards and
    rebuilds the kits that held them (the public photo route already refuses them). A new photo
    of a candidate who already advanced makes its banners again, from the new photo.
    """
    nomination_id = event.payload["nomination_id"]
    written = _undo_writes(ctx, nomination_id)
    candidate = photos.remember(ctx.session, event)
    withdrawn = event.payload.get("consent_publication") is False
    if candidate is not None and withdrawn and not candidate.consent_publication:
        publicity.unpublish(ctx.session, ctx.runtime.blobs, candidate)
        kits.rebuild_holding(ctx.session, ctx.runtime.blobs, candidate)
    asset = photos.take_photo(ctx.session, ctx.runtime.blobs, event, written, ctx.prepared)
    new_photo = asset is not None and asset.status == "processed"
    if candidate is not None and candidate.stage and new_photo and not _made_from(candidate, asset):
        publicity.make_banners(ctx.session, ctx.runtime.blobs, event, candidate, asset, written)


def _made_from(candidate: Candidate, asset: Asset) -> bool:
    """Whether the candidate's banners are already those of this photo (a redelivered event)."""
    return any(f"/{asset.id}/" in file["key"] for file in candidate.banners)


def nomination_withdrawn(ctx: HandlerContext, event: Event) -> None:
    photos.withdraw(ctx.session, ctx.runtime.blobs, event)


def candidate_registered(ctx: HandlerContext, event: Event) -> None:
    """Review took the nomination in at the internal stage: nothing to print before an advancement."""


def candidate_advanced(ctx: HandlerContext, event: Event) -> None:
    """To the republican stage or to the winners: banners and social cards."""
    data = event.payload
    written = _undo_writes(ctx, data["nomination_id"])
    decided = (data["nomination_id"], data["candidate_id"], data["year"])
    publicity.advance(ctx.session, ctx.runtime.blobs, event, decided, data["to_stage"], written)


def candidate_not_advanced(ctx: HandlerContext, event: Event) -> None:
    """Not advanced: nothing to print; a correction (a newer decision than the advancement media
    holds) withdraws the banners and social cards that advancement made."""
    written = _undo_writes(ctx, event.payload["nomination_id"])
    publicity.take_back(ctx.session, ctx.runtime.blobs, event, written)


def candidate_incomplete(ctx: HandlerContext, event: Event) -> None:
    """What a republican candidate still lacks is the region's to supply and notify's to say; the
    banner comes with the processed photo (`make_banners`), so media has nothing to do here."""


def winners_published(ctx: HandlerContext, event: Event) -> None:
    """A region's winners: each gets the winner's banner (one already made is not made again)."""
    data = event.payload
    for nomination_id, candidate_id in zip(data["nomination_ids"], data["candidate_ids"], strict=False):
        written = _undo_writes(ctx, nomination_id)
        decided = (nomination_id, candidate_id, data["year"])
        publicity.advance(ctx.session, ctx.runtime.blobs, event, decided, "winner", written)


#: What media does not print: contacts, study details, the student's language.
_NOT_PRINTED = frozenset(
    {
        "language",
        "contacts",
        "coordinator",
        "specialty",
        "specialty_code",
        "specialty_names",
        "course",
        "academic_standing",
        "minor",
        "categories",
    }
)

#: A decision event's correction fields: media follows the newest `sequence`, whatever it corrects.
_WORDED_BY_NOTIFY = events.DECISION_ORDER - {"sequence"}

#: The payload fields each handler leaves alone on purpose (every other one changes media's state;
#: `tests/contracts` checks both, so a field added to a payload cannot be dropped unnoticed).
IGNORED_FIELDS: dict[str, frozenset[str]] = {
    **identity.IGNORED_FIELDS,
    "nomination.submitted": _NOT_PRINTED,
    "nomination.amended": events.ignored_in_amendment(_NOT_PRINTED),
    "nomination.withdrawn": frozenset({"reason"}),
    "review.candidate_registered": frozenset({"nomination_id", "candidate_id", "stage"}),
    # The decision's own id, the stage it came from (`to_stage` says it), and what notify words for
    # the region; the year only fills a row the submission has not made yet (the submission's year
    # is the one kept). Of the decisions' order media keeps the `sequence`: what a correction is
    # and what it corrects are notify's to word.
    "candidate.advanced": frozenset({"year", "stage", "decision_id", "missing", "amend_by"})
    | _WORDED_BY_NOTIFY,
    "winners.published": frozenset({"year", "decision_id"}) | _WORDED_BY_NOTIFY,
    # The decision's id only names a withdrawal in the publications log (there is none to log for
    # a candidate whose advancement made nothing).
    "candidate.not_advanced": frozenset({"candidate_id", "year", "decision_id"}) | _WORDED_BY_NOTIFY,
    "candidate.incomplete": frozenset({"candidate_id", "nomination_id", "year", "missing", "amend_by"}),
}

HANDLERS: dict[str, Handler] = {
    **identity.HANDLERS,
    "nomination.submitted": nomination_with_photo,
    "nomination.amended": nomination_with_photo,
    "nomination.withdrawn": nomination_withdrawn,
    "review.candidate_registered": candidate_registered,
    "candidate.advanced": candidate_advanced,
    "winners.published": winners_published,
    "candidate.not_advanced": candidate_not_advanced,
    "candidate.incomplete": candidate_incomplete,
}

#: Between deliveries the worker builds media kits, one at a time (`kits.build_next`), and deletes
#: what a killed worker left of replaced photos (`photos.sweep_replaced`).
CHORES: tuple[Chore, ...] = (
    (kits.BUILD_EVERY, kits.build_next),
    (photos.SWEEP_EVERY, photos.sweep_replaced),
)
