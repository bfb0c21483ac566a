"""Notify's rules as pure functions: how a letter addresses a person, SMS segments, Kazakhstan mobiles,
quiet hours, backoff, masks."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from shared import phones

# The GSM 03.38 basic character set (one septet each) and its extension table (two septets each).
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = "^{}\\[~]|€\f"


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENDED for char in text)


def sms_units(text: str) -> int:
    """Length as the network counts it: septets for GSM-7, UTF-16 code units for UCS-2."""
    if is_gsm7(text):
        return sum(2 if char in GSM7_EXTENDED else 1 for char in text)
    return len(text.encode("utf-16-le")) // 2


def sms_encoding(text: str) -> str:
    """`GSM-7` when every character is in the GSM 03.38 alphabet, else `UCS-2` (Kazakh always is)."""
    return "GSM-7" if is_gsm7(text) else "UCS-2"


def sms_segments(text: str) -> int:
    """How many SMS parts `text` costs: 160/153 for GSM-7, 70/67 for UCS-2 (Cyrillic, Kazakh)."""
    units = sms_units(text)
    single, multi = (160, 153) if is_gsm7(text) else (70, 67)
    return 1 if units <= single else -(-units // multi)


def tidy_name(part: str | None) -> str:
    """A name part as people write it: spaces collapsed, and a part typed all in capitals (or all in
    small letters) written with capitals at the start of each word (`ӘЛИХАН` -> `Әлихан`,
    `сәрсенова-ли` -> `Сәрсенова-Ли`). A part with its own mix of cases is left as its owner wrote it."""
    words = " ".join((part or "").split())
    if words.isupper() or words.islower():
        words = "-".join(piece.capitalize() for piece in words.split("-"))
        words = " ".join(word[:1].upper() + word[1:] for word in words.split(" "))
    return words


def greeting_name(first_name: str | None, patronymic: str | None, language: str, last_name: str = "") -> str:
    """How a letter greets a person: given name and patronymic in Kazakh and Russian («Құрметті Тимур
    Асетұлы», «Здравствуйте, Тимур Асетович»), the given name alone in English ("Dear Timur"), never
    the surname first ("Dear Petrova Anna"). The patronymic is written as its owner wrote it (Асетұлы
    stays Асетұлы in a Russian letter): its form is part of their name, not ours to translate. Only
    a person with no given name is greeted by their surname."""
    first = tidy_name(first_name)
    if not first:
        return tidy_name(last_name)
    father = tidy_name(patronymic)
    if language == "en" or not father:
        return first
    return f"{first} {father}"


def account_greeting(
    whole_name: str, first_name: str | None, patronymic: str | None, language: str, last_name: str | None
) -> str:
    """How a letter greets a commission member or chair: as `greeting_name` where review's account
    has the name in parts, else by the account's one whole name as an administrator typed it (which
    may be surname first, but is all there is: better than guessing which word is the given name)."""
    if not tidy_name(first_name):
        return whole_name
    return greeting_name(first_name, patronymic, language, last_name or "")


def short_reference(nomination_id: str) -> str:
    """A reference short enough for an SMS: the id itself when short, else its first 8 characters."""
    compact = nomination_id.replace("-", "")
    return nomination_id if len(nomination_id) <= 12 else compact[:8].upper()


def mask_phone(phone: str) -> str:
    """`+77011234567` -> `+7701*****67`: enough to recognise, not enough to dial."""
    if len(phone) <= 6:
        return "*" * len(phone)
    return phone[:5] + "*" * (len(phone) - 7) + phone[-2:]


def mask_email(address: str) -> str:
    """`alikhan@example.kz` -> `al*****@example.kz`."""
    local, _, domain = address.partition("@")
    return f"{local[:2]}{'*' * max(1, len(local) - 2)}@{domain}"


#: The Kazakhstan mobile rule is shared with the public vote's verification (`shared.phones`).
KZ_MOBILE = phones.KZ_MOBILE
kz_mobile = phones.kz_mobile


#: SMS are not sent between these local times (Asia/Almaty): held until the end of the quiet hours.
QUIET_FROM, QUIET_UNTIL = time(22, 0), time(8, 0)


def quiet_until(local: datetime) -> datetime | None:
    """The next 08:00 if `local` (aware, Kazakhstan time) is in the quiet hours, else None."""
    moment = local.timetz().replace(tzinfo=None)
    if QUIET_UNTIL <= moment < QUIET_FROM:
        return None
    day = local.date() if moment < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=local.tzinfo)


#: Attempts of a temporarily failing message before it is recorded as failed.
MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=2)


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with full jitter after `attempts` failures: up to 30 s, 60 s, 120 s...

    "Full jitter" (a random wait between half and all of the exponential step) spreads a burst of
    failures (a gateway down for a minute) so they do not all come back at once.
    """
    step = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    return step * (0.5 + 0.5 * (rng or random).random())


def winner_key(year: int, nomination_id: str) -> str:
    """The key of a winner's messages: the news is told once per year and nomination, whichever
    `winners.published` (a first one, or one published again after a correction) brings it."""
    return f"winner:{year}:{nomination_id}"


#: How long a voter's one-time code is good for (review's rule; the SMS says it): a code message
#: still unsent after this is failed as `expired` rather than sent late.
VOTE_CODE_LIFETIME = timedelta(minutes=10)


def code_expired(recorded_at: datetime, now: datetime) -> bool:
    """Whether a one-time code recorded at `recorded_at` is past its lifetime at `now`."""
    return now - recorded_at >= VOTE_CODE_LIFETIME


def minutes_left(expires_at: datetime, now: datetime) -> int:
    """Whole minutes until `expires_at`, rounded up (the SMS says "valid for N min"); 0 once past."""
    seconds = (expires_at - now).total_seconds()
    return max(0, -int(-seconds // 60))


#: Who reads the delivery log: the administrators, and the chairs for their region.
LOG_ROLES = ("admin", "regional_chair", "national_chair")


def contact_for_search(typed: str) -> str:
    """A contact as the delivery log's search compares it: an email in small letters, a Kazakhstan
    mobile as `+77XXXXXXXXX` however it was written (`8 701 123 45 67`), anything else without spaces."""
    text = "".join(typed.split())
    if "@" in text:
        return text.lower()
    return kz_mobile(text) or text
