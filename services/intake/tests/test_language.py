"""Statement language: kk/ru/en detection, wrong keys, mixed texts and Kazakh in Latin letters."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from services.intake.rules import Problem, check_statement
from services.intake.rules.language import Judgement, identify, judge, looks_like_latin_kazakh

FIXTURES = Path(__file__).parent / "fixtures"
TEXTS = {
    lang: (FIXTURES / f"statement_{lang}.txt").read_text(encoding="utf-8") for lang in ("kk", "ru", "en")
}

# The same student in the 2018 (acute) and 2021 Kazakh Latin alphabets, and in ad-hoc ASCII.
LATIN_KAZAKH = {
    "2018": "Men Almaty memlekettik polıtehnıkalyq kolledjiniń úshinshi kýrs stýdentimin. Kolledjge "
    "túsken kúnnen bastap tek jaqsy jáne óte jaqsy baǵalarǵa oqyp kelemin. WorldSkills Kazakhstan "
    "óńirlik chempıonatynda birinshi oryn aldym, al ulttyq chempıonatta kúmis medal jeńip aldym.",
    "2021": "Men Almaty memlekettik politehnikalyq kolledjiniñ üşinşi kurs studentimin. Kolledjge "
    "tüsken künnen bastap tek jaqsy jäne öte jaqsy bağalarğa oqyp kelemin. WorldSkills Kazakhstan "
    "öñirlik çempionatynda birinşi oryn aldym, al ūlttyq çempionatta kümis medal jeñip aldym.",
    "ascii": "Men Almaty memlekettik politehnikalyq kolledjinin ushinshi kurs studentimin. Kolledjge "
    "tusken kunnen bastap tek jaqsy jane ote jaqsy bagalarga oqyp kelemin. Bolashaqta oz "
    "IT kompaniyamdy ashyp, auyl jastaryna tegin bagdarlamalau uiretkim keledi.",
}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_identify_the_fixtures(language: str) -> None:
    assert identify(TEXTS[language]) == language


def test_identify_short_sentences() -> None:
    assert identify("Мен колледжде оқимын және волонтер ретінде қарттарға көмектесемін.") == "kk"
    assert identify("Я учусь в колледже и помогаю пожилым людям как волонтёр.") == "ru"
    assert identify("I study at a college and help elderly people as a volunteer.") == "en"


@pytest.mark.parametrize("text", ["", "   ", "2026 — 15.10", "🎉🎉🎉", "• • •"])
def test_no_letters_no_language(text: str) -> None:
    assert identify(text) is None


@pytest.mark.parametrize(
    ("key", "language"),
    [("kk", "ru"), ("ru", "kk"), ("kk", "en"), ("en", "kk"), ("ru", "en"), ("en", "ru")],
)
def test_a_text_under_the_wrong_key(key: str, language: str) -> None:
    assert check_statement(key, TEXTS[language]) == [
        Problem("statement_wrong_language", {"expected": key, "detected": language})
    ]


def test_a_short_text_in_the_wrong_language_gets_both_problems() -> None:
    text = "Я учусь в колледже и помогаю пожилым людям как волонтёр."
    assert [p.code for p in check_statement("kk", text)] == [
        "statement_too_short",
        "statement_wrong_language",
    ]


def test_half_kazakh_half_russian_is_mixed() -> None:
    kk, ru = TEXTS["kk"], TEXTS["ru"]
    mixed = kk[: len(kk) // 2] + "\n\n" + ru[len(ru) // 2 :]
    assert judge(mixed, "kk") == Judgement("kk", mixed_with="ru")
    assert judge(mixed, "ru") == Judgement("ru", mixed_with="kk")
    assert Problem("statement_mixed_languages", {"expected": "kk", "detected": "ru"}) in check_statement(
        "kk", mixed
    )


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_pure_text_is_not_mixed(language: str) -> None:
    assert judge(TEXTS[language]) == Judgement(language, mixed_with=None)


def test_a_foreign_quotation_does_not_make_a_text_mixed() -> None:
    text = TEXTS["ru"] + "\nМой девиз: «Never give up, keep learning every day».\n"
    assert judge(text) == Judgement("ru", mixed_with=None)


@pytest.mark.parametrize("variant", sorted(LATIN_KAZAKH))
def test_latin_kazakh_is_recognised(variant: str) -> None:
    assert looks_like_latin_kazakh(LATIN_KAZAKH[variant])


@pytest.mark.parametrize("key", ["kk", "en", "ru"])
def test_latin_kazakh_gets_its_own_problem_under_any_key(key: str) -> None:
    long_text = " ".join([LATIN_KAZAKH["2018"]] * 8)
    assert check_statement(key, long_text) == [Problem("statement_latin_kazakh", {"expected": key})]


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_fixtures_are_not_latin_kazakh(language: str) -> None:
    assert not looks_like_latin_kazakh(TEXTS[language])


def test_english_with_kazakh_names_is_still_english() -> None:
    text = (
        "Aigerim Nurlanova from Aqtobe studies at the Qazaqstan Temir Zholy college. She won the "
        "regional WorldSkills championship in Kyzylorda and volunteers at the Zhastar centre with "
        "her friends Daniyar and Aruzhan, who study in Almaty and Shymkent."
    )
    assert not looks_like_latin_kazakh(text)
    assert identify(text) == "en"


def test_the_detector_is_built_once_and_is_fast() -> None:
    identify("warm up")
    started = time.perf_counter()
    for language in ("kk", "ru", "en"):
        for _ in range(10):
            identify(TEXTS[language])
    per_text = (time.perf_counter() - started) / 30
    assert per_text < 0.05, f"{per_text * 1000:.1f} ms per statement"


def test_a_list_of_short_lines_is_judged_as_a_whole() -> None:
    lines = "\n".join(
        [
            "Победитель областной олимпиады",
            "Староста группы второй год",
            "Волонтёр городского центра",
            "Капитан команды по волейболу",
            "Призёр конкурса WorldSkills",
        ]
    )
    assert judge(lines, "ru") == Judgement("ru", mixed_with=None)


def test_a_quarter_in_the_expected_language_is_mixed_not_wrong() -> None:
    kk, ru = TEXTS["kk"], TEXTS["ru"]
    mostly_russian = kk[: len(kk) // 2] + "\n\n" + ru  # about 130 Kazakh words of 420
    assert check_statement("kk", mostly_russian) == [
        Problem("statement_mixed_languages", {"expected": "kk", "detected": "ru"})
    ]
    a_fifth_kazakh = kk[: len(kk) // 4] + "\n\n" + ru
    assert check_statement("kk", a_fifth_kazakh) == [
        Problem("statement_wrong_language", {"expected": "kk", "detected": "ru"})
    ]
