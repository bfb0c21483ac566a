"""revisions and withdrawals: the revision each part and photo state was applied at, and tombstones

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows that exist already have no revisions: the next event with one applies, as before.
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revisions", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reported", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "followed_nominations",
        sa.Column("nomination_id", sa.String(length=64), nullable=False),
        sa.Column("withdrawn_revision", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("nomination_id", name=op.f("pk_followed_nominations")),
    )
    # A candidate withdrawn already keeps its withdrawal as a tombstone too.
    op.execute(
        "INSERT INTO followed_nominations (nomination_id, withdrawn_at, withdrawal_reason) "
        "SELECT nomination_id, updated_at, withdrawal_reason FROM candidates WHERE status = 'withdrawn'"
    )


def downgrade() -> None:
    op.drop_table("followed_nominations")
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_column("reported")
        batch_op.drop_column("revision")
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_column("revisions")
