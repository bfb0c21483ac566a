"""What a rule returns when a value breaks it.

Rules never raise for bad input and never format text: they return `Problem`s, a message key and
the values for its placeholders, and the API turns those into kk/ru/en messages with the catalog in
`services.intake.rules.messages`. A rule that passes returns an empty list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    code: str
    params: Mapping[str, object] = field(default_factory=dict)


def shown(value: object, limit: int = 40) -> str:
    """A user's value fit to echo in a message: invisible characters and lone surrogates as U+XXXX
    (they would vanish on screen or break UTF-8 encoding of the response), at most `limit` characters."""
    text = str(value)
    clipped = text[:limit] + ("…" if len(text) > limit else "")
    return "".join(c if c.isprintable() else f"U+{ord(c):04X}" for c in clipped)
