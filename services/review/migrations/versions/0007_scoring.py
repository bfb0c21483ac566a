"""scoring: the contract's stages and statuses, a folded name to search, statement word counts,
scores, conflicts, rubrics, stage settings (blind, assigned) and assignments

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

from services.review.rules.scoring import fold
from shared.words import count_words

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_STAGES = "stage IN ('regional', 'republican', 'winner')"
NEW_STATUSES = "status IN ('under_review', 'advanced', 'not_advanced', 'withdrawn', 'winner')"
OLD_STAGES = "stage IN ('internal', 'regional', 'republican')"
OLD_STATUSES = "status IN ('nominated', 'withdrawn')"
SCORED = "stage IN ('regional', 'republican')"


@contextmanager
def _statements_kept() -> Iterator[None]:
    """SQLite changes a check constraint by copying the table and dropping the old one; with foreign
    keys on, dropping `candidates` deletes every statement (ON DELETE CASCADE). Keep them aside and
    put them back. PostgreSQL alters in place and needs none of this."""
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    op.execute("CREATE TEMP TABLE statements_kept AS SELECT candidate_id, language, text FROM statements")
    yield
    op.execute("DELETE FROM statements")
    op.execute(
        "INSERT INTO statements (candidate_id, language, text) "
        "SELECT candidate_id, language, text FROM statements_kept"
    )
    op.execute("DROP TABLE statements_kept")


def upgrade() -> None:
    with _statements_kept():
        _candidates_renamed()
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("words", sa.Integer(), nullable=False, server_default="0"))
    _fill_folded_names_and_word_counts()
    _scoring_tables_created()


def _candidates_renamed() -> None:
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_candidates_stage"), type_="check")
        batch_op.drop_constraint(op.f("ck_candidates_status"), type_="check")
        batch_op.add_column(
            sa.Column("search_name", sa.String(length=320), nullable=False, server_default="")
        )
    # A candidate in review has left its college: the internal stage is the college's, not review's.
    op.execute("UPDATE candidates SET stage = 'regional' WHERE stage = 'internal'")
    op.execute("UPDATE candidates SET status = 'under_review' WHERE status = 'nominated'")
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_candidates_stage"), NEW_STAGES)
        batch_op.create_check_constraint(op.f("ck_candidates_status"), NEW_STATUSES)
        batch_op.create_index("ix_candidates_year_stage_region", ["year", "stage", "region"], unique=False)


def _scoring_tables_created() -> None:
    op.create_table(
        "scores",
        sa.Column("candidate_id", sa.String(length=36), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("member_name", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("weighted", sa.Float(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(SCORED, name=op.f("ck_scores_stage")),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_scores_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("candidate_id", "stage", "member_id", name=op.f("pk_scores")),
    )
    op.create_index("ix_scores_year_stage_region", "scores", ["year", "stage", "region"], unique=False)
    op.create_index("ix_scores_member_id", "scores", ["member_id", "stage"], unique=False)
    op.create_table(
        "conflicts",
        sa.Column("candidate_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("member_name", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_conflicts_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("candidate_id", "member_id", name=op.f("pk_conflicts")),
    )
    op.create_table(
        "rubrics",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(SCORED, name=op.f("ck_rubrics_stage")),
        sa.PrimaryKeyConstraint("year", "stage", name=op.f("pk_rubrics")),
    )
    op.create_table(
        "stage_settings",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("blind", sa.Boolean(), nullable=False),
        sa.Column("scorers", sa.Integer(), nullable=True),
        sa.CheckConstraint(SCORED, name=op.f("ck_stage_settings_stage")),
        sa.PrimaryKeyConstraint("year", "stage", "scope", name=op.f("pk_stage_settings")),
    )
    op.create_table(
        "assignments",
        sa.Column("candidate_id", sa.String(length=36), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_assignments_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("candidate_id", "stage", "member_id", name=op.f("pk_assignments")),
    )
    op.create_index(op.f("ix_assignments_member_id"), "assignments", ["member_id"], unique=False)


def _fill_folded_names_and_word_counts() -> None:
    """Existing rows get what new writes fill: counted in Python, as the service counts them."""
    bind = op.get_bind()
    names = bind.execute(sa.text("SELECT id, last_name, first_name, patronymic FROM candidates")).all()
    for row in names:
        full = " ".join(part for part in (row.last_name, row.first_name, row.patronymic) if part)
        bind.execute(
            sa.text("UPDATE candidates SET search_name = :s WHERE id = :i"), {"s": fold(full), "i": row.id}
        )
    texts = bind.execute(sa.text("SELECT candidate_id, language, text FROM statements")).all()
    for row in texts:
        bind.execute(
            sa.text("UPDATE statements SET words = :w WHERE candidate_id = :c AND language = :l"),
            {"w": count_words(row.text), "c": row.candidate_id, "l": row.language},
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_assignments_member_id"), table_name="assignments")
    op.drop_table("assignments")
    op.drop_table("stage_settings")
    op.drop_table("rubrics")
    op.drop_table("conflicts")
    op.drop_index("ix_scores_member_id", table_name="scores")
    op.drop_index("ix_scores_year_stage_region", table_name="scores")
    op.drop_table("scores")
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_column("words")
    with _statements_kept():
        _candidates_named_as_before()


def _candidates_named_as_before() -> None:
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_index("ix_candidates_year_stage_region")
        batch_op.drop_constraint(op.f("ck_candidates_stage"), type_="check")
        batch_op.drop_constraint(op.f("ck_candidates_status"), type_="check")
        batch_op.drop_column("search_name")
    op.execute("UPDATE candidates SET status = 'nominated' WHERE status <> 'withdrawn'")
    op.execute("UPDATE candidates SET stage = 'republican' WHERE stage = 'winner'")
    op.execute("UPDATE candidates SET stage = 'internal' WHERE stage = 'regional'")
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_candidates_stage"), OLD_STAGES)
        batch_op.create_check_constraint(op.f("ck_candidates_status"), OLD_STATUSES)
