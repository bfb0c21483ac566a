"""Candidates, scores and rankings as the API answers them (the contract's field names).

What a caller may not know is left out, not blanked: in a blind stage a member gets no `name`, no
`college` and no photo links. The IIN, birth date and contacts are never here: review does not keep
them (intake does; the events bring review neither).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from services.review.models import Conflict, Score
from services.review.queries.candidates import Detail, Listed
from services.review.rules import scoring as rules
from services.review.rules.specialty import specialty_name

#: The derivatives a commission's page shows: `thumb` in lists, `web` on the candidate's page.
SHOWN_DERIVATIVES = ("thumb", "web")


def score(found: Score | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "member_id": found.member_id,
        "member_name": found.member_name,
        "criteria": dict(found.values),
        "weighted": round(found.weighted, 4),
        "comment": found.comment,
        "updated_at": found.updated_at.isoformat(),
    }


def item(listed: Listed) -> dict[str, Any]:
    c = listed.candidate
    body: dict[str, Any] = {
        "id": c.id,
        "nomination_id": c.nomination_id,
        "year": c.year,
        "region": c.region,
        "stage": c.stage,
        "status": c.status,
        "photo": listed.photo_status,
        "missing": listed.missing,
        "score": score(listed.own),
        "scores_count": listed.scores_count,
    }
    if not listed.hidden:
        body["college"] = {"code": c.college_code, "names": dict(c.college_names or {})}
        body["name"] = {
            "last_name": c.last_name,
            "first_name": c.first_name,
            "patronymic": c.patronymic,
            "full": c.full_name,
        }
    return body


def photo_links(detail: Detail, media_url: str) -> dict[str, str]:
    """The photo's derivatives a page shows (`thumb`, `web`), at media's address for a signed-in
    person: media checks the caller's scope and redirects to a fresh signed link of the file (only
    media can sign its blobs, and a link written into a page would expire). Nothing in blind mode."""
    photo = detail.photo
    if detail.hidden or photo is None or photo.status != "processed":
        return {}
    nomination = quote(detail.candidate.nomination_id, safe="")
    # Media reports its derivatives as blob keys, `.../<name>.<extension>`.
    made = {key.rsplit("/", 1)[-1].split(".", 1)[0] for key in photo.derivatives or []}
    return {name: f"{media_url}/photos/{nomination}/{name}" for name in SHOWN_DERIVATIVES if name in made}


def conflict(found: Conflict) -> dict[str, Any]:
    return {
        "member_id": found.member_id,
        "member_name": found.member_name,
        "reason": found.reason,
        "declared_at": found.declared_at.isoformat(),
    }


def detail(found: Detail, media_url: str, language: str) -> dict[str, Any]:
    """The candidate's whole record; `specialty_name` is the specialty in `language` (the caller's)."""
    c = found.candidate
    return {
        **item(found),
        "language": c.language,
        "specialty": c.specialty,
        "specialty_code": c.specialty_code,
        "specialty_names": dict(c.specialty_names or {}),
        "specialty_name": specialty_name(c.specialty_names, c.specialty, language),
        "course": c.course,
        "academic_standing": c.academic_standing,
        "categories": list(c.categories),
        "achievements": list(c.achievements),
        "statements": {
            s.language: {"text": s.text, "words": s.words}
            for s in sorted(c.statements, key=lambda s: s.language)
        },
        "photo_links": photo_links(found, media_url),
        "conflicts": [conflict(x) for x in found.conflicts],
        "scores": [score(x) for x in found.scores],
        "declared_conflict": found.declared_conflict,
        "scores_shown": found.scores_shown,
    }


def rubric(year: int, found: rules.Rubric, frozen: bool) -> dict[str, Any]:
    return {"year": year, **found.as_dict(), "frozen": frozen}
