"""A nomination's whole check: the schema's structure, then the programme's rules, every error at once.

Errors are `{field path: [Problem]}` with paths like `student.iin`, `statements.kk`,
`achievements.2.year`; the API translates them. The rules run on whatever the schema could load, so
a request with a wrong type in one field still learns about a short statement in another.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from marshmallow import ValidationError

from services.intake import rules
from services.intake.rules import Problem
from services.intake.schemas import NominationIn

Errors = dict[str, list[Problem]]

_SCHEMA = NominationIn()


def parse_message(message: str) -> Problem:
    """A schema message code (`length|min=1|max=100`) as a Problem."""
    code, *pairs = str(message).split("|")
    params = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        params[name] = value
    return Problem(code, params)


def flatten(messages: Any, prefix: str = "") -> Errors:
    """Marshmallow's nested error messages as dotted field paths."""
    errors: Errors = {}
    if isinstance(messages, Mapping):
        for name, inner in messages.items():
            part = "" if name == "_schema" else str(name)
            path = f"{prefix}.{part}" if prefix and part else (prefix or part or "nomination")
            for key, problems in flatten(inner, path).items():
                errors.setdefault(key, []).extend(problems)
    elif isinstance(messages, list | tuple):
        for item in messages:
            for key, problems in flatten(item, prefix).items():
                errors.setdefault(key, []).extend(problems)
    else:
        errors.setdefault(prefix or "nomination", []).append(parse_message(messages))
    return errors


def add(errors: Errors, path: str, problems: list[Problem]) -> None:
    """Add problems to a path, once per code (the schema and a rule may both notice the same thing)."""
    if not problems:
        return
    existing = errors.setdefault(path, [])
    codes = {problem.code for problem in existing}
    existing.extend(problem for problem in problems if problem.code not in codes)


def load_nomination(raw: Any, *, day: date) -> tuple[dict[str, Any], Errors]:
    """Load and check a nomination document; the loaded data and its errors (empty when valid).

    `day` is the local day of submission: it decides whether a guardian's consent is needed.
    """
    try:
        data = _SCHEMA.load(raw)
        errors: Errors = {}
    except ValidationError as exc:
        data = exc.valid_data if isinstance(exc.valid_data, dict) else {}
        errors = flatten(exc.messages)
    check_rules(data, errors, day=day)
    return data, errors


def _phone(errors: Errors, path: str, value: Any, *, mobile: bool) -> None:
    if isinstance(value, str):
        problems = rules.check_phone(value)
        if not mobile:
            problems = [problem for problem in problems if problem.code != "phone_not_mobile"]
        add(errors, path, problems)


def check_rules(data: dict[str, Any], errors: Errors, *, day: date) -> None:
    """The programme's rules on the parts of `data` the schema loaded; adds to `errors`."""
    student = data.get("student") or {}
    _check_student(student, errors, day)
    if isinstance(data.get("categories"), list):
        add(errors, "categories", rules.check_categories(data["categories"]))
    if isinstance(data.get("achievements"), list):
        _check_achievements(data["achievements"], data.get("year"), errors)
    if isinstance(data.get("statements"), dict):
        _check_statements(data["statements"], errors)
    if isinstance(data.get("consent"), dict):
        _check_consent(data["consent"], student.get("birth_date"), errors, day)
    coordinator = data.get("coordinator")
    if isinstance(coordinator, dict):
        _phone(errors, "coordinator.phone", coordinator.get("phone"), mobile=False)


def _check_student(student: dict[str, Any], errors: Errors, day: date) -> None:
    birth_date = student.get("birth_date")
    if isinstance(student.get("iin"), str):
        add(errors, "student.iin", rules.check_iin(student["iin"], birth_date))
    if isinstance(birth_date, date):
        add(errors, "student.birth_date", rules.check_birth_date(birth_date, day))
    for name in ("last_name", "first_name", "patronymic"):
        if name in student and "student." + name not in errors:
            add(errors, f"student.{name}", rules.check_names(student[name], required=name != "patronymic"))
    _phone(errors, "student.phone", student.get("phone"), mobile=True)
    if student and not {"student.specialty", "student.specialty_code"} & set(errors):
        given = rules.check_specialty_given(student.get("specialty"), student.get("specialty_code"))
        add(errors, "student.specialty", given)
    if isinstance(student.get("academic_standing"), str):
        add(errors, "student.academic_standing", rules.check_academic_standing(student["academic_standing"]))


def _check_achievements(achievements: list[Any], year: Any, errors: Errors) -> None:
    add(errors, "achievements", rules.check_achievement_count(len(achievements)))
    for index, item in enumerate(achievements):
        if isinstance(item.get("level"), str):
            add(errors, f"achievements.{index}.level", rules.check_achievement_level(item["level"]))
        if isinstance(item.get("year"), int) and isinstance(year, int) and item["year"] > year:
            add(
                errors,
                f"achievements.{index}.year",
                [Problem("achievement_year_future", {"value": item["year"]})],
            )


def _check_statements(statements: dict[str, Any], errors: Errors) -> None:
    given = {lang: text for lang, text in statements.items() if text is not None}
    if not given and "statements" not in errors:
        add(errors, "statements", [Problem("statements_empty")])
    for lang, text in given.items():
        if f"statements.{lang}" not in errors:
            add(errors, f"statements.{lang}", rules.check_statement(lang, text))


def _check_consent(consent: dict[str, Any], birth_date: Any, errors: Errors, day: date) -> None:
    for name in ("personal_data", "publication"):
        if consent.get(name) is False:
            add(errors, f"consent.{name}", [Problem("consent_required")])
    guardian = consent.get("guardian")
    if guardian is None and isinstance(birth_date, date) and rules.guardian_required(birth_date, day):
        add(errors, "consent.guardian", [Problem("guardian_required")])
    if isinstance(guardian, dict):
        _phone(errors, "consent.guardian.phone", guardian.get("phone"), mobile=False)


def normalized(data: dict[str, Any]) -> dict[str, Any]:
    """The stored form of a valid nomination: names and phones as the rules normalise them."""
    student = dict(data["student"])
    for name in ("last_name", "first_name", "patronymic"):
        if student.get(name) is not None:
            student[name] = rules.normalize_name(student[name]) or None
    student["phone"] = rules.normalize_phone(student["phone"])
    consent = dict(data["consent"])
    if consent.get("guardian"):
        consent["guardian"] = {
            **consent["guardian"],
            "phone": rules.normalize_phone(consent["guardian"]["phone"]),
        }
    coordinator = {**data["coordinator"], "phone": rules.normalize_phone(data["coordinator"]["phone"])}
    return {**data, "student": student, "consent": consent, "coordinator": coordinator}
