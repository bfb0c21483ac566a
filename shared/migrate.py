"""Alembic, one migration history per service (`services/<name>/migrations/`).

Each service's `migrations/env.py` is two lines that hand its metadata to `run_env`; the rest is
here so the four services migrate the same way.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData

from shared.db import make_engine


def alembic_config(service: str, url: str) -> Config:
    location = Path(str(resources.files(f"services.{service}").joinpath("migrations")))
    config = Config()
    config.set_main_option("script_location", str(location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(service: str, url: str) -> None:
    """Bring the service's database to the newest revision (idempotent)."""
    command.upgrade(alembic_config(service, url), "head")


def revision(service: str, url: str, message: str) -> None:
    """Autogenerate a revision against `url` (a scratch database at head)."""
    config = alembic_config(service, url)
    command.upgrade(config, "head")
    command.revision(config, message=message, autogenerate=True)


def run_env(metadata: MetaData) -> None:
    """The body of every service's `env.py` (online mode only: we always have a database)."""
    url = context.config.get_main_option("sqlalchemy.url")
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


# --- steps every service's migrations share ------------------------------------------------------
# Each service owns its revisions, but the outbox is the same table in all four, so a change to it is
# one step written once and called from each service's revision. Frozen once released: a later change
# to the outbox is a new step, never an edit of an old one.


def bus_tables_created() -> None:
    """The outbox and the inbox as every service's first revision created them (rows then carried
    `published_at`, dropped by `outbox_rows_deleted_once_published`)."""
    import sqlalchemy as sa
    from alembic import op

    op.create_table(
        "inbox",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("consumer", sa.String(length=50), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "consumer", name=op.f("pk_inbox")),
    )
    op.create_table(
        "outbox",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("routing_key", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        _unpublished_index(batch_op)


def _unpublished_index(batch_op: Any) -> None:
    """The index of the rows not yet published, while the outbox marked them `published_at`."""
    import sqlalchemy as sa

    batch_op.create_index(
        "ix_outbox_unpublished",
        ["id"],
        unique=False,
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    )


def bus_tables_dropped() -> None:
    """The downgrade of `bus_tables_created`."""
    from alembic import op

    op.drop_table("outbox")
    op.drop_table("inbox")


def outbox_rows_deleted_once_published() -> None:
    """The relay deletes a row once the broker confirmed it, instead of marking it `published_at`."""
    from alembic import op

    # Rows marked published are on the broker already: under the new rule they would be gone.
    op.execute("DELETE FROM outbox WHERE published_at IS NOT NULL")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_unpublished")
        batch_op.drop_column("published_at")


def outbox_rows_marked_published() -> None:
    """The downgrade of `outbox_rows_deleted_once_published` (rows deleted meanwhile stay deleted)."""
    import sqlalchemy as sa
    from alembic import op

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        _unpublished_index(batch_op)


def main() -> None:
    """`python -m shared.migrate revision SERVICE "message"`: for developers writing migrations."""
    import sys
    import tempfile

    _, verb, service, message = sys.argv
    if verb != "revision":
        raise SystemExit("usage: python -m shared.migrate revision SERVICE MESSAGE")
    with tempfile.TemporaryDirectory() as scratch:
        revision(service, f"sqlite:///{scratch}/scratch.sqlite3", message)


if __name__ == "__main__":
    main()


def identity_generations_created() -> None:
    """`identity_generations` (`shared.identity`): the newest credential generation per user."""
    import sqlalchemy as sa
    from alembic import op

    op.create_table(
        "identity_generations",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_identity_generations")),
    )


def identity_generations_dropped() -> None:
    from alembic import op

    op.drop_table("identity_generations")


def ended_sessions_created() -> None:
    """`ended_sessions` (`shared.sessions`): the sessions a logout ended, at each service people
    sign in to."""
    import sqlalchemy as sa
    from alembic import op

    op.create_table(
        "ended_sessions",
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_ended_sessions")),
    )
    op.create_index(op.f("ix_ended_sessions_ended_at"), "ended_sessions", ["ended_at"])


def ended_sessions_dropped() -> None:
    from alembic import op

    op.drop_index(op.f("ix_ended_sessions_ended_at"), table_name="ended_sessions")
    op.drop_table("ended_sessions")


def append_only_created(table: str) -> None:
    """Refuse every UPDATE and DELETE of `table`'s rows in the database itself (PostgreSQL and
    SQLite), so a record that must never change (a decision, the audit log) cannot, whatever the
    code or an operator's console does; production also withholds the grants (deploy/postgres)."""
    from alembic import op

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION top100_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP "
            "USING ERRCODE = 'insufficient_privilege'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION top100_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION top100_append_only()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_append_only_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END"
        )


def append_only_dropped(table: str) -> None:
    from alembic import op

    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_truncate ON {table}")
        return
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_{verb}")


def audit_log_created() -> None:
    """Media's and notify's audit log (`shared.audit.AuditColumns`), append-only from the start."""
    import sqlalchemy as sa
    from alembic import op

    op.create_table(
        "audit_log",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("entry_id", sa.String(length=36), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("object", sa.String(length=120), nullable=True),
        sa.Column("region", sa.String(length=40), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    for column in ("at", "actor_id", "action", "region"):
        op.create_index(op.f(f"ix_audit_log_{column}"), "audit_log", [column], unique=False)
    op.create_index(op.f("ix_audit_log_entry_id"), "audit_log", ["entry_id"], unique=True)
    append_only_created("audit_log")


def audit_log_dropped() -> None:
    from alembic import op

    append_only_dropped("audit_log")
    op.drop_table("audit_log")
