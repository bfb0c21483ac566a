"""notification status: whether notify reached each nomination's student, per channel

Revision ID: 0010
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.models import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "student_reach",
        sa.Column("nomination_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("template", sa.String(length=50), nullable=False),
        sa.Column("reason", sa.String(length=60), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("nomination_id", "channel", name=op.f("pk_student_reach")),
    )


def downgrade() -> None:
    op.drop_table("student_reach")
