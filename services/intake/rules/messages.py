"""The words for every `Problem` code the rules return, for the API's `errors` lists.

Each code maps to its English message, the msgid of the shared gettext catalogs that hold the
Kazakh, Russian and English; `services.intake.messages.text` is the one way to say one. Messages are
written to follow a field path (`"student.iin": ["check digit does not match"]`), so they start in
lower case and do not repeat the field's name. Where a number is counted, the message is a `Plural`
whose form the count picks ("249 words", "249 слов", "21 слово").
"""

from __future__ import annotations

from shared import vocabulary
from shared.i18n import N_, Plural, Text

_UNKNOWN_VALUE = N_("unknown value «%(value)s»; allowed: %(allowed)s")

MESSAGES: dict[str, Text] = {
    "photo_not_jpeg": N_("the photo must be a JPEG image"),
    "photo_unreadable": N_("the photo is damaged or incomplete"),
    "photo_too_large": N_("the photo must be at most %(maximum)s MB"),
    "photo_too_many_pixels": Plural(
        "the photo must be at most %(maximum)s megapixel",
        "the photo must be at most %(maximum)s megapixels",
        "maximum",
    ),
    "photo_too_small": N_("the photo's short side must be at least %(minimum)s px (%(width)s×%(height)s)"),
    "photo_empty": N_("the photo is empty"),
    "iin_format": N_("must be 12 digits"),
    "iin_century_digit": N_("the 7th digit (%(digit)s) must be 1-6 (century and sex)"),
    "iin_birth_date_invalid": N_("the first six digits are not a real date of birth"),
    "iin_check_digit": N_("check digit does not match"),
    "iin_birth_date_mismatch": N_(
        "the IIN gives the birth date %(iin_birth_date)s, but birth_date is %(birth_date)s"
    ),
    "birth_date_in_future": N_("is in the future"),
    "birth_date_implausible": Plural(
        "gives an age of %(age)s; a college student is %(minimum)s to %(maximum)s year old",
        "gives an age of %(age)s; a college student is %(minimum)s to %(maximum)s years old",
        "maximum",
    ),
    **vocabulary.NAME_REFUSALS,
    "phone_format": N_("must be +7 and 10 digits"),
    "phone_not_mobile": N_("%(prefix)s is not a Kazakhstan mobile code"),
    "specialty_required": N_(
        "name the specialty: its code in the classifier (specialty_code), its name, or both"
    ),
    "specialty_unknown": N_("no specialty with code %(code)s in the classifier of college specialties"),
    "academic_standing_satisfactory": N_("a student with a «satisfactory» grade cannot be nominated"),
    "academic_standing_unknown": _UNKNOWN_VALUE,
    "categories_empty": N_("at least one category is required"),
    "category_unknown": _UNKNOWN_VALUE,
    "category_duplicate": N_("«%(value)s» is given more than once"),
    "achievement_level_unknown": _UNKNOWN_VALUE,
    "achievements_empty": N_("at least one achievement is required"),
    "achievements_too_many": Plural(
        "%(count)s achievement; at most %(maximum)s are allowed",
        "%(count)s achievements; at most %(maximum)s are allowed",
        "count",
    ),
    "college_quota_exceeded": Plural(
        "the college already has %(active)s active nomination this year; the limit is %(quota)s",
        "the college already has %(active)s active nominations this year; the limit is %(quota)s",
        "active",
    ),
    "region_quota_exceeded": Plural(
        "the region already sends %(active)s candidate; the limit is %(quota)s",
        "the region already sends %(active)s candidates; the limit is %(quota)s",
        "active",
    ),
    "statement_language_key_unknown": N_("unknown language «%(key)s»; allowed: kk, ru, en"),
    "statement_too_short": Plural(
        "%(words)s word; at least %(minimum)s are required",
        "%(words)s words; at least %(minimum)s are required",
        "words",
    ),
    "statement_too_long": Plural(
        "%(characters)s character; at most %(maximum)s are allowed",
        "%(characters)s characters; at most %(maximum)s are allowed",
        "characters",
    ),
    "statement_latin_kazakh": N_(
        "the text looks like Kazakh written in Latin letters; required language: %(expected)s; "
        "Kazakh is accepted in Cyrillic script"
    ),
    "statement_language_unknown": N_(
        "the language of the text could not be determined; required language: %(expected)s"
    ),
    "statement_wrong_language": N_("text language: %(detected)s; required language: %(expected)s"),
    "statement_mixed_languages": N_(
        "a large part of the text is in another language (%(detected)s); the whole statement must "
        "be in the required language: %(expected)s"
    ),
}
