"""The protocol, PDF and XLSX, read back: every language drawn in real letters, every part present,
long names inside their cells, each signatory once, too few scores marked, typed text never a formula."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import LongTable

from services.review.api.protocol import content as protocol
from services.review.api.protocol import layout as protocol_layout
from services.review.api.protocol import pdf as protocol_pdf
from services.review.api.protocol import xlsx as protocol_xlsx
from services.review.rules import fingerprint

WORDS = {
    "kk": ("Комиссия отырысының хаттамасы", "Өңірлік комиссия: Алматы", "Қолдар"),
    "ru": ("Протокол заседания комиссии", "Региональная комиссия: Алматы", "Подписи"),
    "en": ("Protocol of the commission's meeting", "Regional commission: Almaty", "Signatures"),
}
#: 60 letters and spaces, every Kazakh letter among them (ә ғ қ ң ө ұ ү һ і).
LONG_NAME = "Әбілғазиева Қаныкей Өтегенқызы Ұлпанһан Үмітқызы Ғалияңізұлы"
HYPERLINK = '=HYPERLINK("http://evil.example/","Ашу")'
CHAIR = "chair@example.kz"
ALMATY = timezone(timedelta(hours=5))


def sample(**changes: object) -> protocol.Protocol:
    built = protocol.Protocol(
        decision_id="d2a1b2c3-0000-4000-8000-000000000002",
        year=2026,
        stage="regional",
        scope="almaty",
        decided_at=datetime(2026, 10, 14, 9, 30, tzinfo=UTC),
        place="Алматы, Абай даңғылы 10",
        chair=protocol.Person("Сәрсенова Айгүл", CHAIR),
        members_present=[protocol.Person(None, "a@example.kz"), protocol.Person("Бек Серік", "b@example.kz")],
        justification="Жоғары ұпай: WorldSkills жеңімпазы, ғылыми жобалар.",
        quota=10,
        advanced=[("c1", "Нұрланұлы Әлихан")],
        not_advanced=[("c2", "Өмірзақова Гүлназ"), ("c3", LONG_NAME)],
        rubric=[protocol.Criterion("impact", {"kk": "Ықпал", "ru": "Влияние", "en": "Impact"}, 2.0, 0, 10)],
        scores=[
            protocol.MemberScore("Сәрсенова Айгүл", "Нұрланұлы Әлихан", {"impact": 9}, 9.0),
            protocol.MemberScore("Бек Серік", LONG_NAME, {"impact": 4}, 4.0),
        ],
        ranking=[
            protocol.Ranked(1, "c1", "Нұрланұлы Әлихан", 9.0, 1.25, 2),
            protocol.Ranked(2, "c2", "Өмірзақова Гүлназ", 6.5, -1.25, 2),
            protocol.Ranked(3, "c3", LONG_NAME, 4.0, -1.5, 1),
        ],
        normalization={"kk": "z-score (kk)", "ru": "z-score (ru)", "en": "z-score (en)"},
        tie_break={"kk": "ең жоғары ықпал", "ru": "наибольшее влияние", "en": "highest impact"},
        corrections=[
            protocol.Correction("d-2", datetime(2026, 10, 14, 9, 30, tzinfo=UTC), "Қате балл", "d-1")
        ],
        language="kk",
        min_scores=2,
        digest="ab" * 32,
    )
    return replace(built, **changes)  # type: ignore[arg-type]


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """The text with every run of whitespace one space: a wrapped name reads as written."""
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_pdf_reads_back_in_each_language_with_kazakh_letters(lang: str) -> None:
    text = flat("\n".join(pages_of(protocol_pdf.pdf(sample(), lang))))
    for words in WORDS[lang]:
        assert words in text
    for kazakh in ("Нұрланұлы Әлихан", "Өмірзақова Гүлназ", "Сәрсенова Айгүл", "ғылыми жобалар", "Қате балл"):
        assert kazakh in text
    assert "a@example.kz" in text and "z-score" in text and "d-1" in text
    assert "M1: Бек Серік" in text and "9.00" in text
    assert {"kk": "Ықпал", "ru": "Влияние", "en": "Impact"}[lang] in text


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_long_kazakh_name_pages_the_fingerprint_and_the_too_few_mark(lang: str) -> None:
    assert len(LONG_NAME) == 60 and set("әғқңөұүһі") <= set(LONG_NAME.lower())
    built = sample()
    pages = pages_of(protocol_pdf.pdf(built, lang))
    text = flat("\n".join(pages))
    assert LONG_NAME in text
    word = protocol.words(lang)
    for number, page in enumerate(pages, start=1):
        assert word("page", page=number, pages=len(pages)) in flat(page)
        assert f"SHA-256 {built.digest}" in flat(page) and built.short_id in flat(page)
    # The one candidate with fewer scores than the rubric's 2 is marked, and the mark explained.
    assert f"{LONG_NAME} {protocol.TOO_FEW_MARK}" in text
    assert f"Өмірзақова Гүлназ {protocol.TOO_FEW_MARK}" not in text
    assert f"{protocol.TOO_FEW_MARK} {word('too_few', min=2)}" in text


def test_markup_in_a_name_prints_as_written() -> None:
    """A short name is a plain cell, a long one a paragraph (which reads markup): both as typed."""
    odd = ["Ә & Б <b>x</b>", f"{LONG_NAME} & <i>Ғ</i>"]
    ranking = [protocol.Ranked(n + 1, f"c{n}", name, 5.0, 0.0, 2) for n, name in enumerate(odd)]
    text = flat("\n".join(pages_of(protocol_pdf.pdf(sample(ranking=ranking, scores=[]), "kk"))))
    assert all(name in text for name in odd)


def decision(**changes: object) -> SimpleNamespace:
    """A recorded decision's fields, as `models.Decision` has them."""
    fields = {
        "id": "d2a1b2c3-0000-4000-8000-000000000002",
        "year": 2026,
        "stage": "regional",
        "scope": "almaty",
        "advanced": ["c1", "c0"],
        "not_advanced": ["c3", "c2"],
        "quota": 10,
        "justification": "Жоғары ұпай.",
        "members_present": ["a@example.kz", CHAIR.upper(), "b@example.kz", "A@example.kz"],
        "place": None,
        "language": "kk",
        "chair_id": "u-1",
        "chair_email": CHAIR,
        "chair_name": "Сәрсенова Айгүл",
        "supersedes": None,
        "reason": None,
        "record": {"ranking": [], "min_scores": 3},
        "decided_at": datetime(2026, 10, 14, 9, 30, 0, 123456, tzinfo=UTC),
    }
    return SimpleNamespace(**{**fields, **changes})


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_chair_signs_once_and_each_member_present_once(lang: str) -> None:
    built = protocol.protocol_of(decision(), {}, [], {"b@example.kz": "Бек Серік"})
    assert [p.email for p in built.members_present] == ["a@example.kz", "b@example.kz"]
    text = flat("\n".join(pages_of(protocol_pdf.pdf(built, lang))))
    signing = text[text.rindex(WORDS[lang][2]) :]
    assert signing.count(CHAIR) == 1 and signing.count("a@example.kz") == 1
    assert "Бек Серік <b@example.kz>" in signing
    # Once in the heading (the chair's row), once to sign: not among the members present again.
    assert text.lower().count(CHAIR) == 2
    assert built.min_scores == 3 and built.digest == fingerprint.sha256(decision())


