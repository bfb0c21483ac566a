"""Which of Kazakh, Russian and English a statement is written in.

The detector (lingua, restricted to the three languages, low-accuracy mode) is built once per
process on first use: about 11 MiB and a millisecond or so per text. Lingua knows Kazakh only in
Cyrillic, so Kazakh in Latin letters is recognised by `looks_like_latin_kazakh` instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

_CODES = {Language.KAZAKH: "kk", Language.RUSSIAN: "ru", Language.ENGLISH: "en"}
_LETTER = re.compile(r"[^\W\d_]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")

# Sentences shorter than this are too short to judge reliably (names, titles, quotes).
_MIN_SENTENCE_WORDS = 6
# A statement is mixed when sentences of one other language hold more than this share of its words.
MIXED_SHARE = 0.25


@cache
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_CODES).with_low_accuracy_mode().build()


def identify(text: str) -> str | None:
    """The language most of `text` is in, as "kk", "ru" or "en"; None for no letters or no decision."""
    if not _LETTER.search(text):
        return None
    # Lone surrogates (valid in a Python str, e.g. from JSON "\\ud800") cannot cross into lingua's Rust.
    text = text.encode("utf-8", errors="replace").decode("utf-8")
    return _CODES.get(_detector().detect_language_of(text))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Judgement:
    """What a statement is written in: its main language, and another one holding too much of it."""

    language: str | None
    mixed_with: str | None


def judge(text: str, expected: str | None = None) -> Judgement:
    """The language most of `text` is in, and another language holding more than a quarter of its
    words (both versions pasted into one field), judging every sentence of six words or more once.

    With `expected` (the statement's key): a text more than a quarter of which is in that language
    counts as written in it, mixed with the other, even when the other has a few more words; "half of
    this is Russian" helps a coordinator more than "this is Russian" does.

    Why sentence by sentence and not the whole text first: a whole-text guess hides a text that is
    half Russian, so the sentences must be judged anyway, and their word-weighted vote names the main
    language too. That reads the text once instead of twice (the detector was a third of a
    submission's CPU time). The whole text is judged only when the sentences cannot decide: when
    judged sentences hold less than half of the words (lists, headings), or two languages tie.
    """
    sized = [(sentence, len(sentence.split())) for sentence in _SENTENCE_END.split(text)]
    total = sum(size for _sentence, size in sized)
    quarter = MIXED_SHARE * total
    words: dict[str, int] = {}
    judged = 0
    undecided = sum(size for _sentence, size in sized if size >= _MIN_SENTENCE_WORDS)
    for sentence, size in sized:
        if size < _MIN_SENTENCE_WORDS:
            continue
        if expected is not None and words.get(expected, 0) > quarter:
            # The expected language is the main one already; once no other language could reach a
            # quarter even with every sentence left, the rest need not be read (a text in one
            # language stops after about three quarters of it).
            others = max((count for language, count in words.items() if language != expected), default=0)
            if others + undecided <= quarter:
                return Judgement(expected, None)
        undecided -= size
        judged += size
        language = identify(sentence)
        if language is not None:
            words[language] = words.get(language, 0) + size
    ranked = sorted(words.items(), key=lambda item: item[1], reverse=True)
    decided = ranked and judged * 2 >= total and (len(ranked) == 1 or ranked[0][1] > ranked[1][1])
    main = ranked[0][0] if decided else identify(text)
    if expected is not None and words.get(expected, 0) > quarter:
        main = expected
    others = [(language, count) for language, count in ranked if language != main]
    mixed_with = others[0][0] if others and others[0][1] > quarter else None
    return Judgement(main, mixed_with)


# --- Kazakh in Latin letters ---------------------------------------------------------------------

# Letters of the Kazakh Latin alphabets (2021: ä ğ ı ñ ö ş ū ü ç; 2018: á ǵ ń ó ú ý) that English lacks.
_KAZAKH_LATIN_LETTERS = re.compile("[äğıñöşūüçáǵńóúý]")
# "q" not followed by "u": everyday in Kazakh Latin (qazaq, jaqsy, oqý), rare in English.
_BARE_Q = re.compile(r"q(?!u)")
_LATIN_WORD = re.compile(r"[a-zäğıñöşūüçáǵńóúýé'’]+")
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]")
_LATIN = re.compile(r"[a-zäğıñöşūüçáǵńóúýé]")
_FUNCTION_WORDS = frozenset((
    "jáne", "jäne", "jane", "zhane", "men", "bul", "osy", "sol", "úshin", "üşin", "ushin", "bolyp",
    "bolady", "boldy", "edi", "dep", "degen", "turaly", "arqyly", "biraq", "sondaı", "sondai", "sonymen",
    "keıin", "keiin", "keyin", "kezinde", "ózim", "özim", "ozim", "meniń", "meniñ", "menin", "biz",
    "bizdiń", "bizdiñ", "bizdin", "jyly", "jyl", "ári", "äri", "ari", "qazaqstan", "qazaq",
))  # fmt: skip
_STEMS = (
    "kolledj", "oqý", "oqy", "oqu", "oqı", "stýdent", "jetistik", "jetıstık", "mamandy", "qatys",
    "jarys", "jeńimpaz", "jeñimpaz", "jenimpaz", "memleket", "jastar", "óńir", "öñir", "onir",
    "respýblıka", "respublikal", "chempıonat", "chempionat",
)  # fmt: skip


def looks_like_latin_kazakh(text: str) -> bool:
    """Kazakh written in Latin letters (any of the alphabets, or ad-hoc ASCII transliteration).

    Mostly Latin letters, and at least one word in eight carries a Kazakh mark: a letter English
    lacks, a "q" without "u", a Kazakh function word, or a common stem. An English text with a few
    Kazakh names (Aqtobe, Qazaqstan Temir Zholy) stays well below that.
    """
    lowered = text.lower()
    latin = len(_LATIN.findall(lowered))
    if latin == 0 or latin < len(_CYRILLIC.findall(lowered)):
        return False
    tokens = [token.strip("'’") for token in _LATIN_WORD.findall(lowered)]
    tokens = [token for token in tokens if token]
    if len(tokens) < 5:
        return False
    marked = sum(
        1
        for token in tokens
        if _KAZAKH_LATIN_LETTERS.search(token)
        or _BARE_Q.search(token)
        or token in _FUNCTION_WORDS
        or token.startswith(_STEMS)
    )
    return marked * 8 >= len(tokens)
