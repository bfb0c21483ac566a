"""revisions and withdrawals: the revision each recipient's part was applied at, and tombstones

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Recipients that exist already have no revisions: the next event with one applies, as before.
    with op.batch_alter_table("recipients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revisions", sa.JSON(), nullable=False, server_default="{}"))
    op.create_table(
        "followed_nominations",
        sa.Column("nomination_id", sa.String(length=64), nullable=False),
        sa.Column("withdrawn_revision", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("nomination_id", name=op.f("pk_followed_nominations")),
    )


def downgrade() -> None:
    op.drop_table("followed_nominations")
    with op.batch_alter_table("recipients", schema=None) as batch_op:
        batch_op.drop_column("revisions")
