"""candidates, kits and publications; each asset's derivatives described (name, format, size, bytes)

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("files", sa.JSON(), nullable=False, server_default="[]"))
    op.create_table(
        "candidates",
        sa.Column("nomination_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("college_code", sa.String(length=40), nullable=False),
        sa.Column("college_names", sa.JSON(), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("achievements", sa.JSON(), nullable=False),
        sa.Column("statements", sa.JSON(), nullable=False),
        sa.Column("consent_publication", sa.Boolean(), nullable=False),
        sa.Column("review_candidate", sa.String(length=64), nullable=True),
        sa.Column("stage", sa.String(length=20), nullable=True),
        sa.Column("banners", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "stage IS NULL OR stage IN ('republican', 'winner')", name=op.f("ck_candidates_stage")
        ),
        sa.PrimaryKeyConstraint("nomination_id", name=op.f("pk_candidates")),
    )
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_candidates_year"), ["year"], unique=False)
    op.create_table(
        "kits",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("candidates", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("progress >= 0 AND progress <= 1", name=op.f("ck_kits_progress")),
        sa.CheckConstraint("stage IN ('republican', 'winners')", name=op.f("ck_kits_stage")),
        sa.CheckConstraint(
            "status IN ('queued', 'building', 'ready', 'failed')", name=op.f("ck_kits_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kits")),
    )
    with op.batch_alter_table("kits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kits_status"), ["status"], unique=False)
    op.create_table(
        "publications",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("outlet", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("candidate_ids", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publications")),
    )
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publications_year"), ["year"], unique=False)


def downgrade() -> None:
    op.drop_table("publications")
    op.drop_table("kits")
    op.drop_table("candidates")
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.drop_column("files")
