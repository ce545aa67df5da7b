"""The staff console (`welcomebot console`): one-time sign-in codes and links (hashed),
sessions, and failed sign-ins for the rate limit.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "console_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name=op.f("fk_console_codes_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_codes")),
        sa.UniqueConstraint("digest", name=op.f("uq_console_codes_digest")),
    )
    op.create_index(op.f("ix_console_codes_person_id"), "console_codes", ["person_id"])
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name=op.f("fk_console_sessions_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_sessions")),
        sa.UniqueConstraint("digest", name=op.f("uq_console_sessions_digest")),
    )
    op.create_index(op.f("ix_console_sessions_person_id"), "console_sessions", ["person_id"])
    op.create_table(
        "console_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_attempts")),
    )
    op.create_index(op.f("ix_console_attempts_at"), "console_attempts", ["at"])
    op.create_index(op.f("ix_console_attempts_who"), "console_attempts", ["who"])
    op.create_index(op.f("ix_console_attempts_address"), "console_attempts", ["address"])


def downgrade() -> None:
    op.drop_table("console_attempts")
    op.drop_table("console_sessions")
    op.drop_table("console_codes")
