"""The API contract as marshmallow schemas: they validate requests AND generate the OpenAPI document.

Error messages here are message *codes* (`required`, `length|min=1|max=100`), not sentences: the API
turns each into kk/ru/en with `services.intake.messages`. The programme's rules (IIN, names, phones,
statements, consent) run after the schema on whatever it loaded
(`services.intake.operations.validation`), so a request learns every broken field at once.
Enumerations and patterns the rules own are documented here through `metadata` only, so one broken
value gives one message, not two; what a rule can say as a JSON schema (an IIN's shape, the letters
of a name, a mobile number, a consent that must be true) the schema says, so that a request the
schema allows is refused only for the rules no schema can say (the check digit, 250 words, the
reference data), which the 422's description names.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

from marshmallow import RAISE, Schema, fields, missing, validate

from services.intake import rules
from shared.i18n import LANGUAGES
from shared.problems import ProblemMembers, by_field

STATUSES = ("submitted", "withdrawn")


class Str(fields.String):
    default_error_messages: ClassVar[dict[str, str]] = {
        "required": "required",
        "null": "null",
        "invalid": "type_string",
        "invalid_utf8": "type_string",
        "validator_failed": "invalid",
    }


class Int(fields.Integer):
    """A whole number from `minimum` to `maximum`.

    A number too long to be read as an integer comes as an infinite float (see the API's JSON
    parsing: Python refuses integers of more than 4,300 digits); it is out of range like any other.
    """

    default_error_messages: ClassVar[dict[str, str]] = {
        "required": "required",
        "null": "null",
        "invalid": "type_integer",
        "validator_failed": "invalid",
    }

    def __init__(self, minimum: int, maximum: int, **kwargs: Any) -> None:
        super().__init__(
            strict=True,
            validate=between(minimum, maximum),
            error_messages={"too_large": f"range|min={minimum}|max={maximum}"},
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(value, float) and math.isinf(value):
            raise self.make_error("too_large")
        return super()._deserialize(value, attr, data, **kwargs)


class Bool(fields.Boolean):
    default_error_messages: ClassVar[dict[str, str]] = {
        "required": "required",
        "null": "null",
        "invalid": "type_boolean",
        "validator_failed": "invalid",
    }

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(truthy={True}, falsy={False}, **kwargs)


class Day(fields.Date):
    default_error_messages: ClassVar[dict[str, str]] = {
        "required": "required",
        "null": "null",
        "invalid": "type_date",
        "format": "type_date",
        "validator_failed": "invalid",
    }


class Mail(fields.Email):
    default_error_messages: ClassVar[dict[str, str]] = {
        "required": "required",
        "null": "null",
        "invalid": "invalid_email",
        "validator_failed": "invalid_email",
    }


class Items(fields.List):
    default_error_messages: ClassVar[dict[str, str]] = {
        "required": "required",
        "null": "null",
        "invalid": "type_list",
        "validator_failed": "invalid",
    }


class Obj(fields.Nested):
    default_error_messages: ClassVar[dict[str, str]] = {
        "required": "required",
        "null": "null",
        "type": "type_object",
        "validator_failed": "invalid",
    }


def length(minimum: int | None = None, maximum: int | None = None) -> validate.Length:
    return validate.Length(min=minimum, max=maximum, error="length|min={min}|max={max}")


def between(minimum: int, maximum: int) -> validate.Range:
    return validate.Range(min=minimum, max=maximum, error="range|min={min}|max={max}")


def one_of(choices: tuple[str, ...]) -> validate.OneOf:
    return validate.OneOf(choices, error="one_of|choices={choices}")


class Strict(Schema):
    """Unknown fields are an error: a typo in a portal's field name must not pass silently."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "unknown_field", "type": "type_object"}  # noqa: RUF012


NAME = {
    "description": "1-100 characters: words of Cyrillic (Kazakh letters included) or of Latin letters, "
    "joined by spaces, a hyphen or an apostrophe",
    "pattern": rules.NAME_PATTERN,
}
PHONE = {"description": "+7 and 10 digits", "pattern": rules.PHONE_PATTERN, "example": "+77011234567"}
MOBILE = {
    "description": "+7 and 10 digits, a mobile number (700-709, 747, 750-779)",
    "pattern": rules.MOBILE_PHONE_PATTERN,
    "example": "+77011234567",
}


