"""Several processes on one database: chores done once for all (housekeeping, matching
rounds), the flood limit per person and what replies did to a platform's limits, shared
(UNLOGGED on PostgreSQL: nothing in them must survive a crash).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-09
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    unlogged = ["UNLOGGED"] if op.get_bind().dialect.name == "postgresql" else []
    op.create_table(
        "chores",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_chores")),
    )
    op.create_table(
        "flood_marks",
        sa.Column("who", sa.String(length=100), nullable=False),
        sa.Column("tokens", sa.Double(), nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.Column("verdict", sa.String(length=5), nullable=False),
        sa.PrimaryKeyConstraint("who", name=op.f("pk_flood_marks")),
        prefixes=unlogged,
    )
    op.create_table(
        "pace_marks",
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("chat", sa.String(length=64), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.Column("held_until", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("channel", "chat", name=op.f("pk_pace_marks")),
        prefixes=unlogged,
    )


def downgrade() -> None:
    op.drop_table("pace_marks")
    op.drop_table("flood_marks")
    op.drop_table("chores")
