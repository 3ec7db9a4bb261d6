"""worker leases on sources: claimed_by, claimed_until

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 05:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import catalog.models.base


revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column(
                "claimed_until", catalog.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.create_index(batch_op.f("ix_sources_claimed_by"), ["claimed_by"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sources_claimed_by"))
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("claimed_by")
