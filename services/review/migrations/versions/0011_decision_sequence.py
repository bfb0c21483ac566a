"""decision sequence: each scope's decisions numbered 1, 2, ... in the order recorded; an admin's
override of a regional correction after the republican decision, and the decision it puts up for
re-check

The decisions table is append-only: its triggers are dropped while the existing rows are numbered
(in the order recorded, per scope) and created again.

Revision ID: 0011
Revises: 0010
"""

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.migrate import append_only_created, append_only_dropped

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    append_only_dropped("decisions")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("override_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("rechecks", sa.String(length=36), nullable=True))
    _number_existing()
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.alter_column("sequence", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(
            op.f("uq_decisions_sequence"), ["year", "stage", "scope", "sequence"]
        )
        batch_op.create_check_constraint(
            op.f("ck_decisions_override_reason"), "rechecks IS NULL OR override_reason IS NOT NULL"
        )
    append_only_created("decisions")


def _number_existing() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, year, stage, scope FROM decisions ORDER BY decided_at, id")).all()
    counters: dict[tuple[int, str, str], int] = defaultdict(int)
    for decision_id, year, stage, scope in rows:
        counters[(year, stage, scope)] += 1
        bind.execute(
            sa.text("UPDATE decisions SET sequence = :n WHERE id = :id"),
            {"n": counters[(year, stage, scope)], "id": decision_id},
        )


def downgrade() -> None:
    append_only_dropped("decisions")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_decisions_override_reason"), type_="check")
        batch_op.drop_constraint(op.f("uq_decisions_sequence"), type_="unique")
        batch_op.drop_column("rechecks")
        batch_op.drop_column("override_reason")
        batch_op.drop_column("sequence")
    append_only_created("decisions")
