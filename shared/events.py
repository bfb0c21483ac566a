"""Versioned payload schemas of every event type: the contract between the services.

A consumer loads a payload only through `load_payload`; an unknown (type, version) raises
`UnknownEvent` and the message is parked, never guessed at. Personal data is kept to the minimum each
consumer needs: no IIN ever appears here.

Order: the bus reorders (retries, returned rows, several relays), so every event about a nomination
carries `revision`, the nomination's revision at intake when the event was written (1 at submission,
one more with each amendment, photo and withdrawal), and media's events carry `nomination_revision`,
the revision of the event whose photo they report on. Both are optional, so a v1 event written before
they existed still loads; a consumer applies such an event as it always did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, fields, validate

from shared.i18n import LANGUAGES

_REGISTRY: dict[tuple[str, int], Schema] = {}


class UnknownEvent(Exception):
    """No schema is registered for this (type, version)."""


def payload(event_type: str, version: int) -> Callable[[type[Schema]], type[Schema]]:
    """Register a payload schema for one (type, version)."""

    def register(schema_cls: type[Schema]) -> type[Schema]:
        key = (event_type, version)
        if key in _REGISTRY:
            raise ValueError(f"payload {key} registered twice")
        _REGISTRY[key] = schema_cls()
        return schema_cls

    return register


def known() -> list[tuple[str, int]]:
    return sorted(_REGISTRY)


def load_payload(event_type: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
    """Validate and load a payload; raises UnknownEvent or marshmallow.ValidationError."""
    schema = _REGISTRY.get((event_type, version))
    if schema is None:
        raise UnknownEvent(f"no payload schema for {event_type} v{version}")
    return schema.load(data)


def dump_payload(event_type: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
    """Check a payload before it is written to the outbox, so a producer cannot emit a malformed one."""
    schema = _REGISTRY.get((event_type, version))
    if schema is None:
        raise UnknownEvent(f"no payload schema for {event_type} v{version}")
    errors = schema.validate(data)
    if errors:
        from marshmallow import ValidationError

        raise ValidationError(errors)
    return data


class _Strict(Schema):
    class Meta:
        unknown = "exclude"


def _revision() -> fields.Integer:
    """An optional revision (older producers did not send one)."""
    return fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1))


def _names() -> fields.Dict:
    """A name in kk/ru/en (optional: older producers did not send it)."""
    return fields.Dict(
        keys=fields.String(validate=validate.OneOf(LANGUAGES)),
        values=fields.String(),
        load_default=None,
        allow_none=True,
    )


class CandidateName(_Strict):
    last_name = fields.String(required=True)
    first_name = fields.String(required=True)
    patronymic = fields.String(load_default=None, allow_none=True)


class Coordinator(_Strict):
    """The college's coordinator who sent the nomination: notify tells them what the student hears."""

    full_name = fields.String(required=True)
    email = fields.Email(required=True)


class Contacts(_Strict):
    email = fields.Email(required=True)
    phone = fields.String(required=True)


class Achievement(_Strict):
    title = fields.String(required=True)
    year = fields.Integer(required=True)
    level = fields.String(required=True)
    description = fields.String(load_default=None, allow_none=True)


class PhotoRef(_Strict):
    """Where media can read the original photo, never the bytes: `url` is a link intake signs and
    that expires (S3 presigned, or intake's signed `/files/` route), `key` its name at intake."""

    key = fields.String(required=True)
    url = fields.String(required=True)
    sha256 = fields.String(required=True)
    content_type = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)


