"""Welcome Buddies: volunteers, newcomers' requests, proposals and matches

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "buddy_volunteers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=40), nullable=False),
        sa.Column("contact", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("offers", sa.JSON(), nullable=False),
        sa.Column("times", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("gender", sa.String(length=12), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name=op.f("fk_buddy_volunteers_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buddy_volunteers")),
        sa.UniqueConstraint("person_id", name=op.f("uq_buddy_volunteers_person_id")),
    )
    op.create_table(
        "buddy_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=40), nullable=False),
        sa.Column("contact", sa.JSON(), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("times", sa.JSON(), nullable=False),
        sa.Column("wants", sa.String(length=12), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name=op.f("fk_buddy_requests_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buddy_requests")),
    )
    op.create_index("uq_buddy_requests_live", "buddy_requests", ["person_id"], unique=True,
                    sqlite_where=sa.text("status != 'closed'"),
                    postgresql_where=sa.text("status != 'closed'"))
    op.create_index("ix_buddy_requests_status", "buddy_requests", ["status"])
    op.create_table(
        "buddy_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("fit", sa.Double(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(length=12), nullable=True),
        sa.Column("checkin_volunteer", sa.String(length=12), nullable=True),
        sa.Column("checkin_newcomer", sa.String(length=12), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["buddy_requests.id"], ondelete="CASCADE",
                                name=op.f("fk_buddy_matches_request_id_buddy_requests")),
        sa.ForeignKeyConstraint(["volunteer_id"], ["buddy_volunteers.id"], ondelete="CASCADE",
                                name=op.f("fk_buddy_matches_volunteer_id_buddy_volunteers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buddy_matches")),
    )
    op.create_index("ix_buddy_matches_request_status", "buddy_matches",
                    ["request_id", "status"])
    op.create_index("ix_buddy_matches_volunteer_status", "buddy_matches",
                    ["volunteer_id", "status"])
    op.create_index("ix_buddy_matches_status_due", "buddy_matches", ["status", "due_at"])


def downgrade() -> None:
    op.drop_table("buddy_matches")
    op.drop_index("ix_buddy_requests_status", table_name="buddy_requests")
    op.drop_index("uq_buddy_requests_live", table_name="buddy_requests")
    op.drop_table("buddy_requests")
    op.drop_table("buddy_volunteers")
