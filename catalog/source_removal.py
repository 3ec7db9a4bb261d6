"""Removing a source from a community, and what it alone carried from the catalog and the index.

An item only this source carried is deleted with a tombstone, so the next `mutual index` drops
it from Elasticsearch. An item other sources carry too loses this source's sighting and gets a
new change number, so its communities, visibility and source ids are indexed again without it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from catalog.directory_pages import remove_source_directory
from catalog.items import delete_items
from catalog.models.base import utcnow
from catalog.models.items import Item, Sighting
from catalog.models.sources import Source
from catalog.sequences import next_value


@dataclass(frozen=True)
class SourceRemoved:
    source_id: int
    url: str
    community_slug: str
    items_deleted: int
    items_updated: int


def remove_source(session: Session, source: Source) -> SourceRemoved:
    """Delete `source`, its sightings, and the items no other source carries."""
    items = list(
        session.scalars(
            select(Item)
            .join(Sighting, Sighting.item_id == Item.id)
            .where(Sighting.source_id == source.id)
            .options(selectinload(Item.sightings))
        )
    )
    alone = [item.id for item in items if _only_seen_by(item, source.id)]
    shared = [item for item in items if not _only_seen_by(item, source.id)]
    _drop_sightings(session, shared, source.id)
    deleted = delete_items(session, alone)
    report = SourceRemoved(source.id, source.url, source.community.slug, deleted, len(shared))
    remove_source_directory(session, source)  # a directory page's people go with it
    session.delete(source)
    session.flush()
    return report


def _only_seen_by(item: Item, source_id: int) -> bool:
    return all(sighting.source_id == source_id for sighting in item.sightings)


def _drop_sightings(session: Session, items: list[Item], source_id: int) -> None:
    """Forget that the source carried `items`, and log them as changed for the index sync."""
    if not items:
        return
    seq, now = next_value(session), utcnow()
    for item in items:
        item.sightings = [s for s in item.sightings if s.source_id != source_id]
        if item.content_source_id == source_id:
            # Whichever source lists it next may store its version.
            item.content_source_id = None
        item.change_seq, item.changed_at, item.index_error = seq, now, None
    session.flush()
