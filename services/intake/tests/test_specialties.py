"""The classifier of college specialties: loaded like the colleges, named by code in a nomination
(422 in the caller's language for a code it does not hold), and its three names sent to review."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from services.intake import rules
from services.intake.models import Nomination, Specialty, outbox
from services.intake.operations.refdata import SPECIALTIES_FILE, load_specialties
from services.intake.rules.refdata import RefdataError, parse_specialties_csv
from services.intake.tests import factories
from services.intake.tests.test_api_amend import MERGE
from shared.runtime import Runtime

SOFTWARE = {
    "kk": "Бағдарламалық қамтамасыз ету (түрлері бойынша)",
    "ru": "Программное обеспечение (по видам)",
    "en": "Software (by type)",
}


def _events(runtime: Runtime) -> list[dict]:
    with runtime.db.unit_of_work() as session:
        rows = session.execute(select(outbox.c.body).order_by(outbox.c.id)).scalars()
        return [json.loads(body)["payload"] for body in rows]


def test_the_shipped_classifier_reads_whole_with_its_kazakh_letters() -> None:
    rows = parse_specialties_csv(SPECIALTIES_FILE.read_text(encoding="utf-8"))
    assert len(rows) >= 25
    software = next(row for row in rows if row.code == "06130100")
    assert software.names == SOFTWARE
    assert all(row.active and row.code.isdigit() and len(row.code) == 8 for row in rows)
    assert any(letter in row.name_kk for row in rows for letter in "әғқңөұүһі")


def test_a_broken_classifier_file_names_every_bad_cell() -> None:
    text = (
        "# a comment\ncode,name_kk,name_ru,name_en,active\n"
        "06130100,,Программа,Software,maybe\n06-13,a,b,c,true\n"
    )
    with pytest.raises(RefdataError) as error:
        parse_specialties_csv(text)
    assert [(e.line, e.column) for e in error.value.errors] == [(3, "name_kk"), (3, "active"), (4, "code")]


def test_a_reload_deactivates_a_specialty_the_file_no_longer_lists(runtime: Runtime) -> None:
    text = SPECIALTIES_FILE.read_text(encoding="utf-8")
    kept = "\n".join(line for line in text.splitlines() if not line.startswith("09130100"))
    with runtime.db.unit_of_work() as session:
        assert not load_specialties(session, parse_specialties_csv(text)).changes_anything
        changes = load_specialties(session, parse_specialties_csv(kept))
        assert [row.code for row in changes.deactivated] == ["09130100"]
        assert session.get(Specialty, "09130100").active is False
        assert session.get(Specialty, "06130100").name_kk == SOFTWARE["kk"]


def test_the_rules_want_a_specialty_named_and_a_code_known() -> None:
    assert [p.code for p in rules.check_specialty_given(None, None)] == ["specialty_required"]
    assert [p.code for p in rules.check_specialty_given(" ", None)] == ["specialty_required"]
    assert rules.check_specialty_given(None, "06130100") == rules.check_specialty_given("Сварщик", None) == []
    assert [p.code for p in rules.check_specialty_known("99999999", None)] == ["specialty_unknown"]
    assert [p.code for p in rules.check_specialty_known("09130100", False)] == ["specialty_unknown"]
    assert rules.check_specialty_known("06130100", True) == []


def test_a_code_alone_is_accepted_and_its_three_names_go_to_review(
    client: FlaskClient, auth: dict, runtime: Runtime
) -> None:
    doc = factories.nomination()
    del doc["student"]["specialty"]
    doc["student"]["specialty_code"] = "06130100"
    response = client.post("/api/v1/nominations", json=doc, headers=auth)
    assert response.status_code == 201, response.json
    assert (response.json["student"]["specialty"], response.json["student"]["specialty_code"]) == (
        None,
        "06130100",
    )
    [payload] = _events(runtime)
    assert payload["specialty_code"] == "06130100"
    assert payload["specialty_names"] == SOFTWARE
    # v1 consumers still get words: the classifier's, in the student's language (kk here).
    assert payload["specialty"] == SOFTWARE[doc["student"]["language"]]
    with runtime.db.unit_of_work() as session:
        assert session.get(Nomination, response.json["id"]).specialty_code == "06130100"


def test_the_portals_words_alone_still_go_as_before(
    client: FlaskClient, auth: dict, runtime: Runtime
) -> None:
    doc = factories.nomination()
    assert client.post("/api/v1/nominations", json=doc, headers=auth).status_code == 201
    [payload] = _events(runtime)
    assert payload["specialty"] == doc["student"]["specialty"]
    assert (payload["specialty_code"], payload["specialty_names"]) == (None, None)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("kk", "колледж мамандықтарының сыныптауышында 99999999 коды бар мамандық жоқ"),
        ("ru", "специальности с кодом 99999999 нет в классификаторе специальностей колледжей"),
        ("en", "no specialty with code 99999999 in the classifier of college specialties"),
    ],
)
def test_an_unknown_code_is_a_422_on_the_field_in_the_callers_language(
    client: FlaskClient, auth: dict, runtime: Runtime, lang: str, words: str
) -> None:
    doc = factories.nomination()
    doc["student"]["specialty_code"] = "99999999"
    response = client.post("/api/v1/nominations", json=doc, headers={**auth, "Accept-Language": lang})
    assert response.status_code == 422
    assert response.json["codes"] == {"student.specialty_code": ["specialty_unknown"]}
    assert response.json["errors"] == {"student.specialty_code": [words]}
    assert _events(runtime) == []


def test_neither_words_nor_code_is_a_422(client: FlaskClient, auth: dict) -> None:
    doc = factories.nomination()
    doc["student"]["specialty"] = None
    response = client.post("/api/v1/nominations", json=doc, headers=auth)
    assert response.status_code == 422
    assert response.json["codes"] == {"student.specialty": ["specialty_required"]}


def test_an_amendment_naming_the_code_sends_the_names(
    client: FlaskClient, auth: dict, runtime: Runtime
) -> None:
    nomination_id = client.post("/api/v1/nominations", json=factories.nomination(), headers=auth).json["id"]
    url = f"/api/v1/nominations/{nomination_id}"

    def patch(body: dict):  # type: ignore[no-untyped-def]
        return client.patch(url, data=json.dumps(body), headers=auth, content_type=MERGE)

    assert patch({"student": {"specialty_code": "00000000"}}).json["codes"] == {
        "student.specialty_code": ["specialty_unknown"]
    }
    response = patch({"student": {"specialty_code": "06130100", "specialty": None}})
    assert response.status_code == 200, response.json
    amended = _events(runtime)[-1]
    assert amended["changed"] == ["student.specialty", "student.specialty_code"]
    assert (amended["specialty_code"], amended["specialty_names"]) == ("06130100", SOFTWARE)
    assert amended["specialty"] == SOFTWARE["kk"]
    assert patch({"student": {"specialty_code": None}}).json["codes"] == {
        "student.specialty": ["specialty_required"]
    }
