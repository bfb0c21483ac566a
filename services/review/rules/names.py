"""An account's name in parts (last name, given name, patronymic), as intake has a student's.

Letters greet a person by given name and patronymic («Здравствуйте, Анна Сергеевна!»), which one
whole name typed surname first («Петрова Анна Сергеевна») does not tell. The parts are optional (an
account made before them keeps its one name); given, the last and the given name go together, the
patronymic may be absent (not every name has one), and the name pages show is made from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared import names

#: The parts, in the order a whole name is written in Kazakhstan (surname first).
PARTS = ("last_name", "first_name", "patronymic")
#: The longest whole name an account keeps (its `name` column, and notify's).
MAX_WHOLE_NAME = 200

#: What a refused name part says: a field to (message code, its parameters).
Refusals = dict[str, tuple[str, dict[str, Any]]]


def given(parts: Mapping[str, str | None]) -> bool:
    """Whether any part is there (blank ones are not)."""
    return any(names.normalize_name(parts.get(field) or "") for field in PARTS)


def check_parts(parts: Mapping[str, str | None]) -> Refusals:
    """Each part's refusal, by field: none when no part is given (the account has one whole name),
    else the last and given name required and every part a name (`shared.names.check`)."""
    if not given(parts):
        return {}
    refused: Refusals = {}
    for field in PARTS:
        found = names.check(parts.get(field), required=field != "patronymic")
        if found:
            refused[field] = found
    whole = whole_name(parts)
    if not refused and len(whole) > MAX_WHOLE_NAME:
        refused["name"] = ("name_too_long", {"maximum": MAX_WHOLE_NAME, "length": len(whole)})
    return refused


def stored_parts(parts: Mapping[str, str | None]) -> dict[str, str | None]:
    """The parts as kept: each in its normal form, a blank one as None."""
    return {field: names.normalize_name(parts.get(field) or "") or None for field in PARTS}


def whole_name(parts: Mapping[str, str | None]) -> str:
    """The name pages show, made from the parts: «Петрова Анна Сергеевна»."""
    return " ".join(part for part in stored_parts(parts).values() if part)
