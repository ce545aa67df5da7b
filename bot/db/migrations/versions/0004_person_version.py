"""a version on each person, the delivery ids they sent recently

Every write bumps `version`, so the runtime can keep people in memory and write a turn
with one statement, `UPDATE ... WHERE version = <the one it read>`, falling back to a
locked read when someone else wrote in between. Recent delivery ids move onto the person's
row, which makes the inbound_seen table and its extra statement a turn unnecessary.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recent_deliveries", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="0",
                                      nullable=False))
    with op.batch_alter_table("inbound_seen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_seen_seen_at"))
    op.drop_table("inbound_seen")


def downgrade() -> None:
    op.create_table(
        "inbound_seen",
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("delivery_id", sa.String(length=128), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "delivery_id", name=op.f("pk_inbound_seen")),
    )
    with op.batch_alter_table("inbound_seen", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inbound_seen_seen_at"), ["seen_at"], unique=False)
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("version")
        batch_op.drop_column("recent_deliveries")
