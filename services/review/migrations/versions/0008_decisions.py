"""decisions: commissions' decisions and corrections (append-only), extensions, per-scope lock rows

The audit log becomes append-only in the database too (triggers refusing UPDATE and DELETE).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.migrate import append_only_created, append_only_dropped

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("decisions", "extensions", "audit_log")


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("advanced", sa.JSON(), nullable=False),
        sa.Column("not_advanced", sa.JSON(), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("members_present", sa.JSON(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("chair_id", sa.String(length=36), nullable=False),
        sa.Column("chair_email", sa.String(length=254), nullable=False),
        sa.Column("chair_name", sa.String(length=200), nullable=False),
        sa.Column("supersedes", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stage IN ('regional', 'republican')", name=op.f("ck_decisions_stage")),
        sa.CheckConstraint("language IN ('kk', 'ru', 'en')", name=op.f("ck_decisions_language")),
        sa.CheckConstraint(
            "(supersedes IS NULL) = (reason IS NULL)", name=op.f("ck_decisions_correction_reason")
        ),
        sa.ForeignKeyConstraint(
            ["supersedes"], ["decisions.id"], name=op.f("fk_decisions_supersedes_decisions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        sa.UniqueConstraint("supersedes", name=op.f("uq_decisions_supersedes")),
    )
    op.create_index(
        "uq_decisions_first",
        "decisions",
        ["year", "stage", "scope"],
        unique=True,
        postgresql_where=sa.text("supersedes IS NULL"),
        sqlite_where=sa.text("supersedes IS NULL"),
    )
    op.create_table(
        "extensions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("admin_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stage IN ('regional', 'republican')", name=op.f("ck_extensions_stage")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extensions")),
    )
    op.create_table(
        "decision_scopes",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("current_decision", sa.String(length=36), nullable=True),
        sa.Column("advanced", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "stage", "scope", name=op.f("pk_decision_scopes")),
    )
    for table in APPEND_ONLY:
        append_only_created(table)


def downgrade() -> None:
    for table in APPEND_ONLY:
        append_only_dropped(table)
    op.drop_table("decision_scopes")
    op.drop_table("extensions")
    op.drop_index("uq_decisions_first", table_name="decisions")
    op.drop_table("decisions")
