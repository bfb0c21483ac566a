"""votes: the public vote's contests, votes (append-only but for superseding), codes, snapshots

A vote is never updated or deleted, except once: the row a change supersedes goes from current to
superseded (`current` false and `superseded_by` set, in one UPDATE); triggers refuse anything else,
as they refuse any change of a decision. Snapshots are append-only outright.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.migrate import append_only_created, append_only_dropped
from shared.models import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
#: Every column of a vote but the two that superseding sets.
FIXED = ("id", "contest_id", "candidate_id", "voter_hash", "network", "browser", "recorded_at")


def _contests() -> None:
    op.create_table(
        "contests",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("opens_at", UTCDateTime(), nullable=False),
        sa.Column("closes_at", UTCDateTime(), nullable=False),
        sa.Column("counts_public", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("frozen_at", UTCDateTime(), nullable=True),
        sa.Column("candidate_ids", sa.JSON(), nullable=True),
        sa.CheckConstraint("stage IN ('regional', 'republican')", name=op.f("ck_contests_stage")),
        sa.CheckConstraint("opens_at < closes_at", name=op.f("ck_contests_times")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contests")),
    )
    op.create_index("uq_contests_year_stage_scope", "contests", ["year", "stage", "scope"], unique=True)


def _votes() -> None:
    op.create_table(
        "votes",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("contest_id", sa.String(length=80), nullable=False),
        sa.Column("candidate_id", sa.String(length=36), nullable=False),
        sa.Column("voter_hash", sa.String(length=64), nullable=False),
        sa.Column("network", sa.String(length=50), nullable=False),
        sa.Column("browser", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("superseded_by", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("current OR superseded_by IS NOT NULL", name=op.f("ck_votes_superseded")),
        sa.ForeignKeyConstraint(["contest_id"], ["contests.id"], name=op.f("fk_votes_contest_id_contests")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_votes")),
    )
    where = sa.text("current")
    op.create_index(
        "uq_votes_current",
        "votes",
        ["contest_id", "voter_hash"],
        unique=True,
        postgresql_where=where,
        sqlite_where=where,
    )
    op.create_index(
        "ix_votes_contest_candidate_current",
        "votes",
        ["contest_id", "candidate_id"],
        postgresql_where=where,
        sqlite_where=where,
    )
    op.create_index("ix_votes_contest_recorded_at", "votes", ["contest_id", "recorded_at"])


def _codes() -> None:
    op.create_table(
        "vote_codes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("contest_id", sa.String(length=80), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("network", sa.String(length=50), nullable=False),
        sa.Column("browser", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint("language IN ('kk', 'ru', 'en')", name=op.f("ck_vote_codes_language")),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contests.id"], name=op.f("fk_vote_codes_contest_id_contests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_codes")),
    )
    for column in ("phone_hash", "address_hash", "browser"):
        op.create_index(
            f"ix_vote_codes_{column}_created_at".replace("_hash", ""), "vote_codes", [column, "created_at"]
        )
    op.create_table(
        "vote_phones",
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("phone_hash", name=op.f("pk_vote_phones")),
    )
    op.create_table(
        "vote_wrong_codes",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("verification_id", sa.String(length=36), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_wrong_codes")),
    )
    op.create_index("ix_vote_wrong_codes_phone_at", "vote_wrong_codes", ["phone_hash", "at"])


def _snapshots() -> None:
    op.create_table(
        "contest_snapshots",
        sa.Column("contest_id", sa.String(length=80), nullable=False),
        sa.Column("taken_at", UTCDateTime(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contests.id"], name=op.f("fk_contest_snapshots_contest_id_contests")
        ),
        sa.PrimaryKeyConstraint("contest_id", "taken_at", name=op.f("pk_contest_snapshots")),
    )


def _supersede_only() -> None:
    """The votes' triggers: an UPDATE may only supersede a current row (nothing else of it changes),
    DELETE and TRUNCATE are refused."""
    if op.get_bind().dialect.name == "postgresql":
        same = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in FIXED)
        op.execute(
            "CREATE OR REPLACE FUNCTION top100_votes_supersede_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN IF TG_OP = 'UPDATE' AND OLD.current AND NOT NEW.current AND OLD.superseded_by IS NULL "
            f"AND NEW.superseded_by IS NOT NULL AND {same} THEN RETURN NEW; END IF; "
            "RAISE EXCEPTION 'votes is append-only: % refused', TG_OP "
            "USING ERRCODE = 'insufficient_privilege'; END $$"
        )
        op.execute(
            "CREATE TRIGGER votes_append_only BEFORE UPDATE OR DELETE ON votes "
            "FOR EACH ROW EXECUTE FUNCTION top100_votes_supersede_only()"
        )
        op.execute(
            "CREATE OR REPLACE FUNCTION top100_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP "
            "USING ERRCODE = 'insufficient_privilege'; END $$"
        )
        op.execute(
            "CREATE TRIGGER votes_append_only_truncate BEFORE TRUNCATE ON votes "
            "FOR EACH STATEMENT EXECUTE FUNCTION top100_append_only()"
        )
        return
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in FIXED)
    op.execute(
        "CREATE TRIGGER votes_append_only_update BEFORE UPDATE ON votes WHEN NOT (OLD.current AND NOT "
        f"NEW.current AND OLD.superseded_by IS NULL AND NEW.superseded_by IS NOT NULL AND {same}) "
        "BEGIN SELECT RAISE(ABORT, 'votes is append-only: UPDATE refused'); END"
    )
    op.execute(
        "CREATE TRIGGER votes_append_only_delete BEFORE DELETE ON votes "
        "BEGIN SELECT RAISE(ABORT, 'votes is append-only: DELETE refused'); END"
    )


def upgrade() -> None:
    _contests()
    _votes()
    _codes()
    _snapshots()
    _supersede_only()
    append_only_created("contest_snapshots")


def downgrade() -> None:
    append_only_dropped("contest_snapshots")
    append_only_dropped("votes")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS top100_votes_supersede_only()")
    for table in ("contest_snapshots", "vote_wrong_codes", "vote_phones", "vote_codes", "votes", "contests"):
        op.drop_table(table)
