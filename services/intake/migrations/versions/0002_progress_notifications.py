"""progress notifications: what notify told the student, for the portal to read back

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The server default fills the rows that exist already; new rows get [] from the model too.
    with op.batch_alter_table("nomination_progress", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notifications", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("nomination_progress", schema=None) as batch_op:
        batch_op.drop_column("notifications")
