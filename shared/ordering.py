"""Applying a nomination's events in revision order, whatever order the bus delivers them in.

The bus reorders: retries wait in TTL queues while later events pass, the relay republishes rows the
broker returned, several relays run at once. Every event about a nomination carries the revision
intake gave it (`shared.events`), so a consumer keeps, next to what it applied, the revision it
applied it at, and leaves alone anything older. Amendments carry only the parts that changed, so a
consumer keeps a revision per part: an older amendment still brings a part no newer event touched.

A withdrawal is final. Each consumer records it in its `followed_nominations` row (a tombstone),
whether or not it has seen the nomination yet, so that nothing arriving later brings it back. The
same row is locked by every handler of the nomination, so a slow handler (media reading a photo)
and a withdrawal handled by another worker cannot interleave.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from shared import clock
from shared.db import insert_ignore

Followed = TypeVar("Followed", bound="FollowedNomination")


def newer(incoming: int | None, applied: int | None) -> bool:
    """Whether an event at revision `incoming` may overwrite what was applied at `applied`.

    An unknown revision on either side (a v1 event from before revisions, a row from before them)
    applies, as every event did then.
    """
    return incoming is None or applied is None or incoming > applied


def parts_to_apply(
    payload: Mapping[str, Any], parts: tuple[str, ...], applied: Mapping[str, int]
) -> list[str]:
    """The parts present in `payload` that are newer than the revision each was last applied at."""
    revision = payload.get("revision")
    return [part for part in parts if payload.get(part) is not None and newer(revision, applied.get(part))]


def stamped(applied: Mapping[str, int], parts: list[str], revision: int | None) -> dict[str, int]:
    """`applied` with `parts` now at `revision` (a new dict, so the JSON column sees the change)."""
    if revision is None:
        return dict(applied)
    return {**applied, **{part: revision for part in parts}}


class FollowedNomination:
    """Mixin for a consumer's per-nomination row: its lock, and its withdrawal (the tombstone).

    Mixed into a service's `shared.models.service_base()` Base, whose type map makes `withdrawn_at`
    a `UTCDateTime` like every other instant there.
    """

    __tablename__ = "followed_nominations"

    nomination_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    withdrawn_revision: Mapped[int | None] = mapped_column(Integer)
    withdrawn_at: Mapped[datetime | None]

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


def follow(session: Session, model: type[Followed], nomination_id: str) -> Followed:
    """The nomination's row, created if new, locked for the rest of the transaction.

    `ON CONFLICT DO NOTHING` then `SELECT ... FOR UPDATE`: two handlers of the same nomination on
    PostgreSQL wait for each other here (SQLite's `BEGIN IMMEDIATE` already serialises writers).
    """
    table = model.__table__  # type: ignore[attr-defined]
    insert_ignore(session, table, {"nomination_id": nomination_id}, ["nomination_id"])
    query = select(model).where(table.c.nomination_id == nomination_id).with_for_update()
    return session.execute(query.execution_options(populate_existing=True)).scalar_one()


def withdraw(session: Session, model: type[Followed], nomination_id: str, revision: int | None) -> Followed:
    """Record the withdrawal (once: a repeated one keeps the first time)."""
    row = follow(session, model, nomination_id)
    if row.withdrawn_at is None:
        row.withdrawn_at, row.withdrawn_revision = clock.utcnow(), revision
    return row
