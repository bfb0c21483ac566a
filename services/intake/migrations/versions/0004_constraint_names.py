"""constraint names by the shared convention, so code can tell a violated constraint by its name

Revision ID: 0004
Revises: 0003

Intake's models now use the naming convention of the other services (`shared.models`). A database
migrated before that got PostgreSQL's own names for intake's keys (`nominations_pkey`,
`colleges_region_code_fkey`...): those are renamed to the convention's. A database migrated since got
the convention's names from the first revision on (Alembic applies the models' convention), and
SQLite keeps no names for these constraints; in both cases there is nothing to rename.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PRIMARY_KEYS = (
    "regions",
    "colleges",
    "portal_keys",
    "calendars",
    "nominations",
    "achievements",
    "statements",
    "photos",
    "nomination_progress",
    "idempotency_records",
    "outbox",
    "inbox",
)
#: (table, column, referred table)
FOREIGN_KEYS = (
    ("colleges", "region_code", "regions"),
    ("portal_keys", "region_code", "regions"),
    ("nominations", "college_code", "colleges"),
    ("nominations", "region_code", "regions"),
    ("nominations", "portal_key_id", "portal_keys"),
    ("achievements", "nomination_id", "nominations"),
    ("statements", "nomination_id", "nominations"),
    ("photos", "nomination_id", "nominations"),
    ("nomination_progress", "nomination_id", "nominations"),
    ("idempotency_records", "portal_key_id", "portal_keys"),
)


def _renames() -> list[tuple[str, str, str]]:
    """(table, PostgreSQL's own name, the convention's name) of every constraint to rename."""
    return [
        *((table, f"{table}_pkey", f"pk_{table}") for table in PRIMARY_KEYS),
        *(
            (table, f"{table}_{column}_fkey", f"fk_{table}_{column}_{referred}")
            for table, column, referred in FOREIGN_KEYS
        ),
        ("outbox", "outbox_event_id_key", "uq_outbox_event_id"),
    ]


def _rename(pairs: list[tuple[str, str, str]]) -> None:
    """Rename each (table, from, to) whose `from` exists; only PostgreSQL keeps these names."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    present = set(bind.execute(sa.text("SELECT conname FROM pg_constraint")).scalars())
    for table, old, new in pairs:
        if old in present:
            op.execute(f'ALTER TABLE {table} RENAME CONSTRAINT "{old}" TO "{new}"')


def upgrade() -> None:
    _rename(_renames())


def downgrade() -> None:
    _rename([(table, new, old) for table, old, new in _renames()])
