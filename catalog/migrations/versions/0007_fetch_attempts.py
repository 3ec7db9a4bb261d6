"""crawl history: fetch_attempts

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 07:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import catalog.models.base


revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fetch_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("started_at", catalog.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", catalog.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("items_new", sa.Integer(), nullable=True),
        sa.Column("items_updated", sa.Integer(), nullable=True),
        sa.Column("items_unchanged", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("fetch_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_fetch_attempts_source_id_id", ["source_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("fetch_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_fetch_attempts_source_id_id")
    op.drop_table("fetch_attempts")
