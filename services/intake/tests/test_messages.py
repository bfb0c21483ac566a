"""Every code intake can answer with has words in kk, ru and en, and the API says them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from services.intake import messages, rules
from services.intake.tests import factories
from shared.problems import STATUS_CODES
from shared.tests.catalogs import unknown

INTAKE = Path(messages.__file__).parent


def codes_in(paths: list[Path], pattern: str) -> set[str]:
    found: set[str] = set()
    for path in paths:
        found.update(re.findall(pattern, path.read_text(encoding="utf-8")))
    return found


def test_every_message_is_in_the_catalogs() -> None:
    assert unknown(messages.CATALOG.values()) == set()


def test_every_rule_problem_is_translated() -> None:
    codes = codes_in(list((INTAKE / "rules").glob("*.py")), r'Problem\(\s*"([a-z_]+)"')
    assert len(codes) > 20
    assert codes - set(messages.CATALOG) == set()


def test_every_problem_intake_itself_raises_is_translated() -> None:
    sources = list((INTAKE / "operations").glob("*.py")) + list((INTAKE / "api").glob("*.py"))
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


def test_a_missing_placeholder_reads_as_empty_rather_than_failing() -> None:
    assert messages.text("problem.forbidden.detail", "en") == "This key is for the region  only."
    assert (
        messages.text("problem.college_quota_exceeded.detail", "ru") == "От колледжа не более  заявок в год."
    )
    assert messages.text("no_such_code", "kk") == "no_such_code"


@pytest.mark.parametrize(
    ("language", "title", "wrong_language", "too_short"),
    [
        (
            "kk",
            "Сұрау қате",
            "мәтін тілі: орыс тілі; талап етілетін тіл: қазақ тілі",
            "сөз саны: 249; кемінде 250 сөз қажет",
        ),
        (
            "ru",
            "Ошибка в запросе",
            "язык текста: русский; требуемый язык: казахский",
            "249 слов; требуется не менее 250",
        ),
        (
            "en",
            "Invalid request",
            "text language: Russian; required language: Kazakh",
            "249 words; at least 250 are required",
        ),
    ],
)
def test_the_api_says_each_problem_in_the_readers_language(
    client: FlaskClient, key: str, language: str, title: str, wrong_language: str, too_short: str
) -> None:
    statements = {"kk": factories.statement("ru"), "ru": factories.statement("ru_249")}
    headers = {"Authorization": f"Bearer {key}", "Accept-Language": f"{language}-KZ,{language};q=0.9"}
    doc = factories.nomination(statements=statements)
    response = client.post("/api/v1/nominations", json=doc, headers=headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.headers["Content-Language"] == language
    body = response.json
    assert body["title"] == title
    assert body["codes"] == {
        "statements.kk": ["statement_wrong_language"],
        "statements.ru": ["statement_too_short"],
    }
    assert body["errors"] == {"statements.kk": [wrong_language], "statements.ru": [too_short]}
