"""inbound deliveries seen

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('inbound_seen',
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('delivery_id', sa.String(length=128), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'delivery_id', name=op.f('pk_inbound_seen'))
    )
    with op.batch_alter_table('inbound_seen', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_seen_seen_at'), ['seen_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inbound_seen', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_seen_seen_at'))

    op.drop_table('inbound_seen')
