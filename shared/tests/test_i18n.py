from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from jinja2 import Environment

from shared import i18n
from shared.tests import catalogs


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


def test_translate_keeps_kazakh_letters() -> None:
    reason = "Әлия Ғұмарқызы Өтегенова: ә ғ қ ң ө ұ ү һ і"
    assert i18n.translate("Rejected: %(reason)s", "kk", {"reason": reason}) == f"Қабылданбады: {reason}"
    assert i18n.translate("Rejected: %(reason)s", "de", {"reason": "X"}) == "Rejected: X"


@pytest.mark.parametrize(
    ("words", "ru", "kk", "en"),
    [
        (1, "1 слово", "сөз саны: 1", "1 word;"),
        (2, "2 слова", "сөз саны: 2", "2 words"),
        (5, "5 слов", "сөз саны: 5", "5 words"),
        (11, "11 слов", "сөз саны: 11", "11 words"),
        (21, "21 слово", "сөз саны: 21", "21 words"),
        (24, "24 слова", "сөз саны: 24", "24 words"),
        (249, "249 слов", "сөз саны: 249", "249 words"),
    ],
)
def test_a_counted_message_takes_each_languages_plural_form(words: int, ru: str, kk: str, en: str) -> None:
    too_short = i18n.Plural(
        "%(words)s word; at least %(minimum)s are required",
        "%(words)s words; at least %(minimum)s are required",
        "words",
    )
    params = {"words": words, "minimum": 250}
    assert i18n.translate(too_short, "ru", params).startswith(ru + ";")
    assert i18n.translate(too_short, "kk", params).startswith(kk + ";")
    assert i18n.translate(too_short, "en", params).startswith(en)


def test_templates_speak_the_language_of_their_lang_variable() -> None:
    env = Environment(autoescape=True)
    i18n.install(env)
    template = env.from_string(
        '{{ _("Region") }} · {{ ngettext("%(num)s candidate", "%(num)s candidates", n) }}'
        ' · {{ _("Rejected: %(reason)s", reason=reason) }}'
    )
    assert template.render(lang="ru", n=22, reason="Қ<b>") == "Регион · 22 кандидата · Отклонено: Қ&lt;b&gt;"
    assert template.render(lang="kk", n=1, reason="ә") == "Өңір · 1 кандидат · Қабылданбады: ә"
    assert template.render(lang="en", n=1, reason="x") == "Region · 1 candidate · Rejected: x"


def test_dates_in_each_language() -> None:
    day = date(2026, 10, 5)
    assert "қазан" in i18n.format_day(day, "kk")
    assert "октября" in i18n.format_day(day, "ru")
    assert "October" in i18n.format_day(day, "en")


# --- the catalogs ----------------------------------------------------------------------------------

PLURAL_FORMS = {"kk": 2, "ru": 3, "en": 2}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return catalogs.extract(tmp_path_factory.mktemp("extract") / "messages.pot")


def test_the_template_holds_every_message_of_the_code(extracted: Catalog) -> None:
    in_code = {catalogs.msgid(message) for message in extracted if message.id}
    assert len(in_code) > 150
    assert in_code == catalogs.template_ids(), f"run: {catalogs.EXTRACT} && {catalogs.UPDATE}"


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_message_is_translated_with_the_same_placeholders(extracted: Catalog, language: str) -> None:
    catalog = catalogs.read(catalogs.po_path(language))
    assert catalogs.problems(extracted, catalog, PLURAL_FORMS[language]) == []


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_the_compiled_catalogs_say_what_the_po_files_say(language: str) -> None:
    def said(catalog: Catalog) -> dict[object, object]:
        def key(value: object) -> object:  # a .mo is read back with lists where a .po gives tuples
            return tuple(value) if isinstance(value, list | tuple) else value

        messages = [message for message in catalog if message.id and not message.fuzzy]
        return {key(message.id): key(message.string) for message in messages}

    source = catalogs.po_path(language)
    compiled = catalogs.read(source.with_suffix(".mo"))
    assert said(compiled) == said(catalogs.read(source)), f"run: {catalogs.COMPILE}"


def test_the_catalog_check_finds_what_a_translator_can_get_wrong() -> None:
    template = Catalog()
    template.add("Hello, %(name)s!", flags=["python-format"])
    template.add(("%(n)s word", "%(n)s words"), flags=["python-format"])
    template.add("Region")
    template.add("Status")
    broken = Catalog(locale="ru")
    broken.add("Hello, %(name)s!", "Здравствуйте, %(nom)s!", flags=["python-format"])
    broken.add(("%(n)s word", "%(n)s words"), ("%(n)s слово", "%(n)s слова", ""), flags=["python-format"])
    broken.add("Region", "Регион", flags=["fuzzy"])
    found = catalogs.problems(template, broken, 3)
    assert any(line.startswith("'Hello, %(name)s!': placeholders ['nom']") for line in found)
    assert any(line.startswith("'%(n)s word': not translated") for line in found)
    assert "'Region': fuzzy" in found
    assert "'Status': missing" in found
    assert catalogs.problems(template, broken, 2)[0] == "ru: 2 plural forms expected, not 3"


def test_a_missing_compiled_catalog_fails_loudly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(i18n, "TRANSLATIONS", tmp_path)
    i18n.translator.cache_clear()
    try:
        with pytest.raises(FileNotFoundError):
            i18n.translate("Region", "kk")
    finally:
        monkeypatch.undo()
        i18n.translator.cache_clear()
