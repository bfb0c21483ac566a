"""Every problem the rules can return has words, and reads as the contract shows it in kk, ru and en."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.intake import rules
from services.intake.messages import text
from services.intake.rules import MESSAGES, Problem, check_statement
from shared import names
from shared.tests.catalogs import unknown

RULES_DIR = Path(rules.__file__).parent


def problem_codes_in_source() -> set[str]:
    """The codes intake's rules return: their own, and the shared name rule's (`shared.names`)."""
    found: set[str] = set(names.CODES)
    for path in RULES_DIR.glob("*.py"):
        found.update(re.findall(r'Problem\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    return found


def test_every_message_is_in_the_catalogs() -> None:
    assert unknown(MESSAGES.values()) == set()


def test_every_problem_code_has_a_message() -> None:
    codes = problem_codes_in_source()
    assert len(codes) > 25
    assert codes - set(MESSAGES) == set()
    assert set(MESSAGES) - codes == set(), "messages for codes no rule returns"


@pytest.mark.parametrize(
    ("words", "language", "expected"),
    [
        (249, "en", "249 words; at least 250 are required"),
        (249, "ru", "249 слов; требуется не менее 250"),
        (249, "kk", "сөз саны: 249; кемінде 250 сөз қажет"),
        (1, "en", "1 word; at least 250 are required"),
        (1, "ru", "1 слово; требуется не менее 250"),
        (21, "ru", "21 слово; требуется не менее 250"),
        (22, "ru", "22 слова; требуется не менее 250"),
        (112, "ru", "112 слов; требуется не менее 250"),
    ],
)
def test_a_short_statement_counts_its_words_in_each_languages_plural(
    words: int, language: str, expected: str
) -> None:
    problem = Problem("statement_too_short", {"words": words, "minimum": 250})
    assert text(problem.code, language, problem.params) == expected


def test_the_api_examples_read_as_in_the_contract() -> None:
    assert text("iin_check_digit", "en") == "check digit does not match"
    assert text("iin_check_digit", "kk") == "бақылау цифры сәйкес келмейді"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", "мәтін тілі: орыс тілі; талап етілетін тіл: қазақ тілі"),
        ("ru", "язык текста: русский; требуемый язык: казахский"),
        ("en", "text language: Russian; required language: Kazakh"),
        ("de", "text language: Russian; required language: Kazakh"),
    ],
)
def test_languages_are_named_in_the_readers_language(language: str, expected: str) -> None:
    statement = (Path(__file__).parent / "fixtures" / "statement_ru.txt").read_text(encoding="utf-8")
    [problem] = check_statement("kk", statement)
    assert text(problem.code, language, problem.params) == expected
