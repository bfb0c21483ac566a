"""Which words name a candidate's specialty on a page: a pure choice among what intake sent.

A portal names the specialty by its code in intake's classifier (then intake sends its kk, ru and
en names), or in its own words only (older portals, a specialty missing from the classifier). A
reader gets the classifier's name in their own language; failing that, the portal's words, which
are in the student's language; failing those, the classifier's name in another language.
"""

from __future__ import annotations

from collections.abc import Mapping

from shared.i18n import LANGUAGES


def specialty_name(names: Mapping[str, str] | None, words: str | None, language: str) -> str:
    """The specialty in `language` (see the module's docstring for the order); empty when unknown."""
    chosen = (names or {}).get(language) or ""
    if chosen.strip():
        return chosen
    if words and words.strip():
        return words
    for other in LANGUAGES:
        chosen = (names or {}).get(other) or ""
        if chosen.strip():
            return chosen
    return ""
