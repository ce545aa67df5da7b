"""Talk to a person: handoff cases to the Welcome Center's staff, their messages (original and
translation), and interpreter requests.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handoff_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("lang", sa.String(length=5), nullable=True),
        sa.Column("topic", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_answer_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="SET NULL",
                                name=op.f("fk_handoff_cases_person_id_people")),
        sa.ForeignKeyConstraint(["staff_id"], ["people.id"], ondelete="SET NULL",
                                name=op.f("fk_handoff_cases_staff_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_cases")),
    )
    op.create_index(op.f("ix_handoff_cases_person_id"), "handoff_cases", ["person_id"])
    op.create_index(op.f("ix_handoff_cases_staff_id"), "handoff_cases", ["staff_id"])
    op.create_index("ix_handoff_cases_status", "handoff_cases", ["status", "last_at"])
    op.create_table(
        "handoff_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=10), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=4000), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("translation", sa.String(length=8000), nullable=True),
        sa.Column("translated_to", sa.String(length=5), nullable=True),
        sa.Column("machine", sa.Boolean(), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["handoff_cases.id"], ondelete="CASCADE",
                                name=op.f("fk_handoff_messages_case_id_handoff_cases")),
        sa.ForeignKeyConstraint(["staff_id"], ["people.id"], ondelete="SET NULL",
                                name=op.f("fk_handoff_messages_staff_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_messages")),
    )
    op.create_index("ix_handoff_messages_case", "handoff_messages", ["case_id", "id"])
    op.create_table(
        "interpreter_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("wanted_on", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["handoff_cases.id"], ondelete="CASCADE",
                                name=op.f("fk_interpreter_requests_case_id_handoff_cases")),
        sa.ForeignKeyConstraint(["staff_id"], ["people.id"], ondelete="SET NULL",
                                name=op.f("fk_interpreter_requests_staff_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interpreter_requests")),
    )
    op.create_index(op.f("ix_interpreter_requests_case_id"), "interpreter_requests",
                    ["case_id"])


def downgrade() -> None:
    op.drop_table("interpreter_requests")
    op.drop_table("handoff_messages")
    op.drop_table("handoff_cases")
