"""The statements about a student's achievements: at least 250 words (R), each in its own language.

Words are counted as `shared.words` says (review counts them the same way).
"""

from __future__ import annotations

from services.intake.rules.language import judge, looks_like_latin_kazakh
from services.intake.rules.problems import Problem, shown
from shared.i18n import LANGUAGES
from shared.words import MIN_STATEMENT_WORDS, count_words

# A product decision, not the regulation's: about ten times the minimum. It bounds the work of the
# language detector on one request and what a banner or a web page has to hold.
MAX_STATEMENT_CHARS = 20_000
STATEMENT_LANGUAGES: tuple[str, ...] = LANGUAGES


def check_statement(language_key: str, text: str) -> list[Problem]:
    """At least 250 words, written in the language of its key (a Russian text under `kk` is an error).

    Kazakh written in Latin letters gets its own problem rather than a guess: the language detector
    knows Kazakh only in Cyrillic and would call such a text English.
    """
    if language_key not in STATEMENT_LANGUAGES:
        return [Problem("statement_language_key_unknown", {"key": shown(language_key)})]
    if len(text) > MAX_STATEMENT_CHARS:
        return [Problem("statement_too_long", {"characters": len(text), "maximum": MAX_STATEMENT_CHARS})]
    problems: list[Problem] = []
    words = count_words(text)
    if words < MIN_STATEMENT_WORDS:
        problems.append(Problem("statement_too_short", {"words": words, "minimum": MIN_STATEMENT_WORDS}))
    if words == 0:
        return problems
    judgement = judge(text, language_key)
    # Only a text not judged Kazakh or Russian can be Kazakh in Latin letters (the detector calls
    # such a text English), so the Cyrillic statements skip this scan.
    if judgement.language not in ("kk", "ru") and looks_like_latin_kazakh(text):
        problems.append(Problem("statement_latin_kazakh", {"expected": language_key}))
        return problems
    if judgement.language is None:
        problems.append(Problem("statement_language_unknown", {"expected": language_key}))
    elif judgement.language != language_key:
        problems.append(
            Problem("statement_wrong_language", {"expected": language_key, "detected": judgement.language})
        )
    elif judgement.mixed_with is not None:
        problems.append(
            Problem("statement_mixed_languages", {"expected": language_key, "detected": judgement.mixed_with})
        )
    return problems
