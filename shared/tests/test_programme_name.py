"""One name of the programme everywhere, as the regulation has it, and one Kazakh word for a candidate.

The name lives in `shared.vocabulary.PROGRAMME`; page headers, banners and letters say it in the
reader's language. Every template, seed letter and catalog of the repository is read here for the
variants it used to carry («ТиПО», «ТжКБ», "TOP 100 college students" without "of Kazakhstan", «ең
үздік 100») and for «үміткер», where the regulation says «кандидат».
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from shared import i18n, vocabulary

ROOT = Path(__file__).resolve().parents[2]
NAMES = {
    "kk": "ҚР колледждерінің ТОП 100 студенті",
    "ru": "ТОП 100 студентов колледжей РК",
    "en": "TOP 100 college students of Kazakhstan",
}
#: A name of the programme that is not the regulation's.
VARIANT = re.compile(
    r"ТиПО|ТжКБ|ең үздік 100|TOP 100 college students(?! of Kazakhstan)"
    r"|студентов колледжей(?! РК)|(?<!ҚР )колледждерінің ТОП 100",
    re.IGNORECASE,
)


def _people_read() -> list[Path]:
    """Every file whose words reach a person: page templates, letters' seeds, the catalogs."""
    found = [*ROOT.glob("services/*/templates/**/*.html"), *ROOT.glob("shared/templates/**/*.html")]
    found += [*ROOT.glob("services/notify/seed/*.toml"), *ROOT.glob("shared/translations/*/LC_MESSAGES/*.po")]
    return sorted(found)


@pytest.mark.parametrize("language", sorted(NAMES))
def test_the_programme_has_the_regulations_name_in_each_language(language: str) -> None:
    assert i18n.translate(vocabulary.PROGRAMME, language) == NAMES[language]


@pytest.mark.parametrize("path", _people_read(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_page_letter_or_catalog_names_the_programme_otherwise(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not VARIANT.findall(text), path


def test_the_kazakh_word_for_a_candidate_is_the_regulations() -> None:
    kazakh = (ROOT / "shared/translations/kk/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    for path in ROOT.glob("services/notify/seed/*.toml"):
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        kazakh += "".join(part.get("kk", "") for texts in document.values() for part in texts.values())
    assert "кандидат" in kazakh and not re.search(r"үміткер", kazakh, re.IGNORECASE)


def test_the_page_header_reads_the_one_name() -> None:
    layout = (ROOT / "shared/templates/layout.html").read_text(encoding="utf-8")
    assert "t(programme)" in layout and NAMES["en"] not in layout
