"""identity generations: every service refuses credentials older than the user's newest generation

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

from shared.migrate import identity_generations_created, identity_generations_dropped

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    identity_generations_created()


def downgrade() -> None:
    identity_generations_dropped()
