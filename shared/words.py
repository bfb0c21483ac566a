"""Counting the words of a statement: at least 250 (R) in each of kk, ru and en.

Intake refuses a short statement and review shows each count and what a candidate lacks for the
republican stage, so both count here, the same way.

Words are counted the way a person counts them on paper, so that a portal's editor, a commission
member and this service agree on 249 versus 250:
- a word is a run of letters (any script: Kazakh, Russian, English); letters joined by a hyphen or an
  apostrophe are one word ("Нұр-Сұлтан", "well-known", "O'Brien", "ата-анама");
- a word broken across lines with a hyphen ("профес-\\nсиональный") is one word;
- short dotted abbreviations are one word ("т.е.", "т.б.", "e.g.");
- bare numbers (2026, 15.10, 100) are not words; a number with a letter suffix ("3-й", "2-орын",
  "1st") counts once, for its suffix;
- punctuation, dashes, bullets and emoji are not words;
- links and e-mail addresses are not counted at all: they say nothing in any language, and the
  regulation asks for information about achievements, not for padding.
"""

from __future__ import annotations

import re
import unicodedata

MIN_STATEMENT_WORDS = 250

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
# Every repetition below is unambiguous or bounded, so no input makes these patterns backtrack
# quadratically (a test feeds them 100,000-character adversarial strings).
_LINE_BREAK_HYPHEN = re.compile(r"(?<=[^\W\d_])[-‐‑][ \t]*\r?\n[ \t]*(?=[^\W\d_])")
_LINKS = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}"
    r"|\b[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}\.(?:kz|ru|com|org|net|edu|gov|io|info|рф|қаз)\b(?:/\S*)?",
    re.IGNORECASE,
)
# Cheap scans for what the two patterns above need to match at all: every link has "http(s)://",
# "www.", an "@" or a dot before a known domain; every hyphenated line break has a hyphen before a
# newline. Most statements have neither, and then the costly substitutions are skipped (the result
# is the same: a pattern that cannot match substitutes nothing).
_DOMAIN_HINT = re.compile(r"\.(?:kz|ru|com|org|net|edu|gov|io|info|рф|қаз)\b", re.IGNORECASE)
_LINE_BREAK_HYPHEN_HINT = re.compile(r"[-‐‑][ \t]*\r?\n")
_RUN = r"[^\W\d_](?:[^\W\d_]|[\u0300-\u036f])*"
_WORD = re.compile(
    r"(?:[^\W\d_]{1,3}\.){1,4}[^\W\d_]{1,3}\.?(?![^\W\d_])"  # т.е. / e.g. / U.S.A.
    rf"|{_RUN}(?:[-‐‑'’ʼ]{_RUN})*"
)


# The last few texts counted, by identity: a submission counts its statement when validating it
# and again when storing the count, and it is the very same string object both times (parsed
# once from the request). Keyed by id() with the string kept alive, so a hit is the same object,
# never an equal text of another request.
_COUNTED: dict[int, tuple[str, int]] = {}
_COUNTED_MAX = 8


def count_words(text: str) -> int:
    """The number of words in `text`, counted as described in this module's docstring."""
    hit = _COUNTED.get(id(text))
    if hit is not None and hit[0] is text:
        return hit[1]
    words = _count_words(text)
    if len(_COUNTED) >= _COUNTED_MAX:
        _COUNTED.clear()
    _COUNTED[id(text)] = (text, words)
    return words


def _count_words(text: str) -> int:
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    if _LINE_BREAK_HYPHEN_HINT.search(text):
        text = _LINE_BREAK_HYPHEN.sub("", text)
    if "@" in text or "://" in text or _DOMAIN_HINT.search(text) or "www." in text.lower():
        text = _LINKS.sub(" ", text)
    return len(_WORD.findall(text))
