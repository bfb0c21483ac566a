"""The OpenAPI document's examples: a whole nomination as a portal sends it and as it is answered.

Real values: the IIN's check digit and birth date agree, the college is one of the Almaty region's,
and `test_api_contract` submits this document and compares its answer with `CREATED`. Only the
statement is cut short here (a statement needs at least 250 words). The problem examples are built
by the function that builds the real answers (`problems.problem_body`), so they cannot drift.
"""

from __future__ import annotations

from typing import Any

from services.intake import rules
from services.intake.api.problems import problem_body
from services.intake.rules import Problem

YEAR = 2026
STATEMENT = (
    "Мен, Әйгерім Серікқызы Нұрланова, Алматы мемлекеттік политехникалық колледжінің «Бағдарламалық "
    "қамтамасыз ету» мамандығы бойынша үшінші курс студентімін. … (кемінде 250 сөз)"
)

NOMINATION: dict[str, Any] = {
    "college_code": "ALA-001",
    "year": YEAR,
    "student": {
        "iin": "050314640212",
        "last_name": "Нұрланова",
        "first_name": "Әйгерім",
        "patronymic": "Серікқызы",
        "birth_date": "2005-03-14",
        "email": "aigerim.nurlanova@example.kz",
        "phone": "+77011234567",
        "language": "kk",
        "specialty": "Бағдарламалық қамтамасыз ету",
        "specialty_code": "06130100",
        "course": 3,
        "academic_standing": "excellent",
    },
    "categories": ["skills_contests", "science_creativity_sport"],
    "achievements": [
        {
            "title": "WorldSkills Kazakhstan 2025, күміс медаль",
            "year": 2025,
            "level": "national",
            "description": "«Веб-әзірлеу» құзыреті бойынша",
        },
        {"title": "Қалалық IT-олимпиада, бірінші орын", "year": 2024, "level": "city"},
    ],
    "statements": {"kk": STATEMENT},
    "consent": {"personal_data": True, "publication": True, "guardian": None},
    "coordinator": {
        "full_name": "Сәуле Нұрланқызы Омарова",
        "email": "coordinator@example.kz",
        "phone": "+77272345678",
    },
}

_AT = "2026-09-20T05:00:00+00:00"

CREATED: dict[str, Any] = {
    "id": "3f1c2a9e-5b7d-4e21-9a0c-6d8e2f4b1a37",
    "status": "submitted",
    "sandbox": False,
    "year": YEAR,
    "college_code": "ALA-001",
    "region": "almaty",
    "student": {
        "iin_masked": "05********12",
        **{name: value for name, value in NOMINATION["student"].items() if name != "iin"},
        "minor": False,
    },
    "categories": NOMINATION["categories"],
    "achievements": [{"description": None, **item} for item in NOMINATION["achievements"]],
    "statements": {"kk": {"text": STATEMENT, "words": 261}},
    "consent": NOMINATION["consent"],
    "coordinator": NOMINATION["coordinator"],
    "photo": {
        "sha256": "9b2d6f0c4e8a1b3d5f7092c4e6a8b0d2f4163a5c7e9b1d3f5a7c9e0b2d4f6a8c",
        "content_type": "image/jpeg",
        "size": 1048576,
        "width": 1200,
        "height": 1600,
        "uploaded_at": _AT,
    },
    "progress": {
        "stage": None,
        "decisions": [],
        "photo": "pending",
        "photo_reason": None,
        "notifications": [],
        "missing": ["statements.ru", "statements.en"],
    },
    "submitted_at": _AT,
    "updated_at": _AT,
    "withdrawn_at": None,
}

#: The answer to the example nomination with a wrong check digit in its IIN and a Russian statement
#: of 249 words.
UNPROCESSABLE = problem_body(
    422,
    lang="en",
    errors={
        "student.iin": [Problem("iin_check_digit")],
        "statements.ru": [
            Problem("statement_too_short", {"words": 249, "minimum": rules.MIN_STATEMENT_WORDS})
        ],
    },
)

_FULL = {"quota": rules.COLLEGE_QUOTA, "active": rules.COLLEGE_QUOTA}
CONFLICTS = {
    "college_quota_exceeded": problem_body(409, "college_quota_exceeded", lang="en", params=_FULL),
    "duplicate_student": problem_body(409, "duplicate_student", lang="en", params={"year": YEAR}),
    "deadline_passed": problem_body(
        409,
        "deadline_passed",
        lang="en",
        params={"deadline": rules.default_calendar(YEAR).submission_closes},
    ),
    "idempotency_key_reused": problem_body(409, "idempotency_key_reused", lang="en"),
    "nomination_withdrawn": problem_body(409, "nomination_withdrawn", lang="en"),
}
