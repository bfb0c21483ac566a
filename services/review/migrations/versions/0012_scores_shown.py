"""scores shown: when a chair chose to show every score of a stage's scope before scoring was done

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.models import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stage_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scores_shown_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("scores_shown_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stage_settings", schema=None) as batch_op:
        batch_op.drop_column("scores_shown_by")
        batch_op.drop_column("scores_shown_at")
