"""WhatsApp message templates' approval per language, as Meta last said it: for the staff
console (Notices > WhatsApp templates) and its audience warnings. Nothing about a person.

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "template_approvals",
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", "language", name=op.f("pk_template_approvals")),
    )


def downgrade() -> None:
    op.drop_table("template_approvals")
