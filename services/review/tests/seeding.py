"""Candidates of a stage written straight into review's store, for the decision tests and bench:
the events that bring them there are tested elsewhere; here what counts is who is decided on."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from services.review.models import Candidate, Photo, Statement
from shared import testing
from shared.i18n import LANGUAGES
from shared.words import count_words

#: 250 words in each language (a word repeated: the count is what the rule reads).
LONG = {
    "kk": " ".join(["жетістік"] * 250),
    "ru": " ".join(["достижение"] * 250),
    "en": " ".join(["award"] * 250),
}


def candidate(
    session: Session,
    region: str = "almaty",
    *,
    stage: str = "regional",
    status: str = "under_review",
    year: int = 2026,
    complete: bool = True,
    last_name: str = "Нұрланұлы",
    first_name: str = "Әлихан",
) -> Candidate:
    """One candidate; `complete` gives it the three long statements and a processed photo."""
    now = datetime(year, 10, 1, tzinfo=UTC)
    nomination = f"nom-{uuid.uuid4().hex[:12]}"
    row = Candidate(
        id=str(uuid.uuid4()),
        nomination_id=nomination,
        year=year,
        region=region,
        college_code="col-1",
        college_names=None,
        last_name=last_name,
        first_name=first_name,
        patronymic=None,
        language="kk",
        specialty="Welding",
        course=2,
        academic_standing="excellent",
        minor=False,
        categories=["worldskills"],
        achievements=[],
        stage=stage,
        status=status,
        withdrawal_reason=None,
        revisions={},
        created_at=now,
        updated_at=now,
    )
    texts = LONG if complete else {"kk": "қысқа мәтін"}
    row.statements = [
        Statement(language=lang, text=texts[lang], words=count_words(texts[lang]))
        for lang in LANGUAGES
        if lang in texts
    ]
    session.add(row)
    session.add(
        Photo(
            nomination_id=nomination,
            status="processed" if complete else "pending",
            source_key=None,
            asset_id=None,
            derivatives=[],
            reason=None,
            as_of=now,
            revision=1,
            reported=complete,
        )
    )
    session.flush()
    return row


def token(
    secret: str,
    role: str,
    scope: str,
    language: str = "kk",
    email: str = "chair@example.kz",
    name: str = "Айгүл Сәрсенова",
) -> dict[str, str]:
    """A Bearer header for a caller of `role` in `scope`."""
    token = testing.token(
        secret,
        role,
        scope,
        user_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{role}:{scope}:{email}")),
        email=email,
        name=name,
        language=language,
        expires_at=datetime.now(UTC) + timedelta(days=365),  # a drill may move the clock months ahead
    )
    return {"Authorization": f"Bearer {token}", "Accept-Language": language}
