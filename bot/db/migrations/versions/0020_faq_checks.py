"""The FAQ's held-out check as run from the staff console: who, when, how it ended and its
numbers (accuracy per language, each labelled line's expected and found topic).

Revision ID: 0020
Revises: 0016
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "faq_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("file", sa.String(length=500), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("results", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["people.id"], ondelete="SET NULL",
                                name=op.f("fk_faq_checks_staff_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_checks")),
    )
    op.create_index(op.f("ix_faq_checks_started_at"), "faq_checks", ["started_at"])
    op.create_index(op.f("ix_faq_checks_staff_id"), "faq_checks", ["staff_id"])


def downgrade() -> None:
    op.drop_table("faq_checks")
