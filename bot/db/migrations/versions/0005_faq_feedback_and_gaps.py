"""FAQ feedback and unanswered questions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "faq_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("lang", sa.String(length=10), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("day", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_feedback")),
    )
    op.create_index(op.f("ix_faq_feedback_topic"), "faq_feedback", ["topic"], unique=False)
    op.create_table(
        "faq_gaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("lang", sa.String(length=10), nullable=False),
        sa.Column("day", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_gaps")),
    )
    op.create_index(op.f("ix_faq_gaps_day"), "faq_gaps", ["day"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_faq_gaps_day"), table_name="faq_gaps")
    op.drop_table("faq_gaps")
    op.drop_index(op.f("ix_faq_feedback_topic"), table_name="faq_feedback")
    op.drop_table("faq_feedback")
