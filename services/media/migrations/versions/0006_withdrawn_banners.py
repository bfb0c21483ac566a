"""withdrawn banners: the newest decision applied per candidate and stage, and the log of banners a
correction withdrew (append-only)

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.migrate import append_only_created, append_only_dropped

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decided", sa.JSON(), nullable=False, server_default="{}"))
    op.create_table(
        "banner_withdrawals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.String(length=64), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("keys", sa.JSON(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_banner_withdrawals")),
    )
    with op.batch_alter_table("banner_withdrawals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_banner_withdrawals_year"), ["year"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_banner_withdrawals_nomination_id"), ["nomination_id"], unique=False
        )
    append_only_created("banner_withdrawals")


def downgrade() -> None:
    append_only_dropped("banner_withdrawals")
    op.drop_table("banner_withdrawals")
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_column("decided")
