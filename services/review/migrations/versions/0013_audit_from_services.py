"""audit from services: the log keeps media's and notify's entries too (`audit.recorded`)

Each entry names the service that wrote it, its id across services (review keeps each once) and
what was read or changed (`nomination:<id>`, `kit:<id>`, `message:<id>`). Columns and indexes are
added in place, never by copying the table (SQLite's batch mode would drop the append-only
triggers); existing rows are review's own, without an entry id.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "audit_log", sa.Column("service", sa.String(length=20), server_default="review", nullable=False)
    )
    op.add_column("audit_log", sa.Column("entry_id", sa.String(length=36), nullable=True))
    op.add_column("audit_log", sa.Column("object", sa.String(length=120), nullable=True))
    op.create_index(op.f("ix_audit_log_service"), "audit_log", ["service"], unique=False)
    op.create_index(op.f("ix_audit_log_entry_id"), "audit_log", ["entry_id"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_log_entry_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_service"), table_name="audit_log")
    # SQLite (3.35+) drops a column in place too: the table is not copied, its triggers stay.
    for column in ("object", "entry_id", "service"):
        op.drop_column("audit_log", column)