def test_the_fingerprint_is_the_canonical_json_of_the_recorded_fields() -> None:
    canonical = fingerprint.canonical_json(decision())
    assert canonical.startswith('{"advanced":["c0","c1"],"chair":{"email":"chair@example.kz"')
    assert " " not in canonical.replace("Жоғары ұпай.", "").replace("Сәрсенова Айгүл", "")
    assert '"decided_at":"2026-10-14T09:30:00.123456Z"' in canonical and "Жоғары" in canonical
    same = decision(
        advanced=["c0", "c1"], decided_at=datetime(2026, 10, 14, 14, 30, 0, 123456, tzinfo=ALMATY)
    )
    assert fingerprint.sha256(same) == fingerprint.sha256(decision())
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint.sha256(decision()))
    assert fingerprint.sha256(decision(justification="Жоғары ұпай!")) != fingerprint.sha256(decision())


def test_columns_fit_their_content_and_the_page() -> None:
    assert protocol_layout.fit_widths([10, 20], [5, 5], 60) == [20, 40]
    # Each column gets its longest word, the rest is shared by what each still wants (50 and 240).
    assert protocol_layout.fit_widths([100, 300], [50, 60], 200) == pytest.approx(
        [50 + 90 * 50 / 290, 60 + 90 * 240 / 290]
    )
    assert protocol_layout.fit_widths([200, 300], [150, 250], 200) == pytest.approx([75, 125])


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_cell_holds_its_longest_word(lang: str) -> None:
    """The layout reportlab is given: a cell is a plain string only when it fits its column on one
    line, else a wrapping paragraph (header cells too) whose longest word fits; no table is wider
    than the page. The long name wraps."""
    built = sample()
    flowables = [
        part for item in protocol_pdf.story(built, lang) for part in getattr(item, "_content", [item])
    ]
    tables = [item for item in flowables if isinstance(item, LongTable)]
    assert len(tables) == 5
    wrapped = []
    for grid in tables:
        assert sum(grid._colWidths) <= protocol_layout.WIDTH + 0.01
        for number, row in enumerate(grid._cellvalues):
            for cell, width in zip(row, grid._colWidths, strict=True):
                room = width - protocol_layout.PADDING + 0.01
                if isinstance(cell, str):
                    bold = number == 0 and grid.repeatRows
                    font = protocol_layout.BOLD if bold else protocol_layout.REGULAR
                    assert pdfmetrics.stringWidth(cell, font, protocol_layout.CELL_SIZE) <= room, cell
                else:
                    assert cell.minWidth() <= room, cell.text
                    wrapped.append(cell.text)
    # Where the long name does not fit its column on one line (kk, ru: wider headers), it wraps.
    assert lang == "en" or any(text.startswith(LONG_NAME[:20]) for text in wrapped)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_workbook_has_the_decision_rubric_scores_and_ranking(lang: str) -> None:
    book = load_workbook(io.BytesIO(protocol_xlsx.xlsx(sample(), lang)))
    assert len(book.sheetnames) == 4
    cells = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None}
    assert WORDS[lang][0] in cells and WORDS[lang][1] in cells
    assert "Нұрланұлы Әлихан" in cells and "Өмірзақова Гүлназ" in cells and LONG_NAME in cells
    criterion = {"kk": "Ықпал", "ru": "Влияние", "en": "Impact"}[lang]
    rubric, scores, ranking = (book[name] for name in book.sheetnames[1:])
    assert [c.value for c in scores[1]][2] == criterion and "impact" not in cells
    assert [c.value for c in rubric[1]] == [
        protocol.words(lang)(k) for k in ("criterion", "weight", "min", "max")
    ]
    assert scores.cell(2, 3).data_type == "n" and scores.cell(2, 3).value == 9
    year = next(
        row[1] for row in book[book.sheetnames[0]].iter_rows() if row[0].value == protocol.words(lang)("year")
    )
    assert year.data_type == "n" and year.value == 2026
    assert [c.value for c in ranking[4]][:6] == [3, LONG_NAME, 4.0, -1.5, 1, protocol.TOO_FEW_MARK]
    assert all(c.data_type == "n" for c in ranking[2][:5] if c.column != 2)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_typed_texts_are_string_cells_never_formulas(lang: str) -> None:
    typed = sample(
        justification=HYPERLINK,
        place="@place",
        chair=protocol.Person("-x", CHAIR),
        members_present=[protocol.Person("+77011234567", "m@example.kz")],
        advanced=[("c1", "=1+1")],
        ranking=[protocol.Ranked(1, "c1", "=1+1", 9.0, -1.25, 2)],
        scores=[protocol.MemberScore("@x", "+7", {"impact": 9}, 9.0)],
    )
    book = load_workbook(io.BytesIO(protocol_xlsx.xlsx(typed, lang)))
    found = {}
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
                if isinstance(cell.value, str):
                    found[cell.value] = cell.data_type
    for value in (
        HYPERLINK,
        "@place",
        "-x <chair@example.kz>",
        "+77011234567 <m@example.kz>",
        "=1+1",
        "@x",
        "+7",
    ):
        assert found[value] == "s", value
    assert book[book.sheetnames[3]].cell(2, 4).value == -1.25
