"""A publication is logged about candidates picked from a list (ticks), and only about candidates the
person may see: the API refuses any other id naming the field, and nothing is counted."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from services.media.app import create_app
from services.media.models import Publication
from services.media.tests.factories import media_token
from services.media.tests.team import candidate
from shared.runtime import Runtime

BODY = {
    "outlet": "Егемен Қазақстан",
    "url": "https://egemen.kz/article/1",
    "published_on": "2026-10-20",
    "language": "kk",
}


@pytest.fixture
def client(runtime: Runtime) -> FlaskClient:
    candidate(runtime, "nom-a", name=("Нұрланұлы", "Әлихан"))
    candidate(runtime, "nom-b", region="shymkent", name=("Петрова", "Анна"), stage="winner")
    candidate(runtime, "nom-d", name=("Әлиханов", "Руслан"), stage=None)  # not the media team's
    return create_app(runtime).test_client()


def _auth(runtime: Runtime, role: str = "media") -> dict[str, str]:
    return {"Authorization": f"Bearer {media_token(runtime, role)}"}


def _logged(runtime: Runtime) -> list[list[str]]:
    with runtime.db.unit_of_work() as session:
        return [row.candidate_ids for row in session.scalars(select(Publication))]


def test_the_api_refuses_ids_of_no_candidate_the_caller_may_see(
    client: FlaskClient, runtime: Runtime
) -> None:
    for ids in (["not-an-id"], ["nom-a", "not-an-id"], ["nom-d"]):
        reply = client.post(
            "/api/v1/publications", json={**BODY, "candidate_ids": ids}, headers=_auth(runtime)
        )
        assert reply.status_code == 422, ids
        assert list(reply.get_json()["errors"]) == ["candidate_ids"]
    assert _logged(runtime) == []
    both = {**BODY, "candidate_ids": ["nom-b", "nom-a", "nom-a"]}
    assert client.post("/api/v1/publications", json=both, headers=_auth(runtime)).status_code == 201
    admin = {**BODY, "candidate_ids": ["nom-d"]}  # an administrator sees the regional candidate
    assert client.post("/api/v1/publications", json=admin, headers=_auth(runtime, "admin")).status_code == 201
    assert _logged(runtime) == [["nom-b", "nom-a"], ["nom-d"]]


def test_candidates_are_picked_from_the_list(client: FlaskClient, runtime: Runtime) -> None:
    page = client.get("/publications?year=2026&lang=ru", headers=_auth(runtime)).get_data(as_text=True)
    ticks = re.findall(r'name="candidate_ids" value="([^"]+)"', page)
    assert sorted(ticks) == ["nom-a", "nom-b"] and "Нұрланұлы Әлихан" in page and "Шымкент" in page
    form = {**BODY, "candidate_ids": ["nom-a", "nom-b"]}
    reply = client.post("/publications?lang=ru", data=form, headers=_auth(runtime))
    assert reply.status_code == 303 and "year=2026" in reply.headers["Location"]
    assert _logged(runtime) == [["nom-a", "nom-b"]]
    listed = client.get("/publications?year=2026&lang=ru", headers=_auth(runtime)).get_data(as_text=True)
    assert "Нұрланұлы Әлихан, Петрова Анна" in listed


def test_a_forged_tick_or_a_bad_field_shows_the_form_again_with_words(
    client: FlaskClient, runtime: Runtime
) -> None:
    forged = client.post(
        "/publications?lang=kk&year=2026",
        data={**BODY, "candidate_ids": ["nom-a", "not-an-id"]},
        headers=_auth(runtime),
    )
    html = forged.get_data(as_text=True)
    assert forged.status_code == 422 and 'id="e-candidate_ids"' in html and "тізімнен" in html
    assert 'value="Егемен Қазақстан"' in html and re.search(r'value="nom-a"\s+checked', html)
    bad = client.post("/publications?lang=en", data={**BODY, "url": "egemen"}, headers=_auth(runtime))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'aria-invalid="true" aria-describedby="e-url"' in html
    assert "starting with https://" in html and "errors" not in html.split("<main")[1]
    assert _logged(runtime) == []
