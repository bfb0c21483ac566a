"""What a service process is wired to: its settings, database and blob store (built in one place)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import MetaData

from shared import config
from shared.blobs import BlobStore, open_store
from shared.db import Database
from shared.kv import Store
from shared.kv import open_store as open_kv


@dataclass
class Runtime:
    settings: config.Settings
    db: Database
    blobs: BlobStore
    #: Redis where `REDIS_URL` names one (never the truth; see `shared.kv`), else None.
    redis: Store | None = None


def build_runtime(service: str, metadata: MetaData, settings: config.Settings | None = None) -> Runtime:
    """Wire a service from the environment (or from `settings`, which tests pass)."""
    settings = settings or config.load(service)
    return Runtime(
        settings=settings,
        db=Database(settings.database_url, metadata),
        blobs=open_store(
            settings.blob_url,
            settings.s3_endpoint_url,
            (settings.secret_key, f"{settings.public_url}/files"),
            settings.s3_public_url,
        ),
        redis=open_kv(settings.redis_url, f"top100:{service}:"),
    )
