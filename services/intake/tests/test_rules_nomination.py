"""Academic standing, categories, achievements and the quotas."""

from __future__ import annotations

import pytest

from services.intake.rules import (
    ACHIEVEMENT_LEVELS,
    CATEGORIES,
    COLLEGE_QUOTA,
    REGION_QUOTA,
    Problem,
    check_academic_standing,
    check_achievement_count,
    check_achievement_level,
    check_categories,
    college_quota_problem,
    region_quota_problem,
)


def test_the_regulation_numbers() -> None:
    assert COLLEGE_QUOTA == 3
    assert REGION_QUOTA == 10
    assert len(CATEGORIES) == 5
    assert ACHIEVEMENT_LEVELS == ("college", "city", "regional", "national", "international")


@pytest.mark.parametrize("standing", ["excellent", "good"])
def test_good_and_excellent_students_may_be_nominated(standing: str) -> None:
    assert check_academic_standing(standing) == []


def test_a_satisfactory_grade_has_its_own_problem() -> None:
    assert check_academic_standing("satisfactory") == [Problem("academic_standing_satisfactory")]


@pytest.mark.parametrize("standing", ["", "Excellent", "poor", "отлично"])
def test_other_standings_are_unknown(standing: str) -> None:
    assert [p.code for p in check_academic_standing(standing)] == ["academic_standing_unknown"]


def test_categories_one_to_five_distinct_known_codes() -> None:
    assert check_categories(["leadership"]) == []
    assert check_categories(list(CATEGORIES)) == []
    assert check_categories([]) == [Problem("categories_empty")]
    assert check_categories(["leadership", "leadership"]) == [
        Problem("category_duplicate", {"value": "leadership"})
    ]
    problems = check_categories(["leadership", "sport", "youth_policy", "Leadership"])
    assert [(p.code, p.params["value"]) for p in problems] == [
        ("category_unknown", "sport"),
        ("category_unknown", "Leadership"),
    ]
    six = [*CATEGORIES, "skills_contests"]
    assert [p.code for p in check_categories(six)] == ["category_duplicate"]


def test_achievement_count_one_to_twenty() -> None:
    assert check_achievement_count(0) == [Problem("achievements_empty")]
    assert check_achievement_count(1) == []
    assert check_achievement_count(20) == []
    assert check_achievement_count(21) == [Problem("achievements_too_many", {"count": 21, "maximum": 20})]


def test_achievement_levels() -> None:
    assert check_achievement_level("international") == []
    assert [p.code for p in check_achievement_level("world")] == ["achievement_level_unknown"]


def test_the_third_nomination_fits_and_the_fourth_does_not() -> None:
    assert college_quota_problem(0) is None
    assert college_quota_problem(2) is None  # two active: the third may come in
    assert college_quota_problem(3) == Problem("college_quota_exceeded", {"quota": 3, "active": 3})
    assert college_quota_problem(4) is not None  # over quota already (e.g. the quota was lowered)


def test_quota_is_configurable() -> None:
    assert college_quota_problem(3, quota=5) is None
    assert college_quota_problem(1, quota=1) == Problem("college_quota_exceeded", {"quota": 1, "active": 1})


def test_region_quota() -> None:
    assert region_quota_problem(9) is None
    assert region_quota_problem(10) == Problem("region_quota_exceeded", {"quota": 10, "active": 10})


def test_echoed_values_are_clipped_and_visible() -> None:
    [problem] = check_categories(["x" * 100 + "\x07"])
    assert problem.params["value"] == "x" * 40 + "…"
    [problem] = check_academic_standing("good\x07")
    assert problem.params["value"] == "goodU+0007"
