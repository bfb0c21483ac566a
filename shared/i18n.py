"""Messages in Kazakh, Russian and English, and picking the language a person asked for.

Every sentence a person reads is written in English, with named placeholders (`%(name)s`), where it
is used: `_()`/`ngettext()`/`{% trans %}` in a template, or `N_()`/`Plural()` in the code that names
a message for later (the words of a code, kept in a mapping) and `translate()` that says it in the
reader's language. `pybabel extract -F babel.cfg` finds them all; the translations are gettext
catalogs, `shared/translations/<kk|ru|en>/LC_MESSAGES/messages.po`, compiled to the `messages.mo`
committed next to each (so a clean clone, an editable install and an image all run without a build
step; a test fails when a `.mo` says something else than its `.po`).

One catalog for the four services rather than one each: they ship as one package, share the page
layout and the programme's vocabulary, and say many of the same words ("Region", "Status"), so a
translator keeps one file per language. The language is always an argument, never a request
global: a worker writes to a student in the student's language, a page answers in its reader's
(templates read their `lang` variable). That is why this is Babel's `Translations` and Jinja's own
i18n extension rather than Flask-Babel, whose locale belongs to a request a worker does not have.
Dates are formatted with Babel too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from babel.support import Translations
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from shared.clock import zone

LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "ru"
#: Each language named in itself, as a language switch shows it whatever the page's language (so
#: these are not translated).
ENDONYMS: dict[str, str] = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

TRANSLATIONS = Path(__file__).parent / "translations"
DOMAIN = "messages"


@dataclass(frozen=True)
class Plural:
    """A message with a number in it, named for later: the form is picked by the parameter `count`
    names (three forms in Russian, two in Kazakh and English; the catalog's Plural-Forms decide)."""

    singular: str
    plural: str
    count: str


#: A message named for later: an English msgid, or a `Plural`.
Text = str | Plural


def N_(msgid: str) -> str:
    """Mark `msgid` for extraction where it is only named; `translate` says it later."""
    return msgid


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


@cache
def translator(language: str) -> Translations:
    """The compiled catalog of `language` (English for any other), read once per process.

    Opened by path rather than with `Translations.load`, which answers a missing file with an empty
    catalog: a missing `.mo` must fail loudly, not turn every page into English.
    """
    language = language if language in LANGUAGES else "en"
    with (TRANSLATIONS / language / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as catalog:
        return Translations(catalog, domain=DOMAIN)


def translate(message: Text, language: str, params: Mapping[str, object] | None = None) -> str:
    """`message` in `language` (English for any other), its placeholders filled from `params`.

    Every message is a %-format string, as in the templates: a literal percent sign is `%%`.
    """
    catalog = translator(language)
    values = params if params is not None else {}
    if isinstance(message, Plural):
        # Without its number (a problem described in general), the form of 0: the general one in
        # kk, ru and en ("students", "заявок").
        number = values.get(message.count)
        template = catalog.ngettext(
            message.singular, message.plural, int(number) if number is not None else 0
        )
    else:
        template = catalog.gettext(message)
    return template % values


@pass_context
def _template_gettext(context: Context, message: str) -> str:
    return translator(context.get("lang", DEFAULT_LANGUAGE)).gettext(message)


@pass_context
def _template_ngettext(context: Context, singular: str, plural: str, number: int) -> str:
    return translator(context.get("lang", DEFAULT_LANGUAGE)).ngettext(singular, plural, number)


def install(env: Environment) -> None:
    """Give `env`'s templates `_()`, `gettext()`, `ngettext()` and `{% trans %}`, speaking the
    language of the template's own `lang` variable (so a template renders in any language, in a
    request or in a worker). Placeholders are named (`_("Total: %(n)s", n=3)`) and escaped."""
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_template_gettext, ngettext=_template_ngettext, newstyle=True
    )
    env.filters["decimal"] = _template_decimal


@pass_context
def _template_decimal(context: Context, value: float | int | None, places: int = 2) -> str:
    return format_number(value, context.get("lang", DEFAULT_LANGUAGE), places)


def format_number(value: float | int | None, language: str, places: int = 2) -> str:
    """`value` as the reader writes numbers: 6,80 in kk and ru, 6.80 in en (Babel's CLDR data); a
    dash for no value, so a table cell is never empty. Templates say `{{ value|decimal }}`."""
    if value is None:
        return "—"
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=language if language in LANGUAGES else "en")


def format_day(day: date, language: str) -> str:
    return format_date(day, format="long", locale=language)


def format_moment(moment: datetime, language: str, tz: str = "Asia/Almaty") -> str:
    return format_datetime(moment, format="medium", tzinfo=zone(tz), locale=language)
