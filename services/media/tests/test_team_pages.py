"""The media team's list of candidates: found by name, college or region (Kazakh letters in any
case), filtered by stage and by "has a banner", 50 a page; only what the media role may see."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from services.media import rules
from services.media.app import create_app
from services.media.tests.factories import media_token
from services.media.tests.team import candidate
from shared.regions import resolve
from shared.runtime import Runtime


def _auth(runtime: Runtime, role: str = "media") -> dict[str, str]:
    return {"Authorization": f"Bearer {media_token(runtime, role)}"}


def _names(html: str) -> list[str]:
    """The candidates a list page links to, in order."""
    return re.findall(r'href="/candidates/([^"?]+)', html)


@pytest.fixture
def client(runtime: Runtime) -> FlaskClient:
    candidate(runtime, "nom-a", name=("Нұрланұлы", "Әлихан"), banner=True)
    candidate(
        runtime, "nom-b", region="shymkent", name=("Петрова", "Анна"), college="Шымкент жоғары колледжі"
    )
    candidate(runtime, "nom-c", name=("Сейітқали", "Іңкәр"), stage="winner", banner=True)
    candidate(runtime, "nom-d", name=("Әлиханов", "Руслан"), stage=None)  # still regional
    return create_app(runtime).test_client()


def _list(client: FlaskClient, runtime: Runtime, query: str, role: str = "media") -> list[str]:
    reply = client.get(f"/?year=2026&lang=ru&{query}", headers=_auth(runtime, role))
    assert reply.status_code == 200
    return _names(reply.get_data(as_text=True))


def test_found_by_name_in_any_case_college_and_region(client: FlaskClient, runtime: Runtime) -> None:
    assert _list(client, runtime, "q=ӘЛИХАН") == ["nom-a"]  # the regional nom-d is not the team's
    assert _list(client, runtime, "q=ӘЛИХАН", role="admin") == ["nom-a", "nom-d"]
    assert _list(client, runtime, "q=жоғары+колледж") == ["nom-b"]
    assert _list(client, runtime, "q=Шымкент") == ["nom-b"]  # the region's name, not the college's
    assert _list(client, runtime, "q=Shymkent") == ["nom-b"]
    assert _list(client, runtime, "q=іңкәр+алматы") == ["nom-c"]  # every word: name and region
    assert _list(client, runtime, "q=100%25_") == []  # LIKE's own characters are only letters here


def test_filtered_by_stage_and_banner(client: FlaskClient, runtime: Runtime) -> None:
    assert _list(client, runtime, "") == ["nom-a", "nom-c", "nom-b"]  # by region, then by name
    assert _list(client, runtime, "stage=winners") == ["nom-c"]
    assert _list(client, runtime, "banner=1") == ["nom-a", "nom-c"]
    assert _list(client, runtime, "banner=1&region=shymkent") == []
    page = client.get("/?year=2026&lang=kk&banner=1", headers=_auth(runtime)).get_data(as_text=True)
    assert 'name="banner" value="1" checked' in page and "Баннері бар" in page


def test_fifty_a_page_with_links_that_keep_the_filters(runtime: Runtime) -> None:
    for number in range(53):
        candidate(runtime, f"nom-{number:03}", name=("Сапарова", f"Әйгерім{number:02}"))
    client = create_app(runtime).test_client()
    first = client.get("/?year=2026&q=сапарова&lang=en", headers=_auth(runtime)).get_data(as_text=True)
    assert len(_names(first)) == 50 and "53 candidates" in first and "Page 1 of 2" in first
    [following] = re.findall(r'href="([^"]*page=2[^"]*)" rel="next"', first)
    assert "q=" in following and "year=2026" in following
    second = client.get(following.replace("&amp;", "&"), headers=_auth(runtime)).get_data(as_text=True)
    assert len(_names(second)) == 3 and 'rel="prev"' in second and 'rel="next"' not in second
    assert set(_names(first)).isdisjoint(_names(second))
    assert len(_names(client.get("/?year=2026&page=99", headers=_auth(runtime)).get_data(as_text=True))) == 3


def test_search_words_are_folded_alike() -> None:
    assert rules.fold("  ӘЛИХАН   Нұрланұлы ") == "әлихан нұрланұлы"
    text = rules.search_text({"last_name": "Іңкәр", "first_name": None}, {"kk": "К", "ru": "К"}, "ALM-1")
    assert text == "іңкәр | к | alm-1"
    almaty = resolve("almaty")
    assert (
        almaty is not None and rules.region_found("алматы", almaty) and not rules.region_found("шым", almaty)
    )


def test_the_same_search_on_postgresql(pg_runtime: Runtime) -> None:
    """The banner filter compares the JSON list as stored, and LIKE sees folded text: both databases."""
    candidate(pg_runtime, "nom-a", name=("Нұрланұлы", "Әлихан"), banner=True)
    candidate(pg_runtime, "nom-b", region="shymkent", name=("Петрова", "Анна"))
    client = create_app(pg_runtime).test_client()
    assert _list(client, pg_runtime, "banner=1") == ["nom-a"]
    assert _list(client, pg_runtime, "q=ӘЛИХАН") == ["nom-a"]
    assert _list(client, pg_runtime, "q=шымкент") == ["nom-b"]
