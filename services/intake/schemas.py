"""The API contract as marshmallow schemas: they validate requests AND generate the OpenAPI document.

Error messages here are message *codes* (`required`, `length|min=1|max=100`), not sentences: the API
turns each into kk/ru/en with `services.intake.messages`. The programme's rules (IIN, names, phones,
statements, consent) run after the schema on whatever it loaded (`services.intake.validation`), so a
request learns every broken field at once. Enumerations the rules own are documented here through
`metadata` only, so one broken value gives one message, not two.
"""

from __future__ import annotations

from typing import ClassVar

from marshmallow import RAISE, Schema, fields, validate

from services.intake import rules
from shared.i18n import LANGUAGES

STATUSES = ("submitted", "withdrawn")
PHONE_PATTERN = r"^\+7[0-9]{10}$"


class Str(fields.String):
    default_error_messages: ClassVar[dict[str, str]] = {
        "required": "required",
        "null": "null",
        "invalid": "type_string",
        "invalid_utf8": "type_string",
        "validator_failed": "invalid",
    }


class Int(fields.Integer):
    default_error_messages: ClassVar[dict[str, str]] = {
        "required": "required",
        "null": "null",
        "invalid": "type_integer",
        "too_large": "type_integer",
        "validator_failed": "invalid",
    }

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(strict=True, **kwargs)


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
    "description": "1-100 characters: Cyrillic (Kazakh letters included) or Latin, spaces, hyphen, apostrophe"
}
PHONE = {"description": "+7 and 10 digits", "pattern": PHONE_PATTERN, "example": "+77011234567"}


class StudentIn(Strict):
    iin = Str(
        required=True,
        metadata={"description": "12 digits with a valid check digit", "pattern": r"^[0-9]{12}$"},
    )
    last_name = Str(required=True, validate=length(1, 100), metadata=NAME)
    first_name = Str(required=True, validate=length(1, 100), metadata=NAME)
    patronymic = Str(load_default=None, allow_none=True, validate=length(0, 100), metadata=NAME)
    birth_date = Day(required=True)
    email = Mail(required=True, validate=length(3, 254))
    phone = Str(required=True, validate=length(1, 30), metadata=PHONE)
    language = Str(
        required=True,
        validate=one_of(LANGUAGES),
        metadata={"description": "the language of everything sent to the student"},
    )
    specialty = Str(required=True, validate=length(1, 200))
    course = Int(required=True, validate=between(1, 4))
    academic_standing = Str(required=True, metadata={"enum": list(rules.ACADEMIC_STANDINGS)})


class AchievementIn(Strict):
    title = Str(required=True, validate=length(1, 300))
    year = Int(required=True, validate=between(1990, 2100))
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
    personal_data = Bool(required=True, metadata={"description": "must be true"})
    publication = Bool(required=True, metadata={"description": "must be true"})
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
    year = Int(required=True, validate=between(2019, 2100))
    student = Obj(StudentIn, required=True)
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
            "language; all three before the republican stage"
        },
    )
    consent = Obj(ConsentIn, required=True)
    coordinator = Obj(CoordinatorIn, required=True)


# --- responses ----------------------------------------------------------------------------------


class StudentOut(Schema):
    iin_masked = fields.String()
    last_name = fields.String()
    first_name = fields.String()
    patronymic = fields.String(allow_none=True)
    birth_date = fields.Date()
    email = fields.String()
    phone = fields.String()
    language = fields.String()
    specialty = fields.String()
    course = fields.Integer()
    academic_standing = fields.String()
    minor = fields.Boolean(metadata={"description": "under 18 on the day of submission"})


class GuardianOut(Schema):
    full_name = fields.String()
    phone = fields.String()


class ConsentOut(Schema):
    personal_data = fields.Boolean()
    publication = fields.Boolean()
    guardian = fields.Nested(GuardianOut, allow_none=True)


class CoordinatorOut(Schema):
    full_name = fields.String()
    email = fields.String()
    phone = fields.String()


class AchievementOut(Schema):
    title = fields.String()
    year = fields.Integer()
    level = fields.String()
    description = fields.String(allow_none=True)


class StatementOut(Schema):
    text = fields.String()
    words = fields.Integer()


class PhotoOut(Schema):
    sha256 = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    width = fields.Integer()
    height = fields.Integer()
    uploaded_at = fields.DateTime()


class DecisionOut(Schema):
    type = fields.String()
    stage = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    at = fields.String(allow_none=True)


class NotificationOut(Schema):
    channel = fields.String(metadata={"enum": ["email", "sms"]})
    template = fields.String()
    at = fields.String()


class ProgressOut(Schema):
    stage = fields.String(allow_none=True, metadata={"description": "the stage review has the candidate in"})
    decisions = fields.List(fields.Nested(DecisionOut))
    photo = fields.String(metadata={"enum": ["none", "pending", "processed", "rejected"]})
    photo_reason = fields.String(allow_none=True)
    notifications = fields.List(
        fields.Nested(NotificationOut),
        metadata={"description": "messages notify has sent the student about this nomination"},
    )
    missing = fields.List(
        fields.String(),
        metadata={
            "description": "what the candidate still needs for the republican stage: statements.kk, "
            "statements.ru, statements.en, photo"
        },
    )


class NominationOut(Schema):
    id = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    sandbox = fields.Boolean()
    year = fields.Integer()
    college_code = fields.String()
    region = fields.String()
    student = fields.Nested(StudentOut)
    categories = fields.List(fields.String())
    achievements = fields.List(fields.Nested(AchievementOut))
    statements = fields.Dict(keys=fields.String(), values=fields.Nested(StatementOut))
    consent = fields.Nested(ConsentOut)
    coordinator = fields.Nested(CoordinatorOut)
    photo = fields.Nested(PhotoOut, allow_none=True)
    progress = fields.Nested(ProgressOut)
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


class CollegeOut(Schema):
    code = fields.String()
    region = fields.String()
    city = fields.String(allow_none=True)
    names = fields.Dict(keys=fields.String(), values=fields.String())
    name = fields.String()


class ProblemOut(Schema):
    """RFC 9457 problem details, with `code` (409) or `errors` (422) as extensions."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    code = fields.String()
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "field path (student.iin, achievements.2.year) to messages"},
    )
    codes = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "the same paths to message codes, for programs"},
    )
