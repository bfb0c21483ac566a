"""Who the student is: IIN, age and guardianship, names, phone numbers.

Everything here is pure and total: bad input gives `Problem`s (or None), never an exception, so the
API can report every broken field of a submission at once.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from services.intake.rules.problems import Problem
from shared import names

# --- IIN -------------------------------------------------------------------------------------------

_IIN = re.compile(r"[0-9]{12}")
_FIRST_WEIGHTS = tuple(range(1, 12))
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
# The seventh digit carries the century and the sex: odd for men, even for women.
_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}
#: What the API's schema says of an IIN (ECMA 262, for OpenAPI): YYMMDD with a month and a day that can
#: be, a century digit, five more digits. The check digit and the date's existence are `check_iin`'s.
IIN_PATTERN = r"^[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[1-6][0-9]{5}$"


def iin_check_digit(first11: str) -> int | None:
    """The check digit the first 11 digits call for; None when both rounds give 10.

    Such numbers are never issued, so an IIN starting with these 11 digits cannot be valid.
    Raises ValueError when `first11` is not 11 ASCII digits (a programming error, not user input).
    """
    if not re.fullmatch(r"[0-9]{11}", first11):
        raise ValueError(f"expected 11 digits, got {first11!r}")
    digits = [int(c) for c in first11]
    for weights in (_FIRST_WEIGHTS, _SECOND_WEIGHTS):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def iin_birth_date(iin: str) -> date | None:
    """The birth date an IIN encodes (YYMMDD plus the century digit); None if there is none."""
    if not _IIN.fullmatch(iin) or iin[6] not in _CENTURY:
        return None
    try:
        return date(_CENTURY[iin[6]] + int(iin[:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def check_iin(iin: str, birth_date: date | None) -> list[Problem]:
    """Format, century digit, a real date, the check digit, and agreement with `birth_date`."""
    if not _IIN.fullmatch(iin):
        return [Problem("iin_format")]
    problems: list[Problem] = []
    encoded = iin_birth_date(iin)
    if iin[6] not in _CENTURY:
        problems.append(Problem("iin_century_digit", {"digit": iin[6]}))
    elif encoded is None:
        problems.append(Problem("iin_birth_date_invalid"))
    if iin_check_digit(iin[:11]) != int(iin[11]):
        problems.append(Problem("iin_check_digit"))
    if encoded is not None and birth_date is not None and encoded != birth_date:
        problems.append(
            Problem(
                "iin_birth_date_mismatch",
                {"iin_birth_date": encoded.isoformat(), "birth_date": birth_date.isoformat()},
            )
        )
    return problems


def mask_iin(iin: str) -> str:
    """`010203512345` -> `01********45`: the first two and last two digits, nothing else.

    The birth date stays hidden (only the year's last digits show), yet a person holding the
    student's papers can tell which IIN it is. Anything that is not 12 characters is masked whole.
    """
    if len(iin) != 12:
        return "*" * len(iin)
    return f"{iin[:2]}{'*' * 8}{iin[-2:]}"


# --- age ---------------------------------------------------------------------------------------------

ADULT_AGE = 18
MIN_STUDENT_AGE = 13
MAX_STUDENT_AGE = 70


def age_on(birth_date: date, day: date) -> int:
    """Completed years on `day`; the birthday itself counts as completed.

    Someone born on 29 February completes a year on 1 March in common years, not on 28 February.
    Of the two readings this is the one that never treats a minor as an adult a day early, which
    matters because age decides whether a guardian's consent is needed. Negative before birth.
    """
    anniversary = (birth_date.month, birth_date.day)
    if anniversary == (2, 29) and not calendar.isleap(day.year):
        anniversary = (3, 1)
    years = day.year - birth_date.year
    return years if (day.month, day.day) >= anniversary else years - 1


def guardian_required(birth_date: date, day: date) -> bool:
    """Under 18 on `day` (the day of submission): a parent's or guardian's consent is needed."""
    return age_on(birth_date, day) < ADULT_AGE


def check_birth_date(birth_date: date, day: date) -> list[Problem]:
    """A birth date a college student can have on `day` (a product decision: 13 to 70 years)."""
    if birth_date > day:
        return [Problem("birth_date_in_future")]
    age = age_on(birth_date, day)
    if not MIN_STUDENT_AGE <= age <= MAX_STUDENT_AGE:
        return [
            Problem(
                "birth_date_implausible", {"age": age, "minimum": MIN_STUDENT_AGE, "maximum": MAX_STUDENT_AGE}
            )
        ]
    return []


# --- names -------------------------------------------------------------------------------------------

#: The name rule is shared with review's accounts (`shared.names`): one rule, one set of messages.
MAX_NAME_LENGTH = names.MAX_NAME_LENGTH
NAME_PATTERN = names.NAME_PATTERN
normalize_name = names.normalize_name


def check_names(value: str | None, *, required: bool) -> list[Problem]:
    """A last/first name or patronymic, judged in its `normalize_name` form (store that form): letters
    of one script per word, joined by a space, hyphen or apostrophe (`shared.names.check`)."""
    found = names.check(value, required=required)
    return [Problem(*found)] if found else []


# --- phones ------------------------------------------------------------------------------------------

_PHONE_JUNK = re.compile(r"[\s\-‐‑–—()]")
_PHONE = re.compile(r"\+7[0-9]{10}")


def normalize_phone(phone: str) -> str:
    """Strip spaces, dashes and parentheses; `8XXXXXXXXXX` and `7XXXXXXXXXX` become `+7XXXXXXXXXX`.

    Anything that does not fit is returned stripped but otherwise as given, for `check_phone` to name.
    """
    compact = _PHONE_JUNK.sub("", phone)
    if re.fullmatch(r"[78][0-9]{10}", compact):
        return "+7" + compact[1:]
    return compact


def is_mobile_prefix(prefix: str) -> bool:
    """Kazakhstan's mobile codes: 700-709, 747, 750-779 (docs/rules.md)."""
    return prefix[:2] in ("70", "75", "76", "77") or prefix == "747"


#: What the API's schema says of a phone (ECMA 262, for OpenAPI): +7 and ten digits; a student's is a
#: mobile number (`is_mobile_prefix`). Spaces, dashes, parentheses and 8 for +7 are also read.
PHONE_PATTERN = r"^\+7[0-9]{10}$"
MOBILE_PHONE_PATTERN = r"^\+7(70[0-9]|747|7[5-7][0-9])[0-9]{7}$"


def check_phone(phone: str) -> list[Problem]:
    """A Kazakhstan mobile number, judged in its `normalize_phone` form (store that form)."""
    number = normalize_phone(phone)
    if not _PHONE.fullmatch(number):
        return [Problem("phone_format")]
    if not is_mobile_prefix(number[2:5]):
        return [Problem("phone_not_mobile", {"prefix": number[2:5]})]
    return []