@payload("nomination.submitted", 1)
class NominationSubmittedV1(_Strict):
    nomination_id = fields.String(required=True)
    year = fields.Integer(required=True)
    college_code = fields.String(required=True)
    #: The college's name in kk/ru/en, so review and media can show it without intake's reference data.
    college_names = fields.Dict(
        keys=fields.String(validate=validate.OneOf(LANGUAGES)), values=fields.String(), load_default=None
    )
    candidate = fields.Nested(CandidateName, required=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    contacts = fields.Nested(Contacts, required=True)
    #: The portal's own words for the specialty (a name of the classifier, in the student's language,
    #: when the portal gave only its code).
    specialty = fields.String(required=True)
    #: Added (optional, so an event written before them still loads): the specialty's code in intake's
    #: classifier of college specialties and its names in kk/ru/en, when the portal named it by code.
    specialty_code = fields.String(load_default=None, allow_none=True)
    specialty_names = _names()
    course = fields.Integer(required=True)
    academic_standing = fields.String(required=True)
    minor = fields.Boolean(required=True)
    categories = fields.List(fields.String(), required=True)
    achievements = fields.List(fields.Nested(Achievement), required=True)
    statements = fields.Dict(keys=fields.String(validate=validate.OneOf(LANGUAGES)), values=fields.String())
    photo = fields.Nested(PhotoRef, load_default=None, allow_none=True)
    revision = _revision()
    #: Added (optional, so older events still load): whom notify copies on the student's messages.
    coordinator = fields.Nested(Coordinator, load_default=None, allow_none=True)
    #: Whether the student agreed to be published (media shows only those who did). Optional, so an
    #: event written before it existed still loads; a consumer takes its absence as "no".
    consent_publication = fields.Boolean(load_default=None, allow_none=True)


@payload("nomination.amended", 1)
class NominationAmendedV1(_Strict):
    """The changed parts only; a consumer applies what is present."""

    nomination_id = fields.String(required=True)
    changed = fields.List(fields.String(), required=True)
    candidate = fields.Nested(CandidateName, load_default=None, allow_none=True)
    language = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(LANGUAGES))
    contacts = fields.Nested(Contacts, load_default=None, allow_none=True)
    statements = fields.Dict(load_default=None, allow_none=True)
    photo = fields.Nested(PhotoRef, load_default=None, allow_none=True)
    # Added (optional, so v1 consumers are unaffected): the other parts a portal may amend before 5 Oct.
    categories = fields.List(fields.String(), load_default=None, allow_none=True)
    achievements = fields.List(fields.Nested(Achievement), load_default=None, allow_none=True)
    specialty = fields.String(load_default=None, allow_none=True)
    #: Added (optional): sent with `specialty` whenever the specialty changed (its code, or null and
    #: no names when the portal dropped the code for its own words).
    specialty_code = fields.String(load_default=None, allow_none=True)
    specialty_names = _names()
    course = fields.Integer(load_default=None, allow_none=True)
    academic_standing = fields.String(load_default=None, allow_none=True)
    minor = fields.Boolean(load_default=None, allow_none=True)
    revision = _revision()
    #: Added (optional): the consent to publication, when it changed (`changed` holds
    #: `consent.publication`); a student may withdraw it at any time, and every consumer then takes
    #: them off whatever it shows the public.
    consent_publication = fields.Boolean(load_default=None, allow_none=True)


@payload("nomination.withdrawn", 1)
class NominationWithdrawnV1(_Strict):
    nomination_id = fields.String(required=True)
    reason = fields.String(load_default=None, allow_none=True)
    revision = _revision()


@payload("media.photo_processed", 1)
class PhotoProcessedV1(_Strict):
    """`derivatives`: the blob keys at media of every derivative (`media/<nomination>/<asset>/<name>.<ext>`:
    a new photo's keys are new, so a link to an old one stops working)."""

    nomination_id = fields.String(required=True)
    asset_id = fields.String(required=True)
    derivatives = fields.List(fields.String(), required=True)
    nomination_revision = _revision()


@payload("media.photo_rejected", 1)
class PhotoRejectedV1(_Strict):
    """`reason` is a code; `text` the same in kk/ru/en for whoever shows it as it is; `params` the
    figures a message needs to word it (`minimum` side in px, `maximum_megapixels`). Both optional."""

    nomination_id = fields.String(required=True)
    reason = fields.String(required=True)
    nomination_revision = _revision()
    text = fields.Dict(
        keys=fields.String(validate=validate.OneOf(LANGUAGES)), values=fields.String(), load_default=None
    )
    params = fields.Dict(keys=fields.String(), values=fields.Integer(), load_default=None)


@payload("review.candidate_registered", 1)
class CandidateRegisteredV1(_Strict):
    """Review has taken the nomination in as a candidate (`stage`: `regional`, where review starts)."""

    nomination_id = fields.String(required=True)
    candidate_id = fields.String(required=True)
    stage = fields.String(required=True)


STAGES = ("regional", "republican")

#: Payloads agreed before their producer or every consumer exists (review's decisions, notify's
#: status, media's banners are being built): `tests/contracts` leaves these out of its
#: "every event has a follower and a handler" checks. A type leaves this set when it is produced.
PLANNED: frozenset[str] = frozenset()


