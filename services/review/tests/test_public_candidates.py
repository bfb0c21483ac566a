"""`public_candidates`: only candidates who consent to publication now and are not withdrawn, with
their name (Kazakh letters kept), college and statement in the reader's language (or the next one
there is), and media's public photo URLs. Candidates arrive by the real events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update

from services.review.handlers import HANDLERS
from services.review.models import Candidate
from services.review.queries import scoping
from services.review.queries.public import excerpt, in_language, public_candidates
from services.review.tests.factories import event, submitted
from shared.handling import handle
from shared.identity import Identity
from shared.runtime import Runtime

MEDIA = "https://top100.example.kz/media"


def _submit(runtime: Runtime, nomination_id: str, region: str = "almaty", **payload: Any) -> None:
    payload.setdefault("consent_publication", True)
    handle(runtime, HANDLERS, "review", submitted(nomination_id, region, revision=1, **payload))


def _processed(runtime: Runtime, nomination_id: str) -> None:
    keys = [f"media/{nomination_id}/a1/{name}.jpg" for name in ("thumb", "web", "card", "square")]
    payload = {
        "nomination_id": nomination_id,
        "asset_id": "a1",
        "derivatives": keys,
        "nomination_revision": 1,
    }
    handle(runtime, HANDLERS, "review", event("media.photo_processed", payload, producer="media"))


def _listed(runtime: Runtime, stage: str = "regional", scope: str = "almaty", language: str = "kk") -> list:
    with runtime.db.unit_of_work() as session:
        return public_candidates(session, 2026, stage, scope, language, media_url=MEDIA)


def test_only_consenting_candidates_who_are_not_withdrawn(runtime: Runtime) -> None:
    _submit(runtime, "nom-a")
    _submit(runtime, "nom-b", consent_publication=False)
    _submit(runtime, "nom-c")
    _submit(runtime, "nom-d", region="shymkent")
    _submit(runtime, "nom-old")  # an event from before the field: no consent is taken
    with runtime.db.unit_of_work() as session:
        session.execute(
            update(Candidate).where(Candidate.nomination_id == "nom-old").values(consent_publication=False)
        )
    assert {c.nomination_id for c in _listed(runtime)} == {"nom-a", "nom-c"}
    assert {c.nomination_id for c in _listed(runtime, scope="national")} == {"nom-a", "nom-c", "nom-d"}

    withdrawal = {"nomination_id": "nom-a", "changed": ["consent.publication"], "consent_publication": False}
    handle(runtime, HANDLERS, "review", event("nomination.amended", {**withdrawal, "revision": 2}))
    handle(
        runtime, HANDLERS, "review", event("nomination.withdrawn", {"nomination_id": "nom-c", "revision": 2})
    )
    assert _listed(runtime) == []
    assert [c.nomination_id for c in _listed(runtime, scope="national")] == ["nom-d"]


def test_a_late_older_amendment_does_not_give_the_consent_back(runtime: Runtime) -> None:
    _submit(runtime, "nom-a")
    withdrawal = {"nomination_id": "nom-a", "changed": ["consent.publication"], "consent_publication": False}
    handle(runtime, HANDLERS, "review", event("nomination.amended", {**withdrawal, "revision": 3}))
    older = {
        "nomination_id": "nom-a",
        "changed": ["statements.en"],
        "statements": {"en": "Text"},
        "revision": 2,
    }
    handle(runtime, HANDLERS, "review", event("nomination.amended", older))
    assert _listed(runtime) == []


def test_what_the_public_reads_in_each_language(runtime: Runtime) -> None:
    _submit(runtime, "nom-a")
    _processed(runtime, "nom-a")
    [kk] = _listed(runtime, language="kk")
    assert kk.name == "Нұрланұлы Әлихан Қайратұлы"
    assert kk.college == "Алматы мемлекеттік политехникалық колледжі"
    assert (kk.statement, kk.statement_language) == ("Мен өз мамандығымды сүйемін.", "kk")
    assert kk.region_name == "Алматы"
    assert kk.photo("card") == f"{MEDIA}/public/photos/nom-a/card"
    assert kk.photo("web") == f"{MEDIA}/public/photos/nom-a/web"
    assert kk.photo("thumb") is None
    [ru] = _listed(runtime, language="ru")
    assert (ru.statement, ru.college) == (
        "Я люблю свою профессию.",
        "Алматинский государственный политехнический колледж",
    )
    [en] = _listed(runtime, language="en")  # no English statement: the Kazakh one, said so
    assert (en.statement_language, en.college) == ("kk", "Almaty State Polytechnic College")


def test_no_photo_url_before_media_processed_it(runtime: Runtime) -> None:
    _submit(runtime, "nom-a")
    [candidate] = _listed(runtime)
    assert candidate.photo("card") is None


def test_stages_and_winners(runtime: Runtime) -> None:
    for nomination in ("nom-a", "nom-b"):
        _submit(runtime, nomination)
    with runtime.db.unit_of_work() as session:
        session.execute(
            update(Candidate)
            .where(Candidate.nomination_id == "nom-a")
            .values(stage="winner", status="winner")
        )
    assert [c.nomination_id for c in _listed(runtime, stage="winner", scope="national")] == ["nom-a"]
    assert [c.nomination_id for c in _listed(runtime, stage="republican", scope="national")] == ["nom-a"]
    assert len(_listed(runtime, stage="regional")) == 2


def test_fallback_skips_empty_texts() -> None:
    assert in_language({"kk": " ", "ru": "Мәтін"}, "kk") == ("Мәтін", "ru")
    assert in_language(None, "en") == ("", None)


def test_an_excerpt_is_cut_at_a_word() -> None:
    assert excerpt("Қысқа мәтін.") == "Қысқа мәтін."
    long = " ".join(["жетістік"] * 200)
    cut = excerpt(long, 50)
    assert cut.endswith("жетістік…") and len(cut) <= 51


def test_the_media_team_no_longer_sees_a_candidate_who_withdrew_the_consent(runtime: Runtime) -> None:
    for nomination in ("nom-a", "nom-b"):
        _submit(runtime, nomination)
    with runtime.db.unit_of_work() as session:
        session.execute(update(Candidate).values(stage="republican", status="advanced"))
    withdrawal = {"nomination_id": "nom-a", "changed": ["consent.publication"], "consent_publication": False}
    handle(runtime, HANDLERS, "review", event("nomination.amended", {**withdrawal, "revision": 2}))
    media = Identity(
        user_id="u-media",
        email="m@example.kz",
        name="Іңкәр",
        role="media",
        scope="national",
        language="kk",
        generation=1,
        expires_at=datetime(2030, 1, 1, tzinfo=UTC),
    )
    with runtime.db.unit_of_work() as session:
        seen = {c.nomination_id for c in session.scalars(scoping.candidates(media))}
    assert seen == {"nom-b"}
