"""introductions

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 22:35:55.318739
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import catalog.models.base


revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "introduction_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("blocker_user_id", sa.Integer(), nullable=False),
        sa.Column("blocked_user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", catalog.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["blocked_user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["blocker_user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("blocker_user_id", "blocked_user_id"),
    )
    with op.batch_alter_table("introduction_blocks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_introduction_blocks_blocked_user_id"), ["blocked_user_id"], unique=False
        )

    op.create_table(
        "introduction_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asker_user_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("recipient_user_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", catalog.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", catalog.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["asker_user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recipient_user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("introduction_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_introduction_requests_asker_created", ["asker_user_id", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_introduction_requests_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_introduction_requests_recipient_user_id"),
            ["recipient_user_id"],
            unique=False,
        )

    op.create_table(
        "introduction_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_user_id", sa.Integer(), nullable=False),
        sa.Column("reported_user_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", catalog.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["reported_user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reporter_user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["request_id"], ["introduction_requests.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("introduction_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_introduction_reports_reported_user_id"),
            ["reported_user_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("introduction_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_introduction_reports_reported_user_id"))

    op.drop_table("introduction_reports")
    with op.batch_alter_table("introduction_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_introduction_requests_recipient_user_id"))
        batch_op.drop_index(batch_op.f("ix_introduction_requests_person_id"))
        batch_op.drop_index("ix_introduction_requests_asker_created")

    op.drop_table("introduction_requests")
    with op.batch_alter_table("introduction_blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_introduction_blocks_blocked_user_id"))

    op.drop_table("introduction_blocks")
