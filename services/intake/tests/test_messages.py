"""Every code intake can answer with has words in kk, ru and en."""

from __future__ import annotations

import re
from pathlib import Path

from services.intake import messages, rules
from shared.i18n import check_catalog
from shared.problems import STATUS_CODES

INTAKE = Path(messages.__file__).parent


def codes_in(paths: list[Path], pattern: str) -> set[str]:
    found: set[str] = set()
    for path in paths:
        found.update(re.findall(pattern, path.read_text(encoding="utf-8")))
    return found


def test_the_catalog_is_whole() -> None:
    assert check_catalog(messages.CATALOG) == []


def test_every_rule_problem_is_translated() -> None:
    codes = codes_in(list((INTAKE / "rules").glob("*.py")), r'Problem\(\s*"([a-z_]+)"')
    assert len(codes) > 20
    assert codes - set(messages.CATALOG) == set()


def test_every_problem_intake_itself_raises_is_translated() -> None:
    sources = [INTAKE / name for name in ("validation.py", "photos.py")]
    sources += list((INTAKE / "operations").glob("*.py")) + list((INTAKE / "api").glob("*.py"))
    codes = codes_in(sources, r'Problem\(\s*"([a-z_]+)"')
    assert codes - set(messages.CATALOG) == set()
    conflicts = codes_in(sources, r'Conflict\(\s*"([a-z_]+)"') | {"college_quota_exceeded"}
    for code in conflicts | set(STATUS_CODES.values()):
        assert f"problem.{code}.title" in messages.CATALOG and f"problem.{code}.detail" in messages.CATALOG, (
            code
        )


def test_every_schema_message_code_is_translated() -> None:
    text = (INTAKE / "schemas.py").read_text(encoding="utf-8")
    codes = set(
        re.findall(
            r'"(?:required|null|invalid|invalid_utf8|too_large|type|format|unknown|validator_failed)": '
            r'"([a-z_]+)"',
            text,
        )
    )
    codes |= {code.split("|")[0] for code in re.findall(r'error="([a-z_|={}]+)"', text)}
    assert codes and codes - set(messages.CATALOG) == set()


def test_rules_constants_are_those_the_schema_documents() -> None:
    from services.intake.schemas import NominationIn

    spec_enum = NominationIn().fields["categories"].inner.metadata["enum"]
    assert spec_enum == list(rules.CATEGORIES)
