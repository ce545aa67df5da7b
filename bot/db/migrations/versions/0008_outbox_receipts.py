"""Outbox receipts: the platform's id of each message sent, for delivery status webhooks,
and what they said (delivered, read; a failure's error code); the due index in the order
the sender claims (due_at, then id)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("receipt", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("delivery", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("error", sa.String(length=40), nullable=True))
        batch.create_index(batch.f("ix_outbox_receipt"), ["receipt"])
    # The sender claims "pending, due, oldest first, then by id": with id in the index the
    # database reads the first rows in order instead of sorting every pending message.
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.create_index("ix_outbox_due", "outbox", ["status", "due_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.create_index("ix_outbox_due", "outbox", ["status", "due_at"])
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index(batch.f("ix_outbox_receipt"))
        batch.drop_column("error")
        batch.drop_column("delivery")
        batch.drop_column("receipt")