class _DecisionOrder(_Strict):
    """What orders a scope's decisions, on every decision event (optional, so an event written before
    they existed still loads; a consumer applies such an event as its scope's first decision).

    `sequence` numbers the decisions of one scope (year, stage, region or national) 1, 2, ... in the
    order recorded, so a consumer tells a correction from a late copy of an older decision and keeps
    the newest. A correction's events carry `correction: true`, the decision it supersedes in
    `corrects` and when that one was recorded in `corrects_recorded_at`, so notify can word "the
    commission has corrected its decision of 10 October" without asking review.
    """

    sequence = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1))
    correction = fields.Boolean(load_default=False)
    corrects = fields.String(load_default=None, allow_none=True)
    corrects_recorded_at = fields.AwareDateTime(load_default=None, allow_none=True)


#: The names of those fields, for a consumer that declares them ignored (`handlers.IGNORED_FIELDS`).
DECISION_ORDER: frozenset[str] = frozenset(_DecisionOrder().fields)


@payload("candidate.advanced", 1)
class CandidateAdvancedV1(_DecisionOrder):
    """A commission's decision advanced the candidate: from the regional stage to the republican one,
    or from the republican stage to the winners (`to_stage` = `winner`).

    `missing` is what the candidate still lacks for the republican stage (as intake names it:
    `statements.kk`, `photo`...) and `amend_by` the last moment the region may supply it, so notify
    can write both without knowing the calendar or the rules.
    """

    candidate_id = fields.String(required=True)
    nomination_id = fields.String(required=True)
    year = fields.Integer(required=True, strict=True)
    stage = fields.String(required=True, validate=validate.OneOf(STAGES))
    to_stage = fields.String(required=True, validate=validate.OneOf(("republican", "winner")))
    decision_id = fields.String(required=True)
    missing = fields.List(fields.String(), load_default=list)
    amend_by = fields.AwareDateTime(load_default=None, allow_none=True)


@payload("candidate.not_advanced", 1)
class CandidateNotAdvancedV1(_DecisionOrder):
    candidate_id = fields.String(required=True)
    nomination_id = fields.String(required=True)
    year = fields.Integer(required=True, strict=True)
    stage = fields.String(required=True, validate=validate.OneOf(STAGES))
    decision_id = fields.String(required=True)


@payload("candidate.incomplete", 1)
class CandidateIncompleteV1(_Strict):
    """A republican candidate still lacks statements or a processed photo (for the region's
    coordinator, until `amend_by`)."""

    candidate_id = fields.String(required=True)
    nomination_id = fields.String(required=True)
    year = fields.Integer(required=True, strict=True)
    missing = fields.List(fields.String(), required=True)
    amend_by = fields.AwareDateTime(required=True)


@payload("stage.closed", 1)
class StageClosedV1(_DecisionOrder):
    """A commission recorded its decision for a region (regional) or the country (republican)."""

    year = fields.Integer(required=True, strict=True)
    stage = fields.String(required=True, validate=validate.OneOf(STAGES))
    decision_id = fields.String(required=True)
    candidates = fields.Integer(required=True, strict=True)
    advanced = fields.Integer(required=True, strict=True)
    quota = fields.Integer(required=True, strict=True)


@payload("winners.published", 1)
class WinnersPublishedV1(_DecisionOrder):
    """The winners of a region (one event per region of the national decision)."""

    year = fields.Integer(required=True, strict=True)
    decision_id = fields.String(required=True)
    candidate_ids = fields.List(fields.String(), required=True)
    nomination_ids = fields.List(fields.String(), required=True)


NOTIFICATION_CHANNELS = ("email", "sms")
RECIPIENT_KINDS = ("student", "coordinator", "member", "region")


class _NotificationBase(_Strict):
    message_id = fields.String(required=True)
    nomination_id = fields.String(load_default=None, allow_none=True)
    template = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(NOTIFICATION_CHANNELS))
    recipient_kind = fields.String(required=True, validate=validate.OneOf(RECIPIENT_KINDS))


@payload("notification.sent", 1)
class NotificationSentV1(_NotificationBase):
    """A provider took the message (an SMTP server, an SMS gateway)."""


@payload("notification.delivered", 1)
class NotificationDeliveredV1(_NotificationBase):
    """The provider's receipt says it reached the phone (SMS; email has no such receipt)."""


@payload("notification.failed", 1)
class NotificationFailedV1(_NotificationBase):
    """Given up: a permanent failure or the last retry; `reason` is a code, never personal data."""

    reason = fields.String(required=True)


