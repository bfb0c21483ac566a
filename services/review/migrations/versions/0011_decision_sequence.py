"""decision sequence: each scope's decisions numbered 1, 2, ... in the order recorded; an admin's
override of a regional correction after the republican decision, and the decision it puts up for
re-check

The decisions table is append-only: its triggers are dropped while the existing rows are numbered
(in the order recorded, per scope) and created again. Columns are added in place and the number's
uniqueness is an index, so SQLite does not copy the table (its rows point at each other: copying
would trip their foreign key).

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
    op.add_column("decisions", sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("decisions", sa.Column("override_reason", sa.Text(), nullable=True))
    op.add_column("decisions", sa.Column("rechecks", sa.String(length=36), nullable=True))
    _number_existing()
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("decisions", "sequence", server_default=None)
    op.create_index("uq_decisions_sequence", "decisions", ["year", "stage", "scope", "sequence"], unique=True)
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
    op.drop_index("uq_decisions_sequence", table_name="decisions")
    append_only_dropped("decisions")
    # SQLite drops a column in place (3.35+) when nothing else names it.
    op.drop_column("decisions", "rechecks")
    op.drop_column("decisions", "override_reason")
    op.drop_column("decisions", "sequence")
    append_only_created("decisions")
