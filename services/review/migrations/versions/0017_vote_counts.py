"""vote_counts and vote_codes.number_block: the display counts and the number-block hint of a code

`vote_counts` is what pages show of a contest while it is open: per candidate the current votes as
of `counted_at`, rebuilt from `votes WHERE current` by review's worker (never the source of truth:
the votes are). `vote_codes.number_block` is the keyed hint of the requesting number's block of 100
(`rules.signals.number_block`), kept when the number is in hand so `sequential_numbers` can see a
bought range of SIM cards without the numbers themselves being stored.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.models import UTCDateTime

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vote_counts",
        sa.Column("contest_id", sa.String(length=80), nullable=False),
        sa.Column("candidate_id", sa.String(length=36), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.Column("counted_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contests.id"], name=op.f("fk_vote_counts_contest_id_contests")
        ),
        sa.PrimaryKeyConstraint("contest_id", "candidate_id", name=op.f("pk_vote_counts")),
    )
    with op.batch_alter_table("vote_codes") as batch:
        batch.add_column(sa.Column("number_block", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("vote_codes") as batch:
        batch.drop_column("number_block")
    op.drop_table("vote_counts")