@payload("media.banner_ready", 1)
class BannerReadyV1(_Strict):
    """Media made the banner and social cards of an advanced candidate or a winner."""

    nomination_id = fields.String(required=True)
    candidate_id = fields.String(required=True)
    stage = fields.String(required=True, validate=validate.OneOf(("republican", "winner")))
    derivatives = fields.List(fields.String(), required=True)


@payload("user.changed", 1)
class UserChangedV1(_Strict):
    """A user's account at review changed (created, password, role, scope, language, college).

    Every service remembers `generation` and refuses the user's older credentials; notify also keeps
    the email, language, role and scope of commission members for their digests and reminders. The
    name's parts are optional (older producers did not send them, and an account may have one whole
    `name` only); where they are, letters greet by given name and patronymic.
    """

    user_id = fields.String(required=True)
    generation = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    email = fields.Email(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    scope = fields.String(required=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    college = fields.String(load_default=None, allow_none=True)
    last_name = fields.String(load_default=None, allow_none=True)
    first_name = fields.String(load_default=None, allow_none=True)
    patronymic = fields.String(load_default=None, allow_none=True)


@payload("user.disabled", 1)
class UserDisabledV1(_Strict):
    """A user may no longer sign in: every credential of theirs stops working in every service."""

    user_id = fields.String(required=True)
    generation = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


#: The parts of a nomination fixed at submission (its year and college): a submission tells them,
#: an amendment never does.
FIXED_AT_SUBMISSION = frozenset(NominationSubmittedV1().fields) - frozenset(NominationAmendedV1().fields)


def ignored_in_amendment(ignored_in_submission: frozenset[str]) -> frozenset[str]:
    """What a consumer leaves alone in an amendment, given what it leaves alone in a submission.

    The same parts, less those fixed at submission (an amendment has none), plus `changed`, which
    only names the parts the amendment carries. One rule for every consumer, so their
    `handlers.IGNORED_FIELDS` cannot drift apart on it.
    """
    return (ignored_in_submission - FIXED_AT_SUBMISSION) | {"changed"}


@payload("audit.recorded", 1)
class AuditRecordedV1(_Strict):
    """A person read personal data or changed something at media or notify: review keeps every
    service's audit together. Ids only, nothing personal: `actor_id` is the user's id at review,
    `object` the kind and id of what was read or changed (`nomination:<id>`, `kit:<id>`, `message:<id>`),
    `entry_id` the entry's id in the producer's own append-only log (review records each once).
    """

    entry_id = fields.String(required=True)
    service = fields.String(required=True, validate=validate.OneOf(("intake", "review", "media", "notify")))
    actor_id = fields.String(load_default=None, allow_none=True)
    action = fields.String(required=True)
    object = fields.String(load_default=None, allow_none=True)
    at = fields.AwareDateTime(required=True)
    #: Added (optional): the region code of what was read (a candidate's, a message's), or None for
    #: what has none (a kit of every region, a template), so a regional chair sees their region's
    #: entries at review; the routing key falls back to the capital's and cannot tell the two apart.
    region = fields.String(load_default=None, allow_none=True)


@payload("session.ended", 1)
class SessionEndedV1(_Strict):
    """A signed-in session ended (logout, password reset, role change, disabling): every service
    refuses the cookie that carries `session_id` from then on, as it refuses an older generation."""

    user_id = fields.String(required=True)
    session_id = fields.String(required=True)


#: The one-time code of the public vote: six digits, zero-padded.
VOTE_CODE = r"^[0-9]{6}$"
#: A Kazakhstan mobile number in E.164, as review has already checked it.
E164_KZ = r"^\+7[0-9]{10}$"


@payload("vote.code_requested", 1)
class VoteCodeRequestedV1(_Strict):
    """A voter asked review for a one-time code to prove a phone: notify sends `code` by SMS
    (template `vote_code`) at once, whatever the hour, unless `expires_at` has passed, and keeps
    neither the code nor the phone in clear once the SMS is sent.

    The minimum: the verification it answers (the message is sent once per verification), the phone
    in E.164 and the voter's language; `contest_id` tells an operator what the code was for. The
    routing key's region is the contest's (`astana` for the national one).
    """

    verification_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    contest_id = fields.String(required=True)
    phone = fields.String(required=True, validate=validate.Regexp(E164_KZ))
    code = fields.String(required=True, validate=validate.Regexp(VOTE_CODE))
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    expires_at = fields.AwareDateTime(required=True)
