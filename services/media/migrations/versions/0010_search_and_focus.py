"""search and focus: the media team finds a candidate by name, college or region, and moves the crop
point of a photo's square, card and story

Revision ID: 0010
Revises: 0008
"""

import json
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fold(text: str) -> str:
    """As `rules.fold` at the time of writing (a migration does not follow later code)."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _loaded(value: object) -> dict:
    return (json.loads(value) if isinstance(value, str) else value) or {}


def upgrade() -> None:
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("search_text", sa.String(length=600), nullable=False, server_default="")
        )
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("focus_x", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("focus_y", sa.Float(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT nomination_id, name, college_names, college_code FROM candidates"))
    for row in rows.all():
        name = _loaded(row.name)
        full = " ".join(name.get(part) or "" for part in ("last_name", "first_name", "patronymic"))
        parts = [full.strip(), *dict.fromkeys(_loaded(row.college_names).values()), row.college_code]
        text = _fold(" | ".join(part for part in parts if part))[:600]
        bind.execute(
            sa.text("UPDATE candidates SET search_text = :t WHERE nomination_id = :n"),
            {"t": text, "n": row.nomination_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.drop_column("focus_y")
        batch_op.drop_column("focus_x")
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_column("search_text")
