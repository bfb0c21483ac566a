"""audit: an append-only log of who read personal data or changed something here, announced to review

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from shared.migrate import audit_log_created, audit_log_dropped

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    audit_log_created()


def downgrade() -> None:
    audit_log_dropped()
