"""Every sentence intake's API says, and `text`, the one way to say one in the reader's language.

Keys are the codes the schemas (`services.intake.schemas`) and the rules (`services.intake.rules`,
which own the words of their codes) produce, plus the titles and details of problem responses
(`problem.<code>.title|detail`). Each maps to its English message, the msgid of the shared gettext
catalogs that hold the Kazakh, Russian and English.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from services.intake.rules.messages import MESSAGES as RULES
from shared import problems, vocabulary
from shared.i18n import N_, Plural, Text, format_day, format_moment, translate

_SCHEMA: dict[str, Text] = {
    "required": N_("this field is required"),
    "null": N_("this field may not be null"),
    "invalid": N_("invalid value"),
    "unknown_field": N_("unknown field"),
    "type_string": N_("must be a string"),
    "type_integer": N_("must be an integer"),
    "type_boolean": N_("must be true or false"),
    "type_date": N_("must be a date as YYYY-MM-DD"),
    "type_list": N_("must be a list"),
    "type_object": N_("must be a JSON object"),
    "invalid_email": N_("not a valid email address"),
    "length": N_("length must be between %(min)s and %(max)s"),
    "range": N_("must be between %(min)s and %(max)s"),
    "one_of": N_("must be one of: %(choices)s"),
    "invalid_json": N_("not readable JSON: %(reason)s"),
    "idempotency_key_invalid": N_("Idempotency-Key must be 1-255 printable ASCII characters"),
    "part_missing": N_("the multipart request has no “nomination” part"),
}

_INTAKE: dict[str, Text] = {
    "college_unknown": N_("no college with code %(code)s in the reference data"),
    "college_inactive": N_("college %(code)s is no longer active"),
    "year_not_open": N_("nominations for %(year)s are not open yet"),
    "statements_empty": N_("at least one statement (kk, ru or en) is required"),
    "consent_required": N_("consent must be given (true)"),
    "guardian_required": N_("the student is under 18: a parent's or guardian's consent is required"),
    "achievement_year_future": N_("the achievement's year (%(value)s) is after the nomination's year"),
    "field_frozen": N_("this field cannot be changed; withdraw the nomination and submit a new one"),
    "field_closed": N_("submissions have closed: only the statements and the photo may change now"),
}

_PROBLEMS: dict[str, tuple[Text, Text]] = {
    "validation_failed": (
        N_("Invalid request"),
        N_("Some fields of the request are invalid; see `errors`."),
    ),
    "college_quota_exceeded": (
        N_("College quota exceeded"),
        Plural(
            "A college may nominate at most %(quota)s student a year.",
            "A college may nominate at most %(quota)s students a year.",
            "quota",
        ),
    ),
    "duplicate_student": (
        N_("Student already nominated"),
        N_("This student has already been nominated for %(year)s."),
    ),
    "deadline_passed": (N_("Deadline passed"), N_("The deadline was %(deadline)s.")),
    "idempotency_key_reused": (
        N_("Idempotency-Key reused"),
        N_("This key was already used with a different request."),
    ),
    "nomination_withdrawn": (
        N_("Nomination withdrawn"),
        N_("A withdrawn nomination cannot be changed."),
    ),
    "unauthorized": (N_("Key required"), N_("Send a valid portal key: Authorization: Bearer <key>.")),
    "forbidden": (N_("Forbidden"), N_("This key is for the region %(region)s only.")),
}

CATALOG: dict[str, Text] = {
    **RULES,
    **_SCHEMA,
    **_INTAKE,
    **problems.CATALOG,
    **{f"problem.{code}.title": title for code, (title, _detail) in _PROBLEMS.items()},
    **{f"problem.{code}.detail": detail for code, (_title, detail) in _PROBLEMS.items()},
}

# Parameters that carry a language code, named in the reader's language ("Kazakh", "казахский").
_LANGUAGE_PARAMS = frozenset(("expected", "detected"))
# Parameters that carry a message key (why a body is not JSON, `shared.bodies`), said in the reader's
# language with the same parameters.
_MESSAGE_PARAMS = frozenset(("reason",))


def _shown(name: str, value: Any, language: str, params: Mapping[str, Any]) -> Any:
    """A parameter as the reader reads it: languages named, dates in the reader's words, lists joined."""
    if name in _LANGUAGE_PARAMS and isinstance(value, str) and value in vocabulary.LANGUAGE_NAMES:
        return translate(vocabulary.LANGUAGE_NAMES[value], language)
    if name in _MESSAGE_PARAMS and isinstance(value, str) and value in CATALOG:
        return problems.text(CATALOG, value, language, params)
    if isinstance(value, datetime):
        return format_moment(value, language)
    if isinstance(value, date):
        return format_day(value, language)
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return value


def text(key: str, language: str, params: Mapping[str, Any] | None = None) -> str:
    """The message `key` in `language` (kk/ru/en; English for any other), its placeholders filled
    in the reader's terms (`shared.problems.text` says what is missing)."""
    values = {name: _shown(name, value, language, params or {}) for name, value in (params or {}).items()}
    return problems.text(CATALOG, key, language, values)
