"""vote_flags: the fraud signals' verdict on each vote, kept by review's worker

One row per vote checked, with its reasons (`;`-joined, empty when none) and when the check ran.
The worker checks the votes newer than the last check every 30 s (`operations.vote_flags`), so the
commission's signals page and the CSV export read rows instead of recomputing a national contest in
a request. A partial index holds a contest's flagged votes only; `vote_codes` gains an index by
number block and `votes` one by voter (the votes of one block are read as a vote of it arrives).

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.models import UTCDateTime

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vote_flags",
        sa.Column("vote_id", sa.BigInteger(), nullable=False),
        sa.Column("contest_id", sa.String(length=80), nullable=False),
        sa.Column("reasons", sa.String(length=200), nullable=False),
        sa.Column("checked_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["vote_id"], ["votes.id"], name=op.f("fk_vote_flags_vote_id_votes")),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contests.id"], name=op.f("fk_vote_flags_contest_id_contests")
        ),
        sa.PrimaryKeyConstraint("vote_id", name=op.f("pk_vote_flags")),
    )
    op.create_index(
        "ix_vote_flags_contest_checked_at", "vote_flags", ["contest_id", "checked_at"], unique=False
    )
    flagged = sa.text("reasons <> ''")
    op.create_index(
        "ix_vote_flags_contest_flagged",
        "vote_flags",
        ["contest_id", "vote_id"],
        unique=False,
        postgresql_where=flagged,
        sqlite_where=flagged,
    )
    op.create_index(
        "ix_vote_codes_contest_number_block", "vote_codes", ["contest_id", "number_block"], unique=False
    )
    op.create_index("ix_votes_contest_voter", "votes", ["contest_id", "voter_hash"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_votes_contest_voter", table_name="votes")
    op.drop_index("ix_vote_codes_contest_number_block", table_name="vote_codes")
    op.drop_index("ix_vote_flags_contest_flagged", table_name="vote_flags")
    op.drop_index("ix_vote_flags_contest_checked_at", table_name="vote_flags")
    op.drop_table("vote_flags")
