"""voter messages: the public vote's one-time codes are messages to a `voter` (a phone, no nomination)

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "recipient_kind IN ('student', 'coordinator', 'member', 'region')"
AFTER = "recipient_kind IN ('student', 'coordinator', 'member', 'region', 'voter')"


def _kinds(condition: str) -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_messages_recipient_kind"), type_="check")
        batch_op.create_check_constraint("recipient_kind", condition)


def upgrade() -> None:
    _kinds(AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM messages WHERE recipient_kind = 'voter'")
    _kinds(BEFORE)
