"""people keep the name's parts (last name, given name, patronymic) review's `user.changed` tells

All three nullable: a person heard of before, or an account with one whole name, has none, and
letters greet them by that name as before. The parts come with the account's next change.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARTS = ("last_name", "first_name", "patronymic")


def upgrade() -> None:
    # Plain ADD COLUMNs, never a batch: on SQLite a batch copies and drops the table, and a drop
    # cascades to every row that refers to it.
    for part in PARTS:
        op.add_column("people", sa.Column(part, sa.String(length=100), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops a column in place.
    for part in reversed(PARTS):
        op.drop_column("people", part)
