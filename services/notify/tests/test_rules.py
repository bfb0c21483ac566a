"""SMS arithmetic and masking, and every SMS text measured: one segment in each language."""

from __future__ import annotations

import pytest

from services.notify import messages
from services.notify.rules import is_gsm7, mask_email, mask_phone, short_reference, sms_segments, sms_units
from shared import i18n
from shared.tests.catalogs import unknown


def test_every_word_notify_writes_is_in_the_catalogs() -> None:
    letters = [text for letter in messages.LETTERS.values() for text in (letter.subject, letter.body)]
    named = [messages.SIGNATURE, messages.OTHER_REASON, messages.NOT_FOUND, *messages.SMS.values()]
    named += [*messages.REASONS.values(), *(m for words in messages.TERMS.values() for m in words.values())]
    assert unknown(letters + named) == set()


def test_segments_follow_the_network_limits() -> None:
    assert sms_segments("a" * 160) == 1 and sms_segments("a" * 161) == 2
    assert sms_segments("ә" * 70) == 1 and sms_segments("ә" * 71) == 2 and sms_segments("ә" * 134) == 2
    assert sms_units("[]") == 4 and is_gsm7("TOP 100: ok") and not is_gsm7("Қ")


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_receipt_sms_is_one_ucs2_segment(language: str) -> None:
    reference = short_reference("0b6f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f")
    text = i18n.translate(messages.SMS["receipt"], language, {"reference": reference})
    assert reference == "0B6F3C1E"
    assert sms_units(text) <= 70, (language, sms_units(text), text)
    assert sms_segments(text) == 1


def test_short_ids_are_their_own_reference() -> None:
    assert short_reference("N-2026-0042") == "N-2026-0042"


def test_masks() -> None:
    assert mask_phone("+77011234567") == "+7701*****67"
    assert mask_email("alikhan@example.kz") == "al*****@example.kz"
    assert mask_email("a@b.kz") == "a*@b.kz"
