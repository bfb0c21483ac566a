"""Kazakhstan mobile numbers: the one rule notify sends SMS by and the public vote verifies phones by.

phonenumbers reads the ways people write a number (`8 701 123 45 67`, `+7 (701) 123-45-67`); the
ranges decide, since +7 is shared with Russia and its metadata lags new Kazakh ranges (75x).
"""

from __future__ import annotations

import re

import phonenumbers

#: Kazakhstan's mobile ranges after +7 (data, from the numbering plan): 700-709, 747, 750-779.
KZ_MOBILE = re.compile(r"^\+7(70\d|747|75\d|76\d|77\d)\d{7}$")
#: Longer than any way of writing a number: what is longer is not read at all.
MAX_LENGTH = 40


def kz_mobile(phone: str) -> str | None:
    """The number as `+77XXXXXXXXX` if it is a Kazakhstan mobile, else None (landline, foreign, junk)."""
    if not isinstance(phone, str) or len(phone) > MAX_LENGTH:
        return None
    try:
        parsed = phonenumbers.parse(phone, "KZ")
    except phonenumbers.NumberParseException:
        return None
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return e164 if KZ_MOBILE.match(e164) else None
