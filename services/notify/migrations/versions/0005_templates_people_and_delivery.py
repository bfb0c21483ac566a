"""templates as data, people and candidates for reminders, messages keyed by recipient, held and retried

Revision ID: 0005
Revises: 0004

Messages become unique per (event, recipient, channel) instead of (event, channel): one event now
writes to several people (a student and their coordinator, every winner). Existing rows were all to
the nomination's student, so their recipient is `student:<nomination>`. The seed templates are written
from the repository's files (`services/notify/seed/`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.models import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "status IN ('held', 'queued', 'sent', 'delivered', 'failed')"
KINDS = "recipient_kind IN ('student', 'coordinator', 'member', 'region')"


def upgrade() -> None:
    with op.batch_alter_table("recipients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("college_code", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("coordinator_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("coordinator_email", sa.String(length=320), nullable=True))
        batch_op.create_index(batch_op.f("ix_recipients_college_code"), ["college_code"], unique=False)

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("template_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("recipient_kind", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("recipient_ref", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("optional", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("send_after", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("segments", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("delivered_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("purged_at", UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE messages SET recipient_kind = 'student', recipient_ref = 'student:' || nomination_id, "
        "optional = false, attempts = CASE WHEN status = 'queued' THEN 0 ELSE 1 END"
    )
    op.execute("UPDATE messages SET template = 'nomination_received' WHERE template = 'receipt'")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.alter_column("event_id", existing_type=sa.String(length=36), type_=sa.String(length=80))
        batch_op.alter_column("body", existing_type=sa.Text(), nullable=True)
        batch_op.alter_column("recipient_kind", existing_type=sa.String(length=12), nullable=False)
        batch_op.alter_column("recipient_ref", existing_type=sa.String(length=120), nullable=False)
        batch_op.alter_column("optional", existing_type=sa.Boolean(), nullable=False)
        batch_op.alter_column("attempts", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("uq_messages_event_channel", type_="unique")
        batch_op.create_unique_constraint(
            "uq_messages_event_recipient_channel", ["event_id", "recipient_ref", "channel"]
        )
        batch_op.drop_constraint(op.f("ck_messages_status"), type_="check")
        batch_op.create_check_constraint("status", STATUSES)
        batch_op.drop_constraint(op.f("ck_messages_sent_has_time"), type_="check")
        batch_op.create_check_constraint(
            "sent_has_time", "status NOT IN ('sent', 'delivered') OR sent_at IS NOT NULL"
        )
        batch_op.create_check_constraint("recipient_kind", KINDS)
        batch_op.create_index(batch_op.f("ix_messages_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_messages_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "templates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("subject", sa.JSON(), nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("channel IN ('email', 'sms')", name=op.f("ck_templates_channel")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_templates")),
        sa.UniqueConstraint("code", "channel", "version", name="uq_templates_code_channel_version"),
    )
    op.create_table(
        "people",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("college", sa.String(length=40), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_people")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_people_scope"), ["scope"], unique=False)
    op.create_table(
        "candidates",
        sa.Column("nomination_id", sa.String(length=64), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("missing", sa.JSON(), nullable=False),
        sa.Column("amend_by", UTCDateTime(), nullable=True),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("nomination_id", name=op.f("pk_candidates")),
    )
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_candidates_region"), ["region"], unique=False)
        batch_op.create_index(batch_op.f("ix_candidates_changed_at"), ["changed_at"], unique=False)
    op.create_table(
        "closed_stages",
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("region", "year", "stage", name=op.f("pk_closed_stages")),
    )
    op.create_table(
        "opt_outs",
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_opt_outs")),
    )
    _seed_templates()


def _seed_templates() -> None:
    """Version 1 of every template, from the repository's seed files."""
    from services.notify.operations import templating
    from shared import clock

    table = sa.table(
        "templates",
        sa.column("code", sa.String),
        sa.column("channel", sa.String),
        sa.column("version", sa.Integer),
        sa.column("subject", sa.JSON),
        sa.column("body", sa.JSON),
        sa.column("created_by", sa.String),
        sa.column("created_at", UTCDateTime()),
    )
    rows = [
        {
            "code": code,
            "channel": channel,
            "version": 1,
            "subject": texts["subject"],
            "body": texts["body"],
            "created_by": "seed",
            "created_at": clock.utcnow(),
        }
        for (code, channel), texts in templating.seed_files().items()
    ]
    op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_table("opt_outs")
    op.drop_table("closed_stages")
    op.drop_table("candidates")
    op.drop_table("people")
    op.drop_table("templates")
    op.execute("DELETE FROM messages WHERE recipient_kind != 'student' OR status IN ('held', 'delivered')")
    op.execute("UPDATE messages SET body = '' WHERE body IS NULL")
    op.execute("UPDATE messages SET template = 'receipt' WHERE template = 'nomination_received'")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messages_provider_id"))
        batch_op.drop_index(batch_op.f("ix_messages_status"))
        batch_op.drop_constraint(op.f("ck_messages_recipient_kind"), type_="check")
        batch_op.drop_constraint(op.f("ck_messages_sent_has_time"), type_="check")
        batch_op.create_check_constraint("sent_has_time", "status != 'sent' OR sent_at IS NOT NULL")
        batch_op.drop_constraint(op.f("ck_messages_status"), type_="check")
        batch_op.create_check_constraint("status", "status IN ('queued', 'sent', 'failed')")
        batch_op.drop_constraint("uq_messages_event_recipient_channel", type_="unique")
        batch_op.create_unique_constraint("uq_messages_event_channel", ["event_id", "channel"])
        batch_op.alter_column("body", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("event_id", existing_type=sa.String(length=80), type_=sa.String(length=36))
        for column in (
            "purged_at",
            "delivered_at",
            "segments",
            "attempts",
            "send_after",
            "optional",
            "recipient_ref",
            "recipient_kind",
            "template_version",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("recipients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recipients_college_code"))
        batch_op.drop_column("coordinator_email")
        batch_op.drop_column("coordinator_name")
        batch_op.drop_column("college_code")
