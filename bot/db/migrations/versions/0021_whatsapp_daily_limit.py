"""WhatsApp's daily limit on new conversations: when a push opened one (a template to
someone outside the 24-hour window), and which pushes wait for the next day's room. And an
index on when messages expire, for the sender's sweep (it read every pending row).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("held", sa.String(length=12), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_opened_at"), ["opened_at"], unique=False)
        batch_op.create_index("ix_outbox_expiring", ["status", "expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_expiring")
        batch_op.drop_index(batch_op.f("ix_outbox_opened_at"))
        batch_op.drop_column("held")
        batch_op.drop_column("opened_at")
