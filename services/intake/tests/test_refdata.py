"""The shipped reference files, the line-and-column errors of bad files, and idempotent reloads."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

import pytest

from services.intake.operations.refdata import COLLEGES_FILE, REGIONS_FILE
from services.intake.rules.refdata import (
    CollegeRow,
    RefdataError,
    RowError,
    diff,
    parse_colleges_csv,
    parse_regions_csv,
)
from shared.regions import region_codes

HEADER = "code,region,name_kk,name_ru,name_en,city,active\n"
KAZAKH_LETTERS = re.compile("[әғқңөұүһі]", re.IGNORECASE)


def colleges() -> list[CollegeRow]:
    return parse_colleges_csv(COLLEGES_FILE.read_text(encoding="utf-8"))


def errors_of(text: str, **kwargs: object) -> list[str]:
    with pytest.raises(RefdataError) as caught:
        parse_colleges_csv(text, **kwargs)  # type: ignore[arg-type]
    return [str(error) for error in caught.value.errors]


# --- the shipped files -------------------------------------------------------------------------------


def test_every_region_has_three_to_six_active_colleges() -> None:
    per_region = Counter(row.region for row in colleges() if row.active)
    assert set(per_region) == set(region_codes())
    assert all(3 <= n <= 6 for n in per_region.values()), per_region


def test_shipped_colleges_are_named_in_three_languages() -> None:
    rows = colleges()
    assert len({row.code for row in rows}) == len(rows)
    for row in rows:
        assert re.fullmatch(r"[A-Z]{3}-[0-9]{3}", row.code)
        assert "колледж" in row.name_kk.lower() and "колледж" in row.name_ru.lower()
        assert "College" in row.name_en
    # Kazakh names are Kazakh, not Russian: most of them carry Kazakh-only letters.
    assert sum(bool(KAZAKH_LETTERS.search(row.name_kk)) for row in rows) > len(rows) * 0.7
    assert colleges()[0].name("kk") == "«Astana Polytechnic» жоғары колледжі"
    assert colleges()[0].name("fr") == "Astana Polytechnic Higher College"


def test_codes_share_a_prefix_per_region() -> None:
    prefixes: dict[str, set[str]] = {}
    for row in colleges():
        prefixes.setdefault(row.region, set()).add(row.code[:3])
    assert all(len(p) == 1 for p in prefixes.values())
    assert len({next(iter(p)) for p in prefixes.values()}) == 20


def test_the_shipped_regions_file_parses() -> None:
    regions = parse_regions_csv(REGIONS_FILE.read_text(encoding="utf-8"))
    assert [r.code for r in regions] == list(region_codes())
    astana = regions[0]
    assert "Нұр-Сұлтан" in astana.aliases
    assert astana.name("kk") == "Астана"


# --- bad college files -------------------------------------------------------------------------------


def test_an_unknown_region_is_named_by_line_and_column() -> None:
    text = HEADER + "AST-001,astana,А колледжі,А колледж,A College,Astana,true\n"
    text += "XXX-001,atlantis,Б колледжі,Б колледж,B College,Atlantis,true\n"
    assert errors_of(text) == ["line 3, column region: unknown region 'atlantis'"]


def test_a_duplicate_code_names_both_lines() -> None:
    text = HEADER + "AST-001,astana,А,А,A,Astana,true\n\nast-001,astana,Б,Б,B,Astana,true\n"
    assert errors_of(text) == ["line 4, column code: duplicate code 'ast-001' (first on line 2)"]


def test_empty_names_and_every_other_bad_cell_are_reported_together() -> None:
    text = HEADER + "AST-001,astana, ,А,A,Astana,maybe\nALA 1,almaty,Б,Б,,,true\n"
    assert errors_of(text, source="upload.csv") == [
        "line 2, column name_kk: empty name",
        "line 2, column active: 'maybe' is not true or false",
        "line 3, column code: 'ALA 1' is not 1-32 letters, digits, '-' or '_'",
        "line 3, column name_en: empty name",
        "line 3, column city: empty city",
    ]


def test_the_error_message_names_the_source() -> None:
    with pytest.raises(RefdataError, match=r"^upload\.csv: line 2, column region: unknown region 'x'$"):
        parse_colleges_csv(HEADER + "A-1,x,А,А,A,C,true\n", source="upload.csv")


def test_quoted_multiline_cells_keep_line_numbers_right() -> None:
    text = HEADER + 'AST-001,astana,"А\nколледжі",А,A,Astana,true\nAST-002,nowhere,Б,Б,B,Astana,true\n'
    assert errors_of(text) == ["line 4, column region: unknown region 'nowhere'"]
    rows = parse_colleges_csv(text.replace("nowhere", "astana"))
    assert rows[0].name_kk == "А колледжі"


def test_header_problems() -> None:
    assert errors_of("code,region,name_kk,name_ru,name_kz,city,active\n") == [
        "line 1, column name_en: missing column",
        "line 1, column name_kz: unknown column",
    ]
    assert errors_of("") == [f"line 1, column {c}: missing column" for c in HEADER.strip().split(",")]


def test_a_row_with_the_wrong_number_of_fields() -> None:
    assert errors_of(HEADER + "AST-001,astana,А,А\n") == ["line 2: 4 fields, expected 7"]


def test_values_are_cleaned_and_active_defaults_to_true() -> None:
    text = (
        "\ufeff"
        + HEADER
        + " AST-001 , astana ,  Астана   колледжі ,А,A,Astana,\nAST-002,astana,Б,Б,B,Astana,FALSE\n"
    )
    first, second = parse_colleges_csv(text)
    assert first == CollegeRow("AST-001", "astana", "Астана колледжі", "А", "A", "Astana", True)
    assert second.active is False


def test_regions_can_be_checked_against_a_file_being_loaded() -> None:
    text = HEADER + "NEW-001,new_region,А,А,A,City,true\n"
    assert parse_colleges_csv(text, regions={"new_region"})[0].region == "new_region"
    assert errors_of(text) == ["line 2, column region: unknown region 'new_region'"]


# --- bad region files --------------------------------------------------------------------------------


def test_bad_region_rows() -> None:
    text = REGIONS_FILE.read_text(encoding="utf-8")
    text += "Ulytau2,KZ-62,oblast,Ұлытау,Ұлытау,Ulytau,\n"
    text += "new,KZ-9,province,,Н,N,nur_sultan\n"
    text += "nur_sultan,KZ-71,city,А,А,A,\n"
    with pytest.raises(RefdataError) as caught:
        parse_regions_csv(text)
    assert [str(e) for e in caught.value.errors] == [
        "line 22, column code: 'Ulytau2' is not lower-case letters, digits and '_'",
        "line 23, column iso_code: 'KZ-9' is not an ISO 3166-2:KZ code",
        "line 23, column kind: 'province' is not one of city, oblast",
        "line 23, column name_kk: empty name",
        "line 23, column aliases: 'nur_sultan' already names region 'astana'",
        "line 24, column code: 'nur_sultan' already names region 'astana'",
    ]


def test_region_duplicates_and_missing_columns() -> None:
    text = REGIONS_FILE.read_text(encoding="utf-8")
    first = text.splitlines()[1]
    with pytest.raises(RefdataError, match="duplicate code 'astana' \\(first on line 2\\)"):
        parse_regions_csv(text + first + "\n")
    with pytest.raises(RefdataError, match="line 1, column iso_code: missing column"):
        parse_regions_csv("code,kind,name_kk,name_ru,name_en\n")
    no_aliases = "code,iso_code,kind,name_kk,name_ru,name_en\nastana,KZ-71,city,Астана,Астана,Astana\n"
    assert parse_regions_csv(no_aliases)[0].aliases == ()


# --- diff --------------------------------------------------------------------------------------------


def test_a_first_load_adds_everything_and_a_second_changes_nothing() -> None:
    rows = colleges()
    first = diff({}, rows)
    assert len(first.added) == len(rows) and first.changes_anything
    stored = {row.code: row for row in first.added}
    second = diff(stored, colleges())
    assert second.changes_anything is False
    assert second.summary() == f"0 added, 0 updated, {len(rows)} unchanged, 0 deactivated"


def test_updates_name_the_fields_that_changed() -> None:
    rows = colleges()
    stored = {row.code: row for row in rows}
    renamed = replace(rows[1], name_ru="Новое имя", city="Kosshy")
    changes = diff(stored, [renamed, *rows[2:], rows[0]])
    assert changes.updated == (renamed,)
    assert changes.changed_fields == {renamed.code: ("name_ru", "city")}
    assert len(changes.unchanged) == len(rows) - 1


def test_a_college_missing_from_the_file_is_deactivated_not_deleted() -> None:
    rows = colleges()
    stored = {row.code: row for row in rows}
    changes = diff(stored, rows[1:])
    assert changes.deactivated == (replace(rows[0], active=False),)
    # After the loader writes that, loading the same file again is a no-op ...
    stored[rows[0].code] = changes.deactivated[0]
    assert not diff(stored, rows[1:]).changes_anything
    # ... and a file that lists the college again brings it back as an update.
    back = diff(stored, rows)
    assert back.updated == (rows[0],)
    assert back.changed_fields == {rows[0].code: ("active",)}


def test_already_inactive_rows_in_the_file_stay_unchanged() -> None:
    closed = next(row for row in colleges() if not row.active)
    assert diff({closed.code: closed}, [closed]).unchanged == (closed,)


def test_region_diff() -> None:
    regions = parse_regions_csv(REGIONS_FILE.read_text(encoding="utf-8"))
    stored = {row.code: row for row in regions}
    renamed = replace(regions[3], aliases=("Semei",))
    changes = diff(stored, [renamed, *regions[4:]])
    assert changes.updated == (renamed,)
    assert changes.changed_fields == {"abai": ("aliases",)}
    assert [r.code for r in changes.deactivated] == ["almaty", "astana", "shymkent"]
    assert all(not r.active for r in changes.deactivated)


def test_diff_refuses_duplicate_incoming_codes() -> None:
    row = colleges()[0]
    with pytest.raises(ValueError, match="duplicate code"):
        diff({}, [row, row])


def test_row_error_text() -> None:
    assert str(RowError(3, None, "x")) == "line 3: x"
