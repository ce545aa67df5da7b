"""The languages a translator (role `reviewer`) reviews texts in.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reviewer_languages",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name=op.f("fk_reviewer_languages_person_id_people")),
        sa.PrimaryKeyConstraint("person_id", "lang", name=op.f("pk_reviewer_languages")),
    )


def downgrade() -> None:
    op.drop_table("reviewer_languages")
