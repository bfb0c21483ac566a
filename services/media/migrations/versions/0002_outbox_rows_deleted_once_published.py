"""the relay deletes outbox rows once the broker confirmed them, instead of marking them published

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from shared import migrate

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    migrate.outbox_rows_deleted_once_published()


def downgrade() -> None:
    migrate.outbox_rows_marked_published()
