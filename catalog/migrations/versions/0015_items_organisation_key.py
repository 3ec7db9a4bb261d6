"""items keep their organisation key

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 01:45:00

Items' keys were computed only as they were indexed; now the catalog keeps them, like people's.
The existing rows are keyed here, one UPDATE per distinct organisation name, with the admins'
merges and splits (catalog.organisation_overrides): a few thousand names even for a large
catalog.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from catalog.organisation_overrides import load_resolver

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "items",
        sa.Column("organisation_key", sa.String(length=200), nullable=False, server_default=""),
    )
    op.create_index("ix_items_organisation_key", "items", ["organisation_key"])
    _key_existing_items()


def _key_existing_items() -> None:
    # The rules as they are when this runs; a later change of them is applied by `mutual
    # reindex` (catalog.organisation_overrides.rekey_catalog).
    session = Session(bind=op.get_bind())
    resolver = load_resolver(session)
    items = sa.table("items", sa.column("organisation"), sa.column("organisation_key"))
    names = session.execute(sa.select(items.c.organisation).distinct()).scalars().all()
    for name in names:
        key = resolver.key(name)
        if key:
            session.execute(
                sa.update(items).where(items.c.organisation == name).values(organisation_key=key)
            )


def downgrade() -> None:
    op.drop_index("ix_items_organisation_key", table_name="items")
    with op.batch_alter_table("items") as batch:
        batch.drop_column("organisation_key")
