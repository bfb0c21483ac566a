from datetime import date

import pytest

from shared import i18n


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("kk-KZ,ru;q=0.8", "kk"),
        ("ru-RU,kk;q=0.9", "ru"),
        ("en-US,en;q=0.9", "en"),
        ("de-DE, kk;q=0.1", "kk"),
        ("de", "ru"),
        ("", "ru"),
        (None, "ru"),
    ],
)
def test_negotiate_by_primary_tag_in_quality_order(header: str | None, expected: str) -> None:
    assert i18n.negotiate(header) == expected


CATALOG = {
    "greeting": {"kk": "Сәлем, {name}!", "ru": "Здравствуйте, {name}!", "en": "Hello, {name}!"},
}


def test_translate_keeps_kazakh_letters() -> None:
    name = "Әлия Ғұмарқызы Өтегенова"
    assert i18n.translate(CATALOG, "greeting", "kk", name=name) == f"Сәлем, {name}!"
    assert i18n.translate(CATALOG, "greeting", "de", name="X") == "Hello, X!"


def test_check_catalog_finds_missing_languages_and_placeholders() -> None:
    assert i18n.check_catalog(CATALOG) == []
    broken = {
        "a": {"kk": "x", "ru": "y"},
        "b": {"kk": "{n} сөз", "ru": "{n} слов", "en": "{words} words"},
    }
    problems = i18n.check_catalog(broken)
    assert any(p.startswith("a: missing en") for p in problems)
    assert any(p.startswith("b: placeholders differ") for p in problems)


def test_dates_in_each_language() -> None:
    day = date(2026, 10, 5)
    assert "қазан" in i18n.format_day(day, "kk")
    assert "октября" in i18n.format_day(day, "ru")
    assert "October" in i18n.format_day(day, "en")
