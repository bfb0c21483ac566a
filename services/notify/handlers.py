"""Notify's event entrypoints: one thin function per event type its queues deliver."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from services.notify.operations import chores, notices, searching, sending
from services.notify.operations.providers import delivery_for
from shared import events, identity, nomination_parts
from shared.envelope import Event
from shared.handling import Handler, HandlerContext, of_use_case
from shared.worker import Chore


def _sending(use_case: Callable[[Session, Event], None]) -> Handler:
    """A handler that records messages, then sends them once its transaction has committed."""

    def handler(ctx: HandlerContext, event: Event) -> None:
        use_case(searching.keyed(ctx.session, ctx.runtime.settings.secret_key), event)
        sending.send_after_commit(ctx.session, ctx.runtime.db, delivery_for(ctx.runtime.settings))

    handler.__name__ = handler.__qualname__ = use_case.__name__
    handler.__doc__ = use_case.__doc__
    return handler


nomination_withdrawn = of_use_case(notices.withdraw)
stage_closed = of_use_case(notices.stage_closed)
candidate_registered = of_use_case(notices.candidate_registered)


def user_changed(ctx: HandlerContext, event: Event) -> None:
    """Credentials' generation (revocation) and the member's contacts, for digests and reminders."""
    notices.person_changed(ctx.session, event, disabled=False)


def user_disabled(ctx: HandlerContext, event: Event) -> None:
    notices.person_changed(ctx.session, event, disabled=True)


def nothing_to_say(ctx: HandlerContext, event: Event) -> None:
    """Delivered by notify's subscriptions; no message is due for it."""


#: What a message to the student does not say: the student's record among them. The photo only
#: marks the revision a new one came at (so a rejection of a replaced photo is not sent); its
#: contents are media's.
_NOT_SAID = frozenset(
    {
        "year",
        "college_names",
        *nomination_parts.RECORD,
        "specialty_code",
        "specialty_names",
        "statements",
        "photo",
        "consent_publication",
    }
)

#: Of the decisions' order, what notify does not word.
_ORDER_ONLY = frozenset({"sequence", "corrects"})

#: The payload fields each handler leaves alone on purpose (every other one changes notify's state;
#: `tests/contracts` checks both, so a field added to a payload cannot be dropped unnoticed).
IGNORED_FIELDS: dict[str, frozenset[str]] = {
    "user.changed": frozenset(),
    "nomination.submitted": _NOT_SAID,
    # A withdrawn consent to publication is confirmed in a letter (`operations.notices.amend`).
    "nomination.amended": events.ignored_in_amendment(_NOT_SAID) - {"consent_publication"},
    "nomination.withdrawn": frozenset({"reason"}),
    "media.photo_processed": frozenset({"nomination_id", "asset_id", "derivatives", "nomination_revision"}),
    # Notify words a rejection from its own templates by the reason's code and media's figures
    # (`params`); the ready-made text is there for a consumer without templates.
    "media.photo_rejected": frozenset({"text"}),
    "media.banner_ready": frozenset({"nomination_id", "candidate_id", "stage", "derivatives"}),
    "review.candidate_registered": frozenset({"candidate_id"}),
    # A correction is worded from `correction` and `corrects_recorded_at`; review writes its events
    # to the changed candidates only, so notify needs no order of its own (`sequence`, `corrects`).
    "candidate.advanced": frozenset({"candidate_id", "stage", "decision_id"}) | _ORDER_ONLY,
    "candidate.not_advanced": frozenset({"candidate_id", "decision_id"}) | _ORDER_ONLY,
    "candidate.incomplete": frozenset({"candidate_id"}),
    "winners.published": frozenset({"candidate_ids", "decision_id"}) | _ORDER_ONLY | {"corrects_recorded_at"},
    "stage.closed": frozenset({"candidates", "advanced", "quota"} | events.DECISION_ORDER),
    # The SMS says the code, not what it is for: the contest is for an operator reading the event.
    "vote.code_requested": frozenset({"contest_id"}),
}

HANDLERS: dict[str, Handler] = {
    "user.changed": user_changed,
    "user.disabled": user_disabled,
    "session.ended": identity.HANDLERS["session.ended"],
    "nomination.submitted": _sending(notices.submitted),
    "nomination.amended": _sending(notices.amend),
    "nomination.withdrawn": nomination_withdrawn,
    "media.photo_rejected": _sending(notices.photo_rejected),
    "media.photo_processed": nothing_to_say,
    "media.banner_ready": nothing_to_say,
    "review.candidate_registered": candidate_registered,
    "candidate.advanced": _sending(notices.advanced),
    "candidate.not_advanced": _sending(notices.not_advanced),
    "candidate.incomplete": _sending(notices.incomplete),
    "winners.published": _sending(notices.winners),
    "stage.closed": stage_closed,
    "vote.code_requested": _sending(notices.vote_code),
}

#: What the worker does on a clock rather than on an event.
CHORES: tuple[Chore, ...] = (
    (sending.SWEEP_EVERY, chores.send_due),
    (chores.CALENDAR_EVERY, chores.calendar),
    (chores.RETENTION_EVERY, chores.retention),
)
