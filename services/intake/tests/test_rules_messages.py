"""Every problem the rules can return has words in kk, ru and en."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.intake import rules
from services.intake.rules import MESSAGES, Problem, check_statement, describe
from shared.i18n import check_catalog

RULES_DIR = Path(rules.__file__).parent


def problem_codes_in_source() -> set[str]:
    found: set[str] = set()
    for path in RULES_DIR.glob("*.py"):
        found.update(re.findall(r'Problem\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    return found


def test_catalog_is_whole() -> None:
    assert check_catalog(MESSAGES) == []


def test_every_problem_code_has_a_message() -> None:
    codes = problem_codes_in_source()
    assert len(codes) > 25
    assert codes - set(MESSAGES) == set()
    assert set(MESSAGES) - codes == set(), "messages for codes no rule returns"


def test_the_api_examples_read_as_in_the_contract() -> None:
    assert describe(Problem("iin_check_digit"), "en") == "check digit does not match"
    short = Problem("statement_too_short", {"words": 249, "minimum": 250})
    assert describe(short, "en") == "249 words; at least 250 are required"
    assert describe(short, "ru") == "слов: 249; требуется не менее 250"
    assert describe(short, "kk") == "сөз саны: 249; кемінде 250 сөз қажет"


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
    text = (Path(__file__).parent / "fixtures" / "statement_ru.txt").read_text(encoding="utf-8")
    [problem] = check_statement("kk", text)
    assert describe(problem, language) == expected
