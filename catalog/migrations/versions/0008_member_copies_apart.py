"""member-only copies apart: forget items that mixed a member-only copy with others

Until 0.x a member-only copy of a URL and a public copy were one item, so a members' note could
show on the public item and a private community in its "seen in". From this revision a
member-only copy is its own item (catalog.items.copy_key). The ids of old member-only items
cannot be recomputed here (some derive from a feed entry's id, which the catalog does not keep),
so this migration forgets, with a tombstone the index sync acts on:

- every item whose stored text came from a member-only source (or from a source since removed)
  while it carried a member-only sighting;

and, from every other item, removes the member-only sightings. Each source that carried any of
them is made due at once, with its validators cleared, so the next crawl (`mutual crawl --all`,
or the worker within a minute) stores every copy again under its new key. Saved searches may
announce a recreated member-only item once more; the CHANGELOG says so.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 19:00:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from catalog.models.base import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCES = sa.table(
    "sources",
    sa.column("id", sa.Integer),
    sa.column("access", sa.String),
    sa.column("etag", sa.String),
    sa.column("last_modified", sa.String),
    sa.column("next_fetch_at", UTCDateTime),
)
ITEMS = sa.table(
    "items",
    sa.column("id", sa.String),
    sa.column("content_source_id", sa.Integer),
    sa.column("change_seq", sa.BigInteger),
)
SIGHTINGS = sa.table(
    "sightings", sa.column("item_id", sa.String), sa.column("source_id", sa.Integer)
)
ALIASES = sa.table("item_aliases", sa.column("item_id", sa.String))
DELETIONS = sa.table(
    "item_deletions",
    sa.column("item_id", sa.String),
    sa.column("change_seq", sa.BigInteger),
    sa.column("deleted_at", UTCDateTime),
)
COUNTERS = sa.table("sequences", sa.column("name", sa.String), sa.column("value", sa.BigInteger))


def upgrade() -> None:
    bind = op.get_bind()
    members = sa.select(SOURCES.c.id).where(SOURCES.c.access == "members")
    mixed = set(
        bind.scalars(sa.select(SIGHTINGS.c.item_id).where(SIGHTINGS.c.source_id.in_(members)))
    )
    if not mixed:
        return
    involved = sa.select(SIGHTINGS.c.source_id).where(SIGHTINGS.c.item_id.in_(mixed))
    bind.execute(
        sa.update(SOURCES)
        .where(SOURCES.c.id.in_(involved))
        .values(etag=None, last_modified=None, next_fetch_at=None)
    )
    public_content = sa.select(SOURCES.c.id).where(SOURCES.c.access == "public")
    forgotten = set(
        bind.scalars(
            sa.select(ITEMS.c.id).where(
                ITEMS.c.id.in_(mixed),
                sa.or_(
                    ITEMS.c.content_source_id.is_(None),
                    ITEMS.c.content_source_id.not_in(public_content),
                ),
            )
        )
    )
    seq = _next_change(bind)
    bind.execute(
        sa.delete(SIGHTINGS).where(
            SIGHTINGS.c.item_id.in_(mixed), SIGHTINGS.c.source_id.in_(members)
        )
    )
    kept = mixed - forgotten
    if kept:  # public text, public sightings left: sent to the index again without the members'
        bind.execute(sa.update(ITEMS).where(ITEMS.c.id.in_(kept)).values(change_seq=seq))
    if forgotten:
        now = datetime.now(UTC)
        bind.execute(
            sa.insert(DELETIONS),
            [{"item_id": item, "change_seq": seq, "deleted_at": now} for item in sorted(forgotten)],
        )
        bind.execute(sa.delete(SIGHTINGS).where(SIGHTINGS.c.item_id.in_(forgotten)))
        bind.execute(sa.delete(ALIASES).where(ALIASES.c.item_id.in_(forgotten)))
        bind.execute(sa.delete(ITEMS).where(ITEMS.c.id.in_(forgotten)))


def _next_change(bind: sa.Connection) -> int:
    """The change log's next position (catalog.sequences.next_value, without the ORM)."""
    name = COUNTERS.c.name == "item_changes"
    current = bind.scalar(sa.select(COUNTERS.c.value).where(name))
    if current is None:
        bind.execute(sa.insert(COUNTERS).values(name="item_changes", value=1))
        return 1
    bind.execute(sa.update(COUNTERS).where(name).values(value=current + 1))
    return int(current) + 1


def downgrade() -> None:
    """Nothing to undo: the forgotten items come back, under their new keys, on the next crawl."""
