"""FAQ topics edited in the staff console (and new ones written there), laid over the topic
files when the bot opens the FAQ.

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "faq_edits",
        sa.Column("topic_id", sa.String(length=40), nullable=False),
        sa.Column("topic", sa.JSON(), nullable=False),
        sa.Column("added", sa.JSON(), nullable=False),
        sa.Column("reviews", sa.JSON(), nullable=False),
        sa.Column("new", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("topic_id", name=op.f("pk_faq_edits")),
    )


def downgrade() -> None:
    op.drop_table("faq_edits")
