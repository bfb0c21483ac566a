"""The protocol, PDF and XLSX, read back: every language drawn in real letters, every part present."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from services.review import protocol

WORDS = {
    "kk": ("Комиссия отырысының хаттамасы", "Өңірлік комиссия: Алматы", "Қолдар"),
    "ru": ("Протокол заседания комиссии", "Региональная комиссия: Алматы", "Подписи"),
    "en": ("Protocol of the commission's meeting", "Regional commission: Almaty", "Signatures"),
}


def sample() -> protocol.Protocol:
    return protocol.Protocol(
        decision_id="d-2",
        year=2026,
        stage="regional",
        scope="almaty",
        decided_at=datetime(2026, 10, 14, 9, 30, tzinfo=UTC),
        place="Алматы, Абай даңғылы 10",
        chair="Сәрсенова Айгүл <chair@example.kz>",
        members_present=["a@example.kz", "b@example.kz"],
        justification="Жоғары ұпай: WorldSkills жеңімпазы, ғылыми жобалар.",
        quota=10,
        advanced=[("c1", "Нұрланұлы Әлихан")],
        not_advanced=[("c2", "Өмірзақова Гүлназ")],
        rubric=[protocol.Criterion("impact", {"kk": "Ықпал", "ru": "Влияние", "en": "Impact"}, 2.0, 0, 10)],
        scores=[protocol.MemberScore("Сәрсенова Айгүл", "Нұрланұлы Әлихан", {"impact": 9}, 9.0)],
        ranking=[
            protocol.Ranked(1, "c1", "Нұрланұлы Әлихан", 9.0, 1.25, 2),
            protocol.Ranked(2, "c2", "Өмірзақова Гүлназ", 6.5, -1.25, 2),
        ],
        normalization={"kk": "z-score (kk)", "ru": "z-score (ru)", "en": "z-score (en)"},
        tie_break={"kk": "ең жоғары ықпал", "ru": "наибольшее влияние", "en": "highest impact"},
        corrections=[
            protocol.Correction("d-2", datetime(2026, 10, 14, 9, 30, tzinfo=UTC), "Қате балл", "d-1")
        ],
        language="kk",
    )


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_pdf_reads_back_in_each_language_with_kazakh_letters(lang: str) -> None:
    text = text_of(protocol.pdf(sample(), lang))
    for words in WORDS[lang]:
        assert words in text
    for kazakh in ("Нұрланұлы Әлихан", "Өмірзақова Гүлназ", "Сәрсенова Айгүл", "ғылыми жобалар", "Қате балл"):
        assert kazakh in text
    assert "a@example.kz" in text and "z-score" in text and "d-1" in text
    assert "M1: Сәрсенова Айгүл" in text and "9.00" in text
    assert {"kk": "Ықпал", "ru": "Влияние", "en": "Impact"}[lang] in text


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_workbook_has_the_decision_rubric_scores_and_ranking(lang: str) -> None:
    book = load_workbook(io.BytesIO(protocol.xlsx(sample(), lang)))
    assert len(book.sheetnames) == 4
    cells = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None}
    assert WORDS[lang][0] in cells and WORDS[lang][1] in cells
    assert "Нұрланұлы Әлихан" in cells and "Өмірзақова Гүлназ" in cells and "9" in cells
