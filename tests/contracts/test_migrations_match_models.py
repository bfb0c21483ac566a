"""Every service's migrations build exactly the tables its models declare, on SQLite and PostgreSQL.

The models are what the code reads and writes; the migrations are what a real database gets. A column
added to one and not the other passes every test on `create_all` databases and fails in production,
so each service is migrated to head and compared with Alembic's own autogenerate comparison.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shared import migrate, testing
from shared.db import make_engine

SERVICES = ("intake", "review", "media", "notify")


def _drift(service: str, url: str) -> list:  # type: ignore[type-arg]
    migrate.upgrade(service, url)
    metadata = importlib.import_module(f"services.{service}.models").metadata
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_models_on_sqlite(service: str, tmp_path: Path) -> None:
    assert _drift(service, f"sqlite:///{tmp_path / 'db.sqlite3'}") == []


@pytest.mark.integration
@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_models_on_postgres(service: str) -> None:
    with testing.scratch_postgres(f"top100_drift_{service}") as url:
        assert _drift(service, url) == []


@pytest.mark.parametrize("service", SERVICES)
def test_the_outbox_keeps_only_unpublished_rows_across_the_delete_on_publish_revision(
    service: str, tmp_path: Path
) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    config = migrate.alembic_config(service, url)
    revision = next(
        script
        for script in ScriptDirectory.from_config(config).walk_revisions()
        if script.doc.startswith("the relay deletes outbox rows")
    )
    command.upgrade(config, revision.down_revision)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO outbox (event_id, routing_key, body, created_at, published_at) VALUES "
                    "('sent', 'x.almaty', '{}', '2026-09-01', '2026-09-01'),"
                    "('waiting', 'x.almaty', '{}', '2026-09-01', NULL)"
                )
            )
        command.upgrade(config, revision.revision)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT event_id FROM outbox")).scalars().all() == ["waiting"]
        command.downgrade(config, revision.down_revision)
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT event_id, published_at FROM outbox")).all()
            assert [tuple(row) for row in rows] == [("waiting", None)]
        command.upgrade(config, "head")
    finally:
        engine.dispose()


@pytest.mark.integration
def test_intake_keys_named_by_postgresql_are_renamed_to_the_convention() -> None:
    """A database migrated before intake took the naming convention has PostgreSQL's own key names."""
    from alembic import command
    from sqlalchemy import text

    with testing.scratch_postgres("top100_drift_intake_names") as url:
        config = migrate.alembic_config("intake", url)
        command.upgrade(config, "head")
        command.downgrade(config, "0003")  # back to PostgreSQL's names, as such a database has them
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                names = set(connection.execute(text("SELECT conname FROM pg_constraint")).scalars())
            assert {"nominations_pkey", "nominations_college_code_fkey", "outbox_event_id_key"} <= names
        finally:
            engine.dispose()
        assert _drift("intake", url) == []
