"""candidates.consent_publication: the public pages show only candidates who consent now

A student may withdraw the consent at any time (intake's `nomination.amended`); review's public
pages (contests, the TOP 100 gallery, its feeds and widget) read this flag. Existing candidates
consented at submission (intake refused a nomination without it), hence the default true.

Revision ID: 0016
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, never a batch: on SQLite a batch may copy and drop `candidates`, and the
    # drop would cascade to every candidate's statements and scores.
    op.add_column(
        "candidates",
        sa.Column("consent_publication", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    # SQLite (3.35+) drops a column in place; a batch would copy the table and cascade as above.
    op.drop_column("candidates", "consent_publication")
