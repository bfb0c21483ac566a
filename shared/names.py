"""People's names as the programme writes them: the one rule intake checks a student's name parts by
and review an account's (last name, given name, patronymic).

Letters of one script per word (a Latin `A` inside a Cyrillic word is a typo that breaks search and
sorting), words joined by a space, hyphen or apostrophe (' ’ ʼ); no digits or symbols. A part is
judged in its `normalize_name` form, the form to store.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

MAX_NAME_LENGTH = 100
# Russian and Kazakh Cyrillic only: Ukrainian/Belarusian letters (є ї ґ ў) are not accepted.
_CYRILLIC = "А-Яа-яЁё" + "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
# ASCII Latin plus the letters of the Kazakh Latin alphabets (2021, and the 2018 acute forms).
_LATIN = "A-Za-z" + "ÄäĞğİıÑñÖöŞşŪūÜüÇç" + "ÁáǴǵŃńÓóÚúÝý"
_SEPARATORS = " \\-'’ʼ"
_NAME_CHAR = re.compile(f"[{_CYRILLIC}{_LATIN}{_SEPARATORS}]")
_NAME_SHAPE = re.compile(f"[^{_SEPARATORS}]+(?:[{_SEPARATORS}][^{_SEPARATORS}]+)*")
_CYRILLIC_LETTER = re.compile(f"[{_CYRILLIC}]")
_LATIN_LETTER = re.compile(f"[{_LATIN}]")
_WORD = f"(?:[{_CYRILLIC}]+|[{_LATIN}]+)"
#: What an API's schema says of a name (ECMA 262, for OpenAPI): words of one script's letters, joined
#: by spaces or by one hyphen or apostrophe, spaces around allowed (`normalize_name` drops them).
NAME_PATTERN = f"^\\s*{_WORD}(?:(?:\\s+|[\\-'’ʼ]){_WORD})*\\s*$"

#: What `check` may find, each a message key of the services' catalogs (the same words everywhere).
CODES = ("name_required", "name_too_long", "name_invalid_characters", "name_malformed", "name_mixed_scripts")


def normalize_name(value: str) -> str:
    """NFC, no surrounding whitespace, single spaces inside: the form to check and to store."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def _shown(char: str) -> str:
    """A character fit to echo in a message: an invisible one as U+XXXX (it would vanish on screen)."""
    return char if char.isprintable() else f"U+{ord(char):04X}"


def check(value: str | None, *, required: bool) -> tuple[str, dict[str, Any]] | None:
    """What is wrong with a last/first name or patronymic (a code of `CODES` and its message's
    parameters), or None when it is a name."""
    name = normalize_name(value or "")
    if not name:
        return ("name_required", {}) if required else None
    if len(name) > MAX_NAME_LENGTH:
        return "name_too_long", {"maximum": MAX_NAME_LENGTH, "length": len(name)}
    bad = sorted({c for c in name if not _NAME_CHAR.fullmatch(c)})
    if bad:
        return "name_invalid_characters", {"characters": " ".join(_shown(c) for c in bad)}
    if not _NAME_SHAPE.fullmatch(name):
        return "name_malformed", {}
    for word in re.split(f"[{_SEPARATORS}]", name):
        if _CYRILLIC_LETTER.search(word) and _LATIN_LETTER.search(word):
            return "name_mixed_scripts", {"word": word}
    return None
