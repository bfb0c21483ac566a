"""What media's API and page read."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.media.models import Asset


def assets_of(session: Session, nomination_id: str) -> list[Asset]:
    query = select(Asset).where(Asset.nomination_id == nomination_id).order_by(Asset.created_at, Asset.id)
    return list(session.scalars(query))


def recent_assets(session: Session, limit: int = 200) -> list[Asset]:
    return list(session.scalars(select(Asset).order_by(Asset.updated_at.desc(), Asset.id).limit(limit)))


def get_asset(session: Session, asset_id: str) -> Asset | None:
    return session.get(Asset, asset_id)
