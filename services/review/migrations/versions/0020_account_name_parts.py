"""accounts keep the name in parts (last name, given name, patronymic) beside the name pages show

All three nullable: an account made before has one whole name, and letters greet it by that name as
before.

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARTS = ("last_name", "first_name", "patronymic")


def upgrade() -> None:
    # Plain ADD COLUMNs, never a batch: on SQLite a batch copies and drops the table, and a drop
    # cascades to every row that refers to it (as 0016 found with `candidates`).
    for part in PARTS:
        op.add_column("users", sa.Column(part, sa.String(length=100), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops a column in place.
    for part in reversed(PARTS):
        op.drop_column("users", part)
