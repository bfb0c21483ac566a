"""specialties: the classifier of college specialties; a nomination may name its specialty by code

A portal may give the code alone: `nominations.specialty` (the portal's own words) is then empty.
Plain ADD COLUMN, never a batch: on SQLite a batch copies `nominations` and dropping the old copy
would cascade to every nomination's statements, achievements and photo. Going back, a nomination
without words gets the classifier's name in the student's language.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAMED_BY_CODE = sa.text(
    "UPDATE nominations SET specialty = (SELECT CASE nominations.language WHEN 'kk' THEN name_kk "
    "WHEN 'ru' THEN name_ru ELSE name_en END FROM specialties WHERE specialties.code = "
    "nominations.specialty_code) WHERE specialty = '' AND specialty_code IS NOT NULL"
)


def upgrade() -> None:
    op.create_table(
        "specialties",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name_kk", sa.String(length=300), nullable=False),
        sa.Column("name_ru", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_specialties")),
    )
    op.add_column("nominations", sa.Column("specialty_code", sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.execute(NAMED_BY_CODE)
    op.drop_column("nominations", "specialty_code")
    op.drop_table("specialties")
