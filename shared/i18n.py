"""Messages in Kazakh, Russian and English, and picking the language a person asked for.

A catalog is a plain mapping `key -> {"kk": ..., "ru": ..., "en": ...}` kept in the service that
owns the words; `check_catalog` is what the tests run so that no message exists in fewer than three
languages. Dates and numbers are formatted with Babel.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from babel.dates import format_date, format_datetime
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from shared.clock import zone

LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "ru"
#: Each language named in itself, as a language switch shows it whatever the page's language.
ENDONYMS: dict[str, str] = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

Catalog = Mapping[str, Mapping[str, str]]


def negotiate(accept_language: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """The best of kk/ru/en for an `Accept-Language` header (`kk-KZ`, `ru;q=0.8`...)."""
    if not accept_language:
        return default
    # Werkzeug's best_match prefers an exact tag of lower quality over a primary-tag match
    # (`kk-KZ, ru;q=0.8` gave ru), so walk the header in quality order and compare primary tags.
    for value, _quality in parse_accept_header(accept_language, LanguageAccept):
        primary = value.split("-", 1)[0].split("_", 1)[0].lower()
        if primary in LANGUAGES:
            return primary
    return default


def translate(catalog: Catalog, key: str, language: str, **params: object) -> str:
    """The message `key` in `language` (English when the language is unknown), formatted."""
    entry = catalog[key]
    template = entry.get(language) or entry["en"]
    return template.format(**params) if params else template


def check_catalog(catalog: Catalog) -> list[str]:
    """Keys missing a language or with differing placeholders; empty when the catalog is whole."""
    import string

    problems = []
    for key, entry in catalog.items():
        missing = [lang for lang in LANGUAGES if not entry.get(lang)]
        if missing:
            problems.append(f"{key}: missing {', '.join(missing)}")
            continue
        fields = {
            lang: {f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f} for lang in LANGUAGES
        }
        if len({frozenset(f) for f in fields.values()}) > 1:
            problems.append(f"{key}: placeholders differ {fields}")
    return problems


def format_day(day: date, language: str) -> str:
    return format_date(day, format="long", locale=language)


def format_moment(moment: datetime, language: str, tz: str = "Asia/Almaty") -> str:
    return format_datetime(moment, format="medium", tzinfo=zone(tz), locale=language)
