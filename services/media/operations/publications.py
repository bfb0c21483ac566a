"""The publications log: what outlets published about the programme's candidates, counted per year
against the programme's target (`rules.PUBLICATIONS_TARGET`)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from services.media import queries
from services.media.models import Publication
from services.media.operations import audit
from shared import clock
from shared.identity import Identity


class UnknownCandidates(ValueError):
    """Ids that name no candidate the person may see: nothing is recorded."""

    def __init__(self, ids: list[str]) -> None:
        super().__init__(", ".join(ids))
        self.ids = ids


def record_publication(session: Session, data: dict[str, Any], who: Identity) -> Publication:
    """A material an outlet published about candidates `who` may see (each named once), counted in
    the year it was published, logged in the audit; raises UnknownCandidates for any other id."""
    ids = list(dict.fromkeys(data.get("candidate_ids") or []))
    unknown = queries.unknown_candidates(session, who, ids)
    if unknown:
        raise UnknownCandidates(unknown)
    row = Publication(
        id=str(uuid.uuid4()),
        year=data["published_on"].year,
        outlet=data["outlet"],
        url=data["url"],
        published_on=data["published_on"],
        language=data["language"],
        candidate_ids=ids,
        created_by=who.user_id,
        created_at=clock.utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(session, who, audit.PUBLICATION_LOGGED, object=f"publication:{row.id}")
    return row
