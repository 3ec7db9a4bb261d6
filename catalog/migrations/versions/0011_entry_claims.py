"""entry claims

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 22:47:43.868140
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import catalog.models.base


revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entry_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", catalog.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", catalog.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", catalog.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("entry_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entry_claims_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            "ix_entry_claims_user_created", ["user_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("entry_claims", schema=None) as batch_op:
        batch_op.drop_index("ix_entry_claims_user_created")
        batch_op.drop_index(batch_op.f("ix_entry_claims_person_id"))

    op.drop_table("entry_claims")