class StudentIn(Strict):
    iin = Str(
        required=True,
        metadata={
            "description": "12 digits: the birth date (YYMMDD, the same as `birth_date`), the century, "
            "and a valid check digit",
            "pattern": rules.IIN_PATTERN,
        },
    )
    last_name = Str(required=True, validate=length(1, 100), metadata=NAME)
    first_name = Str(required=True, validate=length(1, 100), metadata=NAME)
    patronymic = Str(load_default=None, allow_none=True, validate=length(0, 100), metadata=NAME)
    birth_date = Day(required=True)
    email = Mail(required=True, validate=length(3, 254))
    phone = Str(required=True, validate=length(1, 30), metadata=MOBILE)
    language = Str(
        required=True,
        validate=one_of(LANGUAGES),
        metadata={"description": "the language of everything sent to the student"},
    )
    specialty = Str(
        load_default=None,
        allow_none=True,
        validate=length(1, 200),
        metadata={
            "description": "the specialty in the portal's own words; may be left out when "
            "`specialty_code` names it"
        },
    )
    specialty_code = Str(
        load_default=None,
        allow_none=True,
        validate=length(1, 16),
        metadata={
            "description": "the specialty's code in the classifier of college specialties "
            "(GET /api/v1/specialties): review then shows its name in each reader's language",
            "pattern": "^[0-9A-Za-z]{1,16}$",
            "example": "06130100",
        },
    )
    course = Int(1, 4, required=True)
    academic_standing = Str(required=True, metadata={"enum": list(rules.ACADEMIC_STANDINGS)})


class AchievementIn(Strict):
    title = Str(required=True, validate=length(1, 300))
    year = Int(1990, 2100, required=True)
    level = Str(required=True, metadata={"enum": list(rules.ACHIEVEMENT_LEVELS)})
    description = Str(load_default=None, allow_none=True, validate=length(0, 5000))


STATEMENT = {
    "maxLength": rules.MAX_STATEMENT_CHARS,
    "description": "at least 250 words, in this key's language",
}


class StatementsIn(Strict):
    kk = Str(load_default=None, allow_none=True, metadata=STATEMENT)
    ru = Str(load_default=None, allow_none=True, metadata=STATEMENT)
    en = Str(load_default=None, allow_none=True, metadata=STATEMENT)


class GuardianIn(Strict):
    full_name = Str(required=True, validate=length(1, 200))
    phone = Str(required=True, validate=length(1, 30), metadata=PHONE)


class ConsentIn(Strict):
    personal_data = Bool(required=True, metadata={"description": "must be true", "enum": [True]})
    publication = Bool(required=True, metadata={"description": "must be true", "enum": [True]})
    guardian = Obj(
        GuardianIn,
        load_default=None,
        allow_none=True,
        metadata={"description": "required when the student is under 18 on the day of submission"},
    )


class CoordinatorIn(Strict):
    full_name = Str(required=True, validate=length(1, 200))
    email = Mail(required=True, validate=length(3, 254))
    phone = Str(required=True, validate=length(1, 30), metadata=PHONE)


class NominationIn(Strict):
    """The `nomination` part of `POST /api/v1/nominations`."""

    college_code = Str(
        required=True,
        validate=length(1, 50),
        metadata={"description": "a college of the key's region (GET /api/v1/colleges)"},
    )
    year = Int(2019, 2100, required=True)
    student = Obj(
        StudentIn,
        required=True,
        metadata={
            "description": "`specialty`, `specialty_code` or both name the student's specialty",
            # one of the two at least, present and not null
            "anyOf": [
                {"required": [name], "properties": {name: {"not": {"enum": [None]}}}}
                for name in ("specialty", "specialty_code")
            ],
        },
    )
    categories = Items(
        Str(metadata={"enum": list(rules.CATEGORIES)}),
        required=True,
        metadata={"minItems": 1, "maxItems": 5, "uniqueItems": True},
    )
    achievements = Items(Obj(AchievementIn), required=True, metadata={"minItems": 1, "maxItems": 20})
    statements = Obj(
        StatementsIn,
        required=True,
        metadata={
            "description": "at least one language at submission; each at least 250 words in its key's "
            "language; all three before the republican stage",
            # one language at least, present and not null
            "anyOf": [
                {"required": [lang], "properties": {lang: {"not": {"enum": [None]}}}} for lang in LANGUAGES
            ],
        },
    )
    consent = Obj(ConsentIn, required=True)
    coordinator = Obj(CoordinatorIn, required=True)


