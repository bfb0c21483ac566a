"""The gettext catalogs as the tests read them: what `pybabel extract` finds in the code, the
committed template and catalogs, and what is wrong with a language's catalog."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from babel.messages.catalog import PYTHON_FORMAT, Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from shared import i18n

ROOT = Path(i18n.__file__).resolve().parents[1]
TEMPLATE = i18n.TRANSLATIONS / f"{i18n.DOMAIN}.pot"
#: What babel.cfg says to run after changing a message in the code.
EXTRACT = "pybabel extract -F babel.cfg -o shared/translations/messages.pot shared services"
UPDATE = "pybabel update -i shared/translations/messages.pot -d shared/translations"
COMPILE = "pybabel compile -d shared/translations"


def po_path(language: str) -> Path:
    return i18n.TRANSLATIONS / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_mo(file) if path.suffix == ".mo" else read_po(file)


def extract(into: Path) -> Catalog:
    """What `pybabel extract` finds in the code now, as babel.cfg says (run the way a developer runs it)."""
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg"]
    subprocess.run([*command, "-o", str(into), "shared", "services"], cwd=ROOT, check=True)
    return read(into)


@cache
def template_ids() -> frozenset[str]:
    """The msgid (the singular, for a plural message) of every message of the committed template."""
    return frozenset(msgid(message) for message in read(TEMPLATE) if message.id)


def msgid(message: Message | i18n.Text) -> str:
    if isinstance(message, i18n.Plural):
        return message.singular
    if isinstance(message, Message):
        return message.id if isinstance(message.id, str) else message.id[0]
    return message


def unknown(messages: Iterable[i18n.Text]) -> set[str]:
    """The messages the code names that the catalogs lack (written without `N_()` or `Plural()`)."""
    return {msgid(message) for message in messages} - template_ids()


def _placeholders(text: str) -> set[str]:
    return {match.group(1) for match in PYTHON_FORMAT.finditer(text) if match.group(1)}


def problems(template: Catalog, catalog: Catalog, plurals: int) -> list[str]:
    """What keeps `catalog` from saying every message of `template`: a message missing, empty, fuzzy,
    with other placeholders than its msgid or the wrong number of plural forms; empty when whole."""
    found = [f"{catalog.locale}: {plurals} plural forms expected, not {catalog.num_plurals}"]
    found = found if catalog.num_plurals != plurals else []
    for wanted in template:
        if not wanted.id:
            continue
        name = msgid(wanted)
        message = catalog.get(wanted.id, wanted.context)
        if message is None:
            found.append(f"{name!r}: missing")
            continue
        forms = (message.string,) if isinstance(message.string, str) else tuple(message.string)
        texts = wanted.id if wanted.pluralizable else (name,)
        expected = set().union(*(_placeholders(text) for text in texts))
        if message.fuzzy:
            found.append(f"{name!r}: fuzzy")
        if not all(forms) or len(forms) != (plurals if wanted.pluralizable else 1):
            found.append(f"{name!r}: not translated (forms: {forms})")
        found.extend(
            f"{name!r}: placeholders {sorted(_placeholders(form))} in {form!r}, not {sorted(expected)}"
            for form in forms
            if form and _placeholders(form) != expected
        )
    found.extend(f"{msgid(message)!r}: {error}" for message, errors in catalog.check() for error in errors)
    return found
