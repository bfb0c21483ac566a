"""SMS arithmetic, Kazakhstan mobiles, quiet hours, backoff and masking: pure rules."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from services.notify import messages
from services.notify.rules import (
    account_greeting,
    backoff,
    is_gsm7,
    kz_mobile,
    mask_email,
    mask_phone,
    quiet_until,
    short_reference,
    sms_encoding,
    sms_segments,
    sms_units,
)
from shared.clock import KAZAKHSTAN
from shared.tests.catalogs import unknown


def test_every_word_notify_puts_in_a_message_or_a_page_is_in_the_catalogs() -> None:
    named = [messages.OTHER_REASON, messages.OTHER_MISSING, messages.NOT_FOUND]
    named += [*messages.REASONS.values(), *messages.MISSING.values()]
    named += [m for words in messages.TERMS.values() for m in words.values()]
    assert unknown(named) == set()


def test_segments_follow_the_network_limits() -> None:
    assert sms_segments("a" * 160) == 1 and sms_segments("a" * 161) == 2 and sms_segments("a" * 306) == 2
    assert sms_segments("a" * 307) == 3
    assert sms_segments("ә" * 70) == 1 and sms_segments("ә" * 71) == 2 and sms_segments("ә" * 134) == 2
    assert sms_segments("ә" * 135) == 3
    # An extension character (€, [, ]) costs two septets: 80 of them fill one GSM-7 segment.
    assert sms_units("[]") == 4 and sms_segments("€" * 80) == 1 and sms_segments("€" * 81) == 2
    assert is_gsm7("TOP 100: ok") and not is_gsm7("Қ") and not is_gsm7("Привет")
    assert sms_encoding("TOP 100") == "GSM-7" and sms_encoding("ТОП 100") == "UCS-2"
    # One Cyrillic letter makes the whole message UCS-2.
    assert sms_segments("a" * 100 + "ы") == 2


def test_only_kazakhstan_mobiles_are_sendable() -> None:
    assert kz_mobile("+77011234567") == "+77011234567"
    assert kz_mobile("8 (747) 123-45-67") == "+77471234567"
    assert kz_mobile("+77571234567") == "+77571234567"  # 75x: a mobile range newer than most metadata
    assert kz_mobile("+77272501234") is None  # an Almaty landline
    assert kz_mobile("+79161234567") is None  # Russia shares +7
    assert kz_mobile("+998901234567") is None and kz_mobile("not a number") is None
    assert kz_mobile("+7701123456") is None  # a digit short


def test_quiet_hours_hold_sms_until_eight_local_time() -> None:
    def at(hour: int, minute: int = 0) -> datetime:
        return datetime(2026, 10, 1, hour, minute, tzinfo=KAZAKHSTAN)

    assert quiet_until(at(21, 59)) is None and quiet_until(at(8)) is None and quiet_until(at(12)) is None
    assert quiet_until(at(22)) == datetime(2026, 10, 2, 8, tzinfo=KAZAKHSTAN)
    assert quiet_until(at(23, 30)) == datetime(2026, 10, 2, 8, tzinfo=KAZAKHSTAN)
    assert quiet_until(at(0, 10)) == at(8) and quiet_until(at(7, 59)) == at(8)


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    rng = random.Random(7)
    waits = [backoff(n, rng) for n in range(1, 6)]
    for attempt, wait in enumerate(waits, start=1):
        step = timedelta(seconds=30 * 2 ** (attempt - 1))
        assert step / 2 <= wait <= step
    assert len({backoff(3, random.Random(seed)) for seed in range(20)}) > 10  # spread, not all equal
    assert backoff(30) <= timedelta(hours=2)


def test_short_ids_are_their_own_reference() -> None:
    assert short_reference("N-2026-0042") == "N-2026-0042"
    assert short_reference("0b6f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f") == "0B6F3C1E"


def test_masks() -> None:
    assert mask_phone("+77011234567") == "+7701*****67"
    assert mask_email("alikhan@example.kz") == "al*****@example.kz"
    assert mask_email("a@b.kz") == "a*@b.kz"


@pytest.mark.parametrize(
    ("first", "patronymic", "language", "greeted"),
    [
        ("Анна", "Сергеевна", "ru", "Анна Сергеевна"),
        ("Анна", "Сергеевна", "kk", "Анна Сергеевна"),
        ("Анна", "Сергеевна", "en", "Анна"),
        ("Анна", None, "ru", "Анна"),
        (None, None, "ru", "Петрова Анна Сергеевна"),
        ("  ", "Сергеевна", "kk", "Петрова Анна Сергеевна"),
    ],
)
def test_a_member_is_greeted_by_the_parts_where_there_are_any_else_by_the_whole_name(
    first: str | None, patronymic: str | None, language: str, greeted: str
) -> None:
    whole = "Петрова Анна Сергеевна"
    assert account_greeting(whole, first, patronymic, language, "Петрова") == greeted
