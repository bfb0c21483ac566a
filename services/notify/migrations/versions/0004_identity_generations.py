"""identity generations: every service refuses credentials older than the user's newest generation

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from shared.migrate import identity_generations_created, identity_generations_dropped

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    identity_generations_created()


def downgrade() -> None:
    identity_generations_dropped()
