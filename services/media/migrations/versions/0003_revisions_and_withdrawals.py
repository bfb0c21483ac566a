"""revisions and withdrawals: the nomination revision each photo came at, and tombstones

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
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=True))
    op.create_table(
        "followed_nominations",
        sa.Column("nomination_id", sa.String(length=64), nullable=False),
        sa.Column("withdrawn_revision", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("nomination_id", name=op.f("pk_followed_nominations")),
    )
    # A nomination whose photo was withdrawn already keeps its withdrawal as a tombstone too.
    op.execute(
        "INSERT INTO followed_nominations (nomination_id, withdrawn_at) "
        "SELECT nomination_id, MAX(updated_at) FROM assets WHERE status = 'withdrawn' GROUP BY nomination_id"
    )


def downgrade() -> None:
    op.drop_table("followed_nominations")
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.drop_column("revision")
