"""What a nomination must hold: standing, categories, achievements, and the quotas (R = regulation)."""

from __future__ import annotations

from collections.abc import Sequence

from services.intake.rules.problems import Problem, shown

# (R) "good" and "excellent" students only (grades 4 and 5); nobody with a "satisfactory" grade.
ACADEMIC_STANDINGS: tuple[str, ...] = ("excellent", "good")

# (R) the five groups of students the regulation names, in its order.
CATEGORIES: tuple[str, ...] = (
    "leadership",
    "skills_contests",
    "science_creativity_sport",
    "youth_policy",
    "youth_organisations",
)
ACHIEVEMENT_LEVELS: tuple[str, ...] = ("college", "city", "regional", "national", "international")
MIN_ACHIEVEMENTS = 1
MAX_ACHIEVEMENTS = 20

# (R) up to 3 students per college go to the regional stage, up to 10 per region to the republican.
COLLEGE_QUOTA = 3
REGION_QUOTA = 10


def check_specialty_given(words: str | None, code: str | None) -> list[Problem]:
    """The specialty named by its classifier code, in the portal's own words, or both; not neither."""
    if (words is None or not words.strip()) and code is None:
        return [Problem("specialty_required")]
    return []


def check_specialty_known(code: str, active: bool | None) -> list[Problem]:
    """A `specialty_code` must name an active specialty of the classifier (`active` None: no such code)."""
    if not active:
        return [Problem("specialty_unknown", {"code": shown(code)})]
    return []


def check_academic_standing(value: str) -> list[Problem]:
    if value in ACADEMIC_STANDINGS:
        return []
    if value == "satisfactory":
        return [Problem("academic_standing_satisfactory")]
    return [
        Problem(
            "academic_standing_unknown", {"value": shown(value), "allowed": ", ".join(ACADEMIC_STANDINGS)}
        )
    ]


def check_categories(values: Sequence[str]) -> list[Problem]:
    """1-5 distinct codes of `CATEGORIES`; every unknown or repeated code is named."""
    if not values:
        return [Problem("categories_empty")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for value in values:
        if value not in CATEGORIES:
            problems.append(
                Problem("category_unknown", {"value": shown(value), "allowed": ", ".join(CATEGORIES)})
            )
        elif value in seen:
            problems.append(Problem("category_duplicate", {"value": shown(value)}))
        seen.add(value)
    return problems


def check_achievement_level(value: str) -> list[Problem]:
    if value in ACHIEVEMENT_LEVELS:
        return []
    return [
        Problem(
            "achievement_level_unknown", {"value": shown(value), "allowed": ", ".join(ACHIEVEMENT_LEVELS)}
        )
    ]


def check_achievement_count(n: int) -> list[Problem]:
    if n < MIN_ACHIEVEMENTS:
        return [Problem("achievements_empty")]
    if n > MAX_ACHIEVEMENTS:
        return [Problem("achievements_too_many", {"count": n, "maximum": MAX_ACHIEVEMENTS})]
    return []


def college_quota_problem(active_nominations: int, quota: int = COLLEGE_QUOTA) -> Problem | None:
    """The problem with adding one more nomination to a college that has `active_nominations`.

    Active means not withdrawn; None while there is still a free slot (fewer than `quota`).
    """
    if active_nominations < quota:
        return None
    return Problem("college_quota_exceeded", {"quota": quota, "active": active_nominations})


def region_quota_problem(candidates: int, quota: int = REGION_QUOTA) -> Problem | None:
    """The same for the candidates a region sends on to the republican stage."""
    if candidates < quota:
        return None
    return Problem("region_quota_exceeded", {"quota": quota, "active": candidates})
