"""Questions the FAQ took a day, by language, and how many it answered: numbers for the staff
console's overview, nothing about anyone.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "faq_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("lang", sa.String(length=10), nullable=False),
        sa.Column("asked", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "lang", name=op.f("pk_faq_days")),
    )


def downgrade() -> None:
    op.drop_table("faq_days")
