"""The audit log of staff actions and erasures; questions without an answer belong to the
person who asked (so /delete and retention erase them). Questions kept before this had no
owner and no consent check: they are erased.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(length=120), nullable=False),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=120), nullable=True),
        sa.Column("detail", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index(op.f("ix_audit_log_who"), "audit_log", ["who"])
    op.create_index(op.f("ix_audit_log_action"), "audit_log", ["action"])
    op.create_index(op.f("ix_audit_log_target"), "audit_log", ["target"])
    op.execute("DELETE FROM faq_gaps")
    with op.batch_alter_table("faq_gaps") as batch:
        batch.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_faq_gaps_person_id"), ["person_id"])
        batch.create_foreign_key(batch.f("fk_faq_gaps_person_id_people"), "people",
                                 ["person_id"], ["id"], ondelete="CASCADE")


def downgrade() -> None:
    with op.batch_alter_table("faq_gaps") as batch:
        batch.drop_constraint(batch.f("fk_faq_gaps_person_id_people"), type_="foreignkey")
        batch.drop_index(batch.f("ix_faq_gaps_person_id"))
        batch.drop_column("person_id")
    op.drop_table("audit_log")