# --- responses ----------------------------------------------------------------------------------
# Declared to dump a `models.Nomination` row as the API shows it: the OpenAPI document is generated
# from them, and a test holds them field for field against `operations.render.represent`, which
# builds the same response by hand on the hot path (see its docstring for the measurement).


class _Computed:
    """A field whose value `compute` draws from the whole row being dumped (the student part of a
    nomination is the nomination itself; whether it is a minor is computed); the OpenAPI document
    shows the field's declared type."""

    def __init__(self, *args: Any, compute: Callable[[Any], Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.compute = compute

    def get_value(self, obj, attr, accessor=None, default=missing):  # type: ignore[no-untyped-def]
        return self.compute(obj)


class ComputedNested(_Computed, fields.Nested):
    pass


class ComputedBoolean(_Computed, fields.Boolean):
    pass


class ComputedString(_Computed, fields.String):
    pass


class ComputedList(_Computed, fields.List):
    pass


def itself(row: Any) -> Any:
    return row


def _minor(row: Any) -> bool:
    """Under 18 on the day of submission (`operations.render.minor` computes the same by hand)."""
    return rules.guardian_required(row.birth_date, rules.submission_day(row.submitted_at))


def _missing(row: Any) -> list[str]:
    """What the republican stage still needs (as `operations.render.missing`)."""
    return rules.still_missing({statement.language for statement in row.statements}, row.photo is not None)


class MaskedIin(fields.String):
    """The IIN's first two and last two digits: a response never carries the whole IIN."""

    def _serialize(self, value, attr, obj, **kwargs):  # type: ignore[no-untyped-def]
        return None if value is None else rules.mask_iin(value)


class StudentOut(Schema):
    iin_masked = MaskedIin(attribute="iin")
    last_name = fields.String()
    first_name = fields.String()
    patronymic = fields.String(allow_none=True)
    birth_date = fields.Date()
    email = fields.String()
    phone = fields.String()
    language = fields.String(metadata={"enum": list(LANGUAGES)})
    specialty = ComputedString(
        compute=lambda n: n.specialty or None,
        allow_none=True,
        metadata={"description": "the portal's own words; null when it named the specialty by code only"},
    )
    specialty_code = fields.String(allow_none=True)
    course = fields.Integer()
    academic_standing = fields.String(metadata={"enum": list(rules.ACADEMIC_STANDINGS)})
    minor = ComputedBoolean(
        compute=_minor,
        metadata={"description": "under 18 on the day of submission"},
    )


class GuardianOut(Schema):
    full_name = fields.String(attribute="guardian_full_name")
    phone = fields.String(attribute="guardian_phone")


class ConsentOut(Schema):
    personal_data = fields.Boolean(attribute="consent_personal_data")
    publication = fields.Boolean(attribute="consent_publication")
    guardian = ComputedNested(
        GuardianOut, compute=lambda n: n if n.guardian_full_name else None, allow_none=True
    )


class CoordinatorOut(Schema):
    full_name = fields.String(attribute="coordinator_full_name")
    email = fields.String(attribute="coordinator_email")
    phone = fields.String(attribute="coordinator_phone")


class AchievementOut(Schema):
    title = fields.String()
    year = fields.Integer()
    level = fields.String(metadata={"enum": list(rules.ACHIEVEMENT_LEVELS)})
    description = fields.String(allow_none=True)


class StatementOut(Schema):
    text = fields.String()
    words = fields.Integer()


class ByLanguage(fields.Dict):
    """A nomination's statement rows as an object keyed by language, in the order kk, ru, en."""

    def _serialize(self, value, attr, obj, **kwargs):  # type: ignore[no-untyped-def]
        rows = sorted(value or (), key=lambda row: LANGUAGES.index(row.language))
        return super()._serialize({row.language: row for row in rows}, attr, obj, **kwargs)


class PhotoOut(Schema):
    sha256 = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    width = fields.Integer()
    height = fields.Integer()
    uploaded_at = fields.DateTime()


class DecisionOut(Schema):
    """A commission's decision about the candidate, as review's event told it."""

    type = fields.String(
        metadata={"enum": ["candidate.advanced", "candidate.not_advanced", "candidate.incomplete"]}
    )
    #: The stage the decision leaves the candidate in (none for a reminder of what is missing).
    stage = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True, metadata={"enum": ["advanced", "not_advanced", "incomplete"]})
    at = fields.String(allow_none=True)
    #: The stage decided, and the decision's number among that scope's decisions (1, 2, ... in order).
    decided_stage = fields.String(allow_none=True)
    sequence = fields.Integer(allow_none=True)
    #: The decision corrects an earlier one of the same commission.
    correction = fields.Boolean(dump_default=False)


class NotificationOut(Schema):
    channel = fields.String(metadata={"enum": ["email", "sms"]})
    template = fields.String()
    at = fields.String()
    #: Lines recorded before notify reported statuses were all `sent`.
    status = fields.String(dump_default="sent", metadata={"enum": ["sent", "delivered", "failed"]})


def _reported(name: str, default: Any = None) -> dict[str, Any]:
    """A field of what review or media reported (the progress row), `default` before they first did."""
    return {"attribute": f"progress.{name}", "dump_default": default}


class ProgressOut(Schema):
    stage = fields.String(
        allow_none=True,
        metadata={"description": "the stage review has the candidate in"},
        **_reported("stage"),
    )
    decisions = fields.List(fields.Nested(DecisionOut), **_reported("decisions", list))
    photo = ComputedString(
        compute=lambda n: n.progress.photo_status if n.progress else ("pending" if n.photo else "none"),
        metadata={"enum": ["none", "pending", "processed", "rejected"]},
    )
    photo_reason = fields.String(allow_none=True, **_reported("photo_reason"))
    notifications = fields.List(
        fields.Nested(NotificationOut),
        metadata={"description": "messages notify has sent the student about this nomination"},
        **_reported("notifications", list),
    )
    missing = ComputedList(
        fields.String(),
        compute=_missing,
        metadata={
            "description": "what the candidate still needs for the republican stage: statements.kk, "
            "statements.ru, statements.en, photo",
        },
    )


class NominationOut(Schema):
    id = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    sandbox = fields.Boolean()
    year = fields.Integer()
    college_code = fields.String()
    region = fields.String(attribute="region_code")
    student = ComputedNested(StudentOut, compute=itself)
    categories = fields.List(fields.String(metadata={"enum": list(rules.CATEGORIES)}))
    achievements = fields.List(fields.Nested(AchievementOut))
    statements = ByLanguage(keys=fields.String(), values=fields.Nested(StatementOut))
    consent = ComputedNested(ConsentOut, compute=itself)
    coordinator = ComputedNested(CoordinatorOut, compute=itself)
    photo = fields.Nested(PhotoOut, allow_none=True)
    progress = ComputedNested(ProgressOut, compute=itself)
    submitted_at = fields.DateTime()
    updated_at = fields.DateTime()
    withdrawn_at = fields.DateTime(allow_none=True)


class PageOut(Schema):
    items = fields.List(fields.Nested(NominationOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class ListQuery(Strict):
    college_code = Str(validate=length(1, 50))
    year = fields.Integer(
        validate=between(2019, 2100), error_messages={"invalid": "type_integer", "too_large": "type_integer"}
    )
    status = Str(validate=one_of(STATUSES))
    page = fields.Integer(
        load_default=1,
        metadata={"description": "1-based page number; pages are ordered by submission time, then id"},
        validate=between(1, 100000),
        error_messages={"invalid": "type_integer", "too_large": "type_integer"},
    )
    per_page = fields.Integer(
        load_default=50,
        metadata={"description": "items per page, 1-200; the response says the total"},
        validate=between(1, 200),
        error_messages={"invalid": "type_integer", "too_large": "type_integer"},
    )


class CollegesQuery(Strict):
    region = Str(validate=length(1, 50), metadata={"description": "a region code; default: the key's region"})


class RegionOut(Schema):
    code = fields.String()
    iso_code = fields.String()
    kind = fields.String()
    names = fields.Dict(keys=fields.String(), values=fields.String())
    name = fields.String(metadata={"description": "in the language Accept-Language asked for"})


class SpecialtyOut(Schema):
    code = fields.String()
    names = fields.Dict(keys=fields.String(), values=fields.String())
    name = fields.String(metadata={"description": "in the language Accept-Language asked for"})


class CollegeOut(Schema):
    code = fields.String()
    region = fields.String()
    city = fields.String(allow_none=True)
    names = fields.Dict(keys=fields.String(), values=fields.String())
    name = fields.String()


class ProblemOut(ProblemMembers):
    """RFC 9457 problem details, with `code` (409) or `errors` (422) as extensions."""

    errors = by_field("field path (student.iin, achievements.2.year) to messages")
    codes = by_field("the same paths to message codes, for programs")
