"""ended sessions: a logout ends that one session here as soon as this service hears of it

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

from shared.migrate import ended_sessions_created, ended_sessions_dropped

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    ended_sessions_created()


def downgrade() -> None:
    ended_sessions_dropped()
