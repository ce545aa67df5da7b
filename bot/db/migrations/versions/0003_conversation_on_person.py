"""conversation state on the person's row

A turn now reads and writes one row instead of two (measured: the turn's database work
is most of its time on SQLite).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conversation", sa.JSON(), nullable=True))
    op.execute("UPDATE people SET conversation = (SELECT state FROM conversations "
               "WHERE conversations.person_id = people.id)")
    op.drop_table("conversations")


def downgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name=op.f("fk_conversations_person_id_people")),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_conversations")),
    )
    op.execute("INSERT INTO conversations (person_id, state, updated_at) "
               "SELECT id, conversation, last_seen_at FROM people "
               "WHERE conversation IS NOT NULL")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("conversation")
