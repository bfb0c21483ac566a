"""Counting a statement's words the way a person would, and the 250-word rule."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from services.intake.rules import (
    MAX_STATEMENT_CHARS,
    MIN_STATEMENT_WORDS,
    Problem,
    check_statement,
    count_words,
)

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        ("   \n\t ", 0),
        ("Мен колледжде оқимын.", 3),
        ("Әйгерім WorldSkills чемпионатында жеңіске жетті!", 5),
        # hyphenated and apostrophised words are one word each
        ("Нұр-Сұлтан", 1),
        ("well-known self-government", 2),
        ("ата-анама өзін-өзі басқару", 3),
        ("кто-то из научно-практической конференции", 4),
        ("O'Brien didn't come", 3),
        ("Д’Артаньян", 1),
        # numbers are not words; a number with a letter suffix counts once
        ("2026", 0),
        ("15.10.2026 100 3,5 1 000 000", 0),
        ("в 2026 году", 2),
        ("3-й курс", 2),
        ("2-орын", 1),
        ("1st place", 2),
        ("ТОП-100 COVID-19", 2),
        # punctuation, dashes, bullets and emoji are not words
        ("— – - • ✓ … «» () !? 🎉 👍🏽", 0),
        ("• волонтёрство\n• олимпиады\n✓ спорт 🏆", 3),
        ("Алматы – Астана", 2),
        ("сказал — и сделал", 3),
        # links and e-mail addresses are not counted
        ("https://worldskills.kz/ru/news?id=5 www.kasipkor.kz", 0),
        ("пишите на info@kasipkor.kz или смотрите worldskills.kz", 4),
        # short dotted abbreviations are one word; a city after "г." is its own word
        ("т.е. т.б. e.g. U.S.A.", 4),
        ("в г.Алматы", 3),
        # a word hyphenated across lines, soft hyphens and zero-width characters
        ("профес-\nсиональный", 1),
        ("про\u00adфес\u00adсио\u00adнальный", 1),
        ("слово\u200bслово", 1),
        ("\ufeffКолледж", 1),
        # decomposed letters are still one word
        ("и\u0306од", 1),
    ],
)
def test_count_words(text: str, words: int) -> None:
    assert count_words(text) == words


def test_the_249_and_250_word_fixtures() -> None:
    assert count_words(fixture("statement_ru_249.txt")) == 249
    assert count_words(fixture("statement_ru_250.txt")) == 250
    assert check_statement("ru", fixture("statement_ru_250.txt")) == []
    assert check_statement("ru", fixture("statement_ru_249.txt")) == [
        Problem("statement_too_short", {"words": 249, "minimum": 250})
    ]


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_full_fixtures_are_valid_under_their_own_key(language: str) -> None:
    text = fixture(f"statement_{language}.txt")
    assert count_words(text) >= MIN_STATEMENT_WORDS
    assert check_statement(language, text) == []


def test_padding_with_numbers_and_links_does_not_reach_250() -> None:
    text = fixture("statement_ru_249.txt") + " 2026 " * 20 + " https://example.kz " + " 🎉 • — " * 10
    assert count_words(text) == 249
    assert [p.code for p in check_statement("ru", text)] == ["statement_too_short"]


def test_an_empty_statement_is_only_too_short() -> None:
    assert check_statement("kk", "") == [Problem("statement_too_short", {"words": 0, "minimum": 250})]


def test_an_unknown_key() -> None:
    assert check_statement("de", fixture("statement_en.txt")) == [
        Problem("statement_language_key_unknown", {"key": "de"})
    ]


def test_an_overlong_statement_is_refused_before_any_counting() -> None:
    text = fixture("statement_en.txt") * 10
    assert len(text) > MAX_STATEMENT_CHARS
    assert check_statement("en", text) == [
        Problem("statement_too_long", {"characters": len(text), "maximum": MAX_STATEMENT_CHARS})
    ]


@pytest.mark.parametrize(
    "text",
    ["a." * 10_000, "a.a." * 5_000 + "aaaa", "a-" * 10_000, "a+" * 10_000 + "@", ".a" * 10_000 + "@b",
     "a-" + " \n" * 10_000, "a.b-" * 5_000, "x" * 20_000, "a" + "\u0306" * 20_000],
)  # fmt: skip
def test_adversarial_text_is_counted_in_linear_time(text: str) -> None:
    """Four times the text costs about four times the CPU (a quadratic count would cost sixteen).

    Compared on this process's CPU time, best of three, so a busy machine cannot fail it.
    """

    def cpu_seconds(sample: str) -> float:
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            count_words(sample)
            best = min(best, time.process_time() - started)
        return best

    assert cpu_seconds(text * 4) < 8 * cpu_seconds(text) + 0.02


def test_lone_surrogates_and_control_characters_do_not_break_the_rules() -> None:
    text = fixture("statement_en.txt") + " \ud800 \x00 \U0010ffff"
    assert check_statement("en", text) == []
    assert [p.code for p in check_statement("kk", "\ud800 сөз")] == ["statement_too_short"]
    assert check_statement("\ud800x", "text") == [
        Problem("statement_language_key_unknown", {"key": "U+D800x"})
    ]
