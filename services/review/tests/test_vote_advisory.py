"""The commissions see the public vote's counts next to their scores, marked advisory: on the
candidate, ranking and decision pages, live (the last rebuild) then the snapshot; the media team
and other regions do not."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from services.review.operations import counts
from services.review.public_app import create_app
from services.review.tests.vote_support import CONTEST, OPEN_NOW, candidates, verified
from shared.runtime import Runtime

ADVISORY = {
    "en": "Advisory only: it is not a score",
    "ru": "Только рекомендательно: это не оценка",
    "kk": "Тек кеңес ретінде: бұл балл емес",
}


@pytest.fixture
def voted(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Three candidates of almaty; two votes for the first, one for the second; counted."""
    monkeypatch.setenv("TOP100_NOW", OPEN_NOW)
    ids = candidates(runtime)
    public = create_app(runtime)
    for phone, choice in (
        ("+7 701 111 11 11", ids[0]),
        ("+7 701 222 22 22", ids[0]),
        ("+7 701 333 33 33", ids[1]),
    ):
        client = public.test_client()
        verified(client, runtime, phone)
        client.put(f"/public/api/v1/contests/{CONTEST}/vote", json={"candidate": choice})
    counts.recount_open(runtime)
    return ids


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_candidate_page_shows_the_count_marked_advisory(
    voted: list[str], client_as: Callable[..., FlaskClient], lang: str
) -> None:
    html = client_as("regional_member").get(f"/candidates/{voted[0]}?lang={lang}").get_data(as_text=True)
    assert 'id="advisory-votes"' in html and 'class="vote-count" data-votes="2"' in html
    assert ADVISORY[lang] in html


def test_the_ranking_and_decision_pages_show_every_candidates_count(
    voted: list[str], client_as: Callable[..., FlaskClient]
) -> None:
    admin = client_as("admin", "national")
    html = admin.get("/rankings?year=2026&stage=regional&region=almaty&lang=en").get_data(as_text=True)
    section = html[html.index('id="advisory-votes"') :]
    for candidate, votes in zip(voted, (2, 1, 0), strict=True):
        assert f'<tr data-candidate="{candidate}"><td>' in section
        assert f'data-votes="{votes}"' in section
    chair = client_as("regional_chair")
    html = chair.get("/decisions/new?year=2026&lang=en").get_data(as_text=True)
    assert 'id="advisory-votes"' in html and f'<tr data-candidate="{voted[0]}">' in html


def test_no_count_for_the_media_team_nor_another_region(
    voted: list[str], client_as: Callable[..., FlaskClient]
) -> None:
    media = client_as("media", "national").get(f"/candidates/{voted[0]}?lang=en")
    assert 'id="advisory-votes"' not in media.get_data(as_text=True)
    other = client_as("regional_chair", "shymkent").get("/rankings?year=2026&stage=regional&lang=en")
    assert 'id="advisory-votes"' not in other.get_data(as_text=True)


def test_after_the_close_the_pages_show_the_snapshot(
    voted: list[str], runtime: Runtime, client_as: Callable[..., FlaskClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP100_NOW", "2026-10-15T00:05:00+05:00")
    counts.snapshot_closed(runtime)
    html = client_as("regional_member").get(f"/candidates/{voted[1]}?lang=en").get_data(as_text=True)
    assert "count at the close" in html and 'class="vote-count" data-votes="1"' in html
