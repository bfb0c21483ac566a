"""IIN, age and guardianship, names and phones.

The IINs below were worked out by hand from docs/rules.md (weights 1..11, then 3..11,1,2, mod 11), not
with the code under test, so the tests check the algorithm rather than echo it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest

from services.intake.rules import (
    IIN_PATTERN,
    MOBILE_PHONE_PATTERN,
    NAME_PATTERN,
    Problem,
    age_on,
    check_birth_date,
    check_iin,
    check_names,
    check_phone,
    guardian_required,
    iin_birth_date,
    iin_check_digit,
    is_mobile_prefix,
    mask_iin,
    normalize_name,
    normalize_phone,
)

# (IIN, birth date): first-round check digits, one from each century pair, and a 29 February.
VALID_IINS = [
    ("080315601232", date(2008, 3, 15)),  # 2000s, female; 0*1+8*2+...+3*11 = 167, 167 % 11 = 2
    ("051120504565", date(2005, 11, 20)),  # 2000s, male
    ("800229305559", date(1980, 2, 29)),  # 1900s, male, leap day
    ("010101100018", date(1801, 1, 1)),  # 1800s, male (digit 1)
]
# First round gives 10 (sum 329), second round 248 % 11 = 6.
SECOND_ROUND_IIN = ("991231407896", date(1999, 12, 31))
# Both rounds give 10: no twelfth digit can make these eleven valid.
NEVER_VALID_PREFIX = "07041550029"


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


@pytest.mark.parametrize(("iin", "born"), [*VALID_IINS, SECOND_ROUND_IIN])
def test_valid_iins_pass_and_give_their_birth_date(iin: str, born: date) -> None:
    assert check_iin(iin, born) == []
    assert check_iin(iin, None) == []
    assert iin_birth_date(iin) == born
    assert iin_check_digit(iin[:11]) == int(iin[11])


def test_second_round_weights_are_used_when_the_first_gives_ten() -> None:
    iin = SECOND_ROUND_IIN[0]
    first_round = sum(int(d) * w for d, w in zip(iin[:11], range(1, 12), strict=True)) % 11
    assert first_round == 10
    assert iin_check_digit(iin[:11]) == 6
    assert check_iin("070415500203", date(2007, 4, 15)) == []  # another second-round number


def test_ten_in_both_rounds_means_no_valid_iin() -> None:
    assert iin_check_digit(NEVER_VALID_PREFIX) is None
    for last in "0123456789":
        assert codes(check_iin(NEVER_VALID_PREFIX + last, date(2007, 4, 15))) == ["iin_check_digit"]


def test_a_wrong_check_digit_is_named() -> None:
    assert codes(check_iin("080315601233", date(2008, 3, 15))) == ["iin_check_digit"]


def test_one_mistyped_digit_is_caught() -> None:
    assert codes(check_iin("080315601322", None)) == ["iin_check_digit"]  # two digits swapped


@pytest.mark.parametrize(
    "iin", ["", "08031560123", "0803156012321", "08031560123a", " 080315601232", "०८०३१५६०१२३२"]
)
def test_anything_but_twelve_ascii_digits_is_a_format_problem(iin: str) -> None:
    assert codes(check_iin(iin, None)) == ["iin_format"]


@pytest.mark.parametrize(
    ("digit", "century"), [("1", 1800), ("2", 1800), ("3", 1900), ("4", 1900), ("5", 2000), ("6", 2000)]
)
def test_century_digits(digit: str, century: int) -> None:
    assert iin_birth_date(f"080315{digit}01232") == date(century + 8, 3, 15)


@pytest.mark.parametrize("digit", ["0", "7", "8", "9"])
def test_century_digits_outside_one_to_six_are_invalid(digit: str) -> None:
    iin = f"080315{digit}0123"
    iin += str(iin_check_digit(iin) or 0)
    assert iin_birth_date(iin) is None
    assert check_iin(iin, None) == [Problem("iin_century_digit", {"digit": digit})]


@pytest.mark.parametrize("yymmdd", ["080230", "071301", "070001", "070431", "070229"])
def test_dates_that_do_not_exist_are_invalid(yymmdd: str) -> None:
    iin = f"{yymmdd}50123"
    check = iin_check_digit(iin)
    iin += str(check if check is not None else 0)
    assert iin_birth_date(iin) is None
    assert "iin_birth_date_invalid" in codes(check_iin(iin, None))


def test_leap_day_in_the_iin() -> None:
    iin = "0802296" + "0001"
    iin += str(iin_check_digit(iin))
    assert iin_birth_date(iin) == date(2008, 2, 29)


def test_birth_date_must_agree_with_the_iin() -> None:
    problems = check_iin("080315601232", date(2008, 3, 16))
    assert problems == [
        Problem("iin_birth_date_mismatch", {"iin_birth_date": "2008-03-15", "birth_date": "2008-03-16"})
    ]
    # The same day and month a century apart is a mismatch too (century digit 4 instead of 6).
    assert codes(check_iin("080315601232", date(1908, 3, 15))) == ["iin_birth_date_mismatch"]


def test_check_digit_input_must_be_eleven_digits() -> None:
    with pytest.raises(ValueError):
        iin_check_digit("0803156012")


def test_masking_keeps_only_the_first_and_last_two_digits() -> None:
    assert mask_iin("080315601232") == "08********32"
    assert mask_iin("12345") == "*****"
    assert mask_iin("") == ""


# --- age ---------------------------------------------------------------------------------------------


def test_age_counts_completed_years() -> None:
    assert age_on(date(2008, 10, 5), date(2026, 10, 4)) == 17
    assert age_on(date(2008, 10, 5), date(2026, 10, 5)) == 18
    assert age_on(date(2008, 10, 5), date(2026, 10, 6)) == 18
    assert age_on(date(2008, 12, 31), date(2026, 1, 1)) == 17


def test_turning_eighteen_on_the_deadline_day_needs_no_guardian() -> None:
    deadline = date(2026, 10, 5)
    assert guardian_required(date(2008, 10, 5), deadline) is False
    assert guardian_required(date(2008, 10, 6), deadline) is True
    assert guardian_required(date(2008, 10, 4), deadline) is False


def test_a_leap_day_birth_completes_the_year_on_1_march_in_common_years() -> None:
    born = date(2008, 2, 29)
    assert age_on(born, date(2026, 2, 28)) == 17
    assert guardian_required(born, date(2026, 2, 28)) is True
    assert age_on(born, date(2026, 3, 1)) == 18
    assert guardian_required(born, date(2026, 3, 1)) is False
    assert age_on(born, date(2028, 2, 28)) == 19
    assert age_on(born, date(2028, 2, 29)) == 20  # a leap year: the birthday itself


def test_birth_date_plausibility() -> None:
    today = date(2026, 10, 1)
    assert check_birth_date(date(2008, 2, 29), today) == []
    assert codes(check_birth_date(date(2026, 10, 2), today)) == ["birth_date_in_future"]
    assert check_birth_date(date(2020, 1, 1), today) == [
        Problem("birth_date_implausible", {"age": 6, "minimum": 13, "maximum": 70})
    ]
    assert codes(check_birth_date(date(1950, 1, 1), today)) == ["birth_date_implausible"]


# --- names -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Нұрланова",
        "Әбдіғаппар",
        "Ғалымжан",
        "Үмітқызы",
        "Өркен",
        "Ұлжан",
        "Һарун",
        "Іңкәр",
        "Мұхаммед-Әли",
        "Серікқызы",
        "Ёлкина",
        "O'Brien",
        "D’Artagnan",
        "Oʼzbekova",
        "Zhanibek",
        "Qazybek",
        "Äsel",
        "Ğalym",
        "Anna Maria",
        "фон Штейн",
        "Я",
    ],
)
def test_valid_names(name: str) -> None:
    assert check_names(name, required=True) == []


def test_names_are_judged_in_their_normal_form() -> None:
    assert normalize_name("  Анна \t  Мария ") == "Анна Мария"
    assert check_names("  Анна   Мария ", required=True) == []
    decomposed = unicodedata.normalize("NFD", "Йенсен")
    assert decomposed != "Йенсен"
    assert check_names(decomposed, required=True) == []
    assert normalize_name(decomposed) == "Йенсен"


def test_missing_names() -> None:
    for empty in (None, "", "   "):
        assert codes(check_names(empty, required=True)) == ["name_required"]
        assert check_names(empty, required=False) == []


def test_name_length() -> None:
    assert check_names("А" * 100, required=True) == []
    assert check_names("А" * 101, required=True) == [
        Problem("name_too_long", {"maximum": 100, "length": 101})
    ]


@pytest.mark.parametrize(
    ("name", "characters"),
    [
        ("Анна2", "2"),
        ("@нна", "@"),
        ("Анна.", "."),
        ("Анна_Мария", "_"),
        ("Євгенія", "Є"),  # Ukrainian
        ("Ўладзімір", "Ў"),  # Belarusian
        ("Ґанна", "Ґ"),
        ("José", "é"),
        ("Анна 😀", "😀"),
    ],
)
def test_characters_outside_the_name_alphabet_are_named(name: str, characters: str) -> None:
    assert check_names(name, required=True) == [
        Problem("name_invalid_characters", {"characters": characters})
    ]


@pytest.mark.parametrize("name", ["-Анна", "Анна-", "'Анна", "Анна’", "Анна--Мария", "Анна- Мария", "-"])
def test_separators_only_between_letters(name: str) -> None:
    assert codes(check_names(name, required=True)) == ["name_malformed"]


def test_a_latin_letter_inside_a_cyrillic_word_is_caught() -> None:
    assert check_names("Aйгерим", required=True) == [Problem("name_mixed_scripts", {"word": "Aйгерим"})]
    assert check_names("Анна-Maria", required=True) == []  # separate words may differ


# --- phones ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("+77011234567", "+77011234567"),
        ("8 (701) 123-45-67", "+77011234567"),
        ("87011234567", "+77011234567"),
        ("77011234567", "+77011234567"),
        ("+7 747 123 45 67", "+77471234567"),
        ("+7\u00a0(775)\u00a0123–45–67", "+77751234567"),
        ("+7 70 11", "+77011"),
    ],
)
def test_normalize_phone(raw: str, normal: str) -> None:
    assert normalize_phone(raw) == normal


@pytest.mark.parametrize(
    "phone",
    ["+77001234567", "+77091234567", "+77471234567", "+77501234567", "+77601234567", "+77771234567",
     "8 (778) 123-45-67"],
)  # fmt: skip
def test_mobile_numbers_pass(phone: str) -> None:
    assert check_phone(phone) == []


@pytest.mark.parametrize(
    ("phone", "prefix"),
    [("+77121234567", "712"), ("+77271234567", "727"), ("+79161234567", "916"), ("+77401234567", "740")],
)
def test_landlines_and_foreign_numbers_are_not_mobile(phone: str, prefix: str) -> None:
    assert check_phone(phone) == [Problem("phone_not_mobile", {"prefix": prefix})]


@pytest.mark.parametrize(
    "phone", ["", "+7701123456", "+770112345678", "+87011234567", "7011234567", "+7701abc4567"]
)
def test_phone_format(phone: str) -> None:
    assert codes(check_phone(phone)) == ["phone_format"]


def test_invisible_characters_are_shown_as_code_points() -> None:
    assert check_names("Анна\x00\u200b\ud800", required=True) == [
        Problem("name_invalid_characters", {"characters": "U+0000 U+200B U+D800"})
    ]


# --- the patterns the OpenAPI document shows agree with the rules ------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Әйгерім", "Nurlanova", "Жан-Поль", "O'Brien", "Анна  Мария", " Ұлжан ", "Ali Әлі", "Ali", "Ğalym",
     "Ali2", "Алиa", "A--B", "-Ali", "Є", "", " ", "Ali - Veli", "A'"],
)  # fmt: skip
def test_the_name_pattern_allows_exactly_what_the_rule_allows(name: str) -> None:
    assert bool(re.fullmatch(NAME_PATTERN, name)) == (check_names(name, required=True) == []), name


def test_the_mobile_pattern_allows_exactly_the_mobile_prefixes() -> None:
    for prefix in range(600, 800):
        number = f"+7{prefix}1234567"
        assert bool(re.fullmatch(MOBILE_PHONE_PATTERN, number)) == is_mobile_prefix(str(prefix)), number
        assert bool(re.fullmatch(MOBILE_PHONE_PATTERN, number)) == (check_phone(number) == []), number


def test_the_iin_pattern_allows_the_example_and_no_impossible_month_or_century() -> None:
    assert re.fullmatch(IIN_PATTERN, "050314640212")  # the OpenAPI example's, valid
    for wrong in ("051314640212", "050300640212", "050332640212", "050314040212", "050314740212"):
        assert not re.fullmatch(IIN_PATTERN, wrong), wrong
