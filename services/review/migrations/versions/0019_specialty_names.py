"""candidates carry the specialty's classifier code and its names in kk/ru/en, as intake sends them

Both nullable: a candidate submitted before, or by a portal that types the specialty in its own
words, has neither, and its pages show those words as before.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMNs, never a batch: on SQLite a batch copies and drops `candidates`, and the drop
    # would cascade to every candidate's statements and scores (as in 0016).
    op.add_column("candidates", sa.Column("specialty_code", sa.String(length=16), nullable=True))
    op.add_column("candidates", sa.Column("specialty_names", sa.JSON(), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops a column in place.
    op.drop_column("candidates", "specialty_names")
    op.drop_column("candidates", "specialty_code")
