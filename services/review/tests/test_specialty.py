"""The specialty on review's pages and API in the reader's language.

A portal that names the specialty by its classifier code sends its three names; review shows the
one of the page's language, else the portal's own words, else another language's name. Before this,
the Kazakh words a portal typed showed on a Russian page.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from services.review.handlers import HANDLERS
from services.review.models import Candidate
from services.review.rules.specialty import specialty_name
from services.review.tests.factories import event, submitted
from shared.handling import handle
from shared.runtime import Runtime

SOFTWARE = {
    "kk": "Бағдарламалық қамтамасыз ету (түрлері бойынша)",
    "ru": "Программное обеспечение (по видам)",
    "en": "Software (by type)",
}


def test_the_name_in_the_language_asked_then_the_portals_words_then_another_language() -> None:
    assert specialty_name(SOFTWARE, "Бағдарламалау", "ru") == "Программное обеспечение (по видам)"
    assert specialty_name(SOFTWARE, "Бағдарламалау", "kk") == SOFTWARE["kk"]
    assert specialty_name({"kk": SOFTWARE["kk"]}, "Программирование", "en") == "Программирование"
    assert specialty_name({"kk": SOFTWARE["kk"], "ru": " "}, "", "ru") == SOFTWARE["kk"]
    assert specialty_name(None, "Бағдарламалау", "ru") == "Бағдарламалау"
    assert specialty_name(None, None, "ru") == ""


@pytest.fixture
def candidate_id(runtime: Runtime) -> str:
    told = submitted(
        "nom-0001",
        specialty="Бағдарламалық қамтамасыз ету",
        specialty_code="06130100",
        specialty_names=SOFTWARE,
    )
    handle(runtime, HANDLERS, "review", told)
    with runtime.db.unit_of_work() as session:
        return session.query(Candidate).one().id


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_the_candidates_page_names_the_specialty_in_the_pages_language(
    runtime: Runtime, client_as: Callable[..., FlaskClient], candidate_id: str, lang: str
) -> None:
    client = client_as("regional_member", "almaty")
    html = client.get(f"/candidates/{candidate_id}?lang={lang}").get_data(as_text=True)
    assert f"<td>{SOFTWARE[lang]}</td>" in html
    others = [name for other, name in SOFTWARE.items() if other != lang]
    assert not any(name in html for name in others)
    score = client.get(f"/candidates/{candidate_id}/score?lang={lang}").get_data(as_text=True)
    assert SOFTWARE[lang] in score and not any(name in score for name in others)


def test_a_specialty_without_a_code_shows_the_portals_words(
    runtime: Runtime, client_as: Callable[..., FlaskClient]
) -> None:
    handle(runtime, HANDLERS, "review", submitted("nom-0002", specialty="Дәнекерлеу ісі"))
    client = client_as("regional_member", "almaty")
    with runtime.db.unit_of_work() as session:
        found = session.query(Candidate).one()
        assert (found.specialty_code, found.specialty_names) == (None, None)
    html = client.get(f"/candidates/{found.id}?lang=ru").get_data(as_text=True)
    assert "<td>Дәнекерлеу ісі</td>" in html


def test_an_amended_code_changes_the_names_shown_and_the_api_says_both(
    runtime: Runtime, client_as: Callable[..., FlaskClient], candidate_id: str
) -> None:
    welding = {
        "kk": "Дәнекерлеу ісі (түрлері бойынша)",
        "ru": "Сварочное дело (по видам)",
        "en": "Welding (by type)",
    }
    amended = {
        "nomination_id": "nom-0001",
        "changed": ["student.specialty_code"],
        "specialty": "Дәнекерлеу ісі",
        "specialty_code": "07150500",
        "specialty_names": welding,
        "revision": 2,
    }
    handle(runtime, HANDLERS, "review", event("nomination.amended", amended))
    client = client_as("regional_member", "almaty")
    assert "<td>Сварочное дело (по видам)</td>" in client.get(f"/candidates/{candidate_id}?lang=ru").get_data(
        as_text=True
    )
    body = client.get(f"/api/v1/candidates/{candidate_id}?lang=ru").get_json()
    assert body["specialty"] == "Дәнекерлеу ісі"
    assert body["specialty_code"] == "07150500"
    assert body["specialty_names"] == welding
    assert body["specialty_name"] == "Сварочное дело (по видам)"
    assert (
        client.get(f"/api/v1/candidates/{candidate_id}?lang=en").get_json()["specialty_name"] == welding["en"]
    )
