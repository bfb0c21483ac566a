"""the delivery log finds a recipient by a keyed hash, tells an administrator's tests apart, and keeps
each message's timeline

Revision ID: 0010
Revises: 0008 (the lead re-chains it after 0009)

`recipient_hash` is filled for existing rows by the worker's sweep (`searching.fill_missing`): the
key is the server's secret, which a migration does not hold. Existing messages get the steps their
row still tells (queued at creation; sent, delivered or failed where they were).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.models import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "status IN ('held', 'queued', 'sent', 'delivered', 'failed')"


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recipient_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("test", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f("ix_messages_recipient_hash"), ["recipient_hash"], unique=False)
    op.create_table(
        "message_steps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint(STATUSES, name=op.f("ck_message_steps_status")),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_message_steps_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_steps")),
    )
    with op.batch_alter_table("message_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_steps_message_id"), ["message_id"], unique=False)
    op.execute(
        "INSERT INTO message_steps (message_id, at, status) SELECT id, created_at, 'queued' FROM messages"
    )
    op.execute(
        "INSERT INTO message_steps (message_id, at, status) "
        "SELECT id, sent_at, 'sent' FROM messages WHERE sent_at IS NOT NULL"
    )
    op.execute(
        "INSERT INTO message_steps (message_id, at, status) "
        "SELECT id, delivered_at, 'delivered' FROM messages WHERE delivered_at IS NOT NULL"
    )
    op.execute(
        "INSERT INTO message_steps (message_id, at, status, reason) "
        "SELECT id, COALESCE(sent_at, created_at), 'failed', error FROM messages WHERE status = 'failed'"
    )


def downgrade() -> None:
    with op.batch_alter_table("message_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_steps_message_id"))
    op.drop_table("message_steps")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messages_recipient_hash"))
        batch_op.drop_column("test")
        batch_op.drop_column("recipient_hash")
