"""Reading the catalog's change log: what a consumer such as the index sync has not seen yet."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import RowMapping, func, select
from sqlalchemy.orm import Session

from catalog.models.base import utcnow
from catalog.models.change_log import ItemDeletion, Sequence, SyncState
from catalog.models.items import Item, Sighting
from catalog.models.sources import Community, Source
from catalog.sequences import ITEM_CHANGES, current_value


def get_watermark(session: Session, name: str) -> int:
    state = session.get(SyncState, name)
    return state.watermark if state else 0


def set_watermark(
    session: Session, name: str, watermark: int, error: str | None = None, force: bool = False
) -> None:
    """Advance the watermark (never backwards, unless `force`: a rebuilt index starts afresh)."""
    state = session.get(SyncState, name)
    if state is None:
        state = SyncState(name=name, watermark=0)
        session.add(state)
    state.watermark = watermark if force else max(state.watermark, watermark)
    state.last_run_at = utcnow()
    state.last_error = error


@dataclass(frozen=True)
class SightingRow:
    source_id: int
    access: str
    community_slug: str
    community_name: str
    first_seen: datetime


@dataclass(frozen=True)
class ChangedItem:
    """An item's columns (as a mapping) and where it was seen, read without the ORM: the sync
    reads hundreds of thousands of these and object loading would cost more than indexing."""

    row: RowMapping
    sightings: list[SightingRow]


def changed_items(
    session: Session, watermark: int, upto: int, batch_size: int = 1000
) -> Iterator[list[ChangedItem]]:
    """Items whose last change is in (watermark, upto], oldest change first, in batches."""
    items = Item.__table__
    cursor: tuple[int, str] | None = None
    while True:
        query = select(items).where(items.c.change_seq > watermark, items.c.change_seq <= upto)
        if cursor is not None:
            query = query.where(
                (items.c.change_seq > cursor[0])
                | ((items.c.change_seq == cursor[0]) & (items.c.id > cursor[1]))
            )
        rows = (
            session.execute(query.order_by(items.c.change_seq, items.c.id).limit(batch_size))
            .mappings()
            .all()
        )
        if not rows:
            return
        sightings = _sightings_of(session, [row["id"] for row in rows])
        yield [ChangedItem(row, sightings.get(row["id"], [])) for row in rows]
        cursor = (rows[-1]["change_seq"], rows[-1]["id"])


def _sightings_of(session: Session, item_ids: list[str]) -> dict[str, list[SightingRow]]:
    query = (
        select(
            Sighting.item_id,
            Sighting.source_id,
            Source.access,
            Community.slug,
            Community.name,
            Sighting.first_seen,
        )
        .join(Source, Source.id == Sighting.source_id)
        .join(Community, Community.id == Source.community_id)
        .where(Sighting.item_id.in_(item_ids))
    )
    found: dict[str, list[SightingRow]] = {}
    for item_id, source_id, access, slug, name, first_seen in session.execute(query):
        found.setdefault(item_id, []).append(SightingRow(source_id, access, slug, name, first_seen))
    return found


def pending_changes(session: Session, name: str) -> tuple[int, int, int]:
    """(watermark, newest change, items waiting) for a consumer of the change log."""
    watermark = get_watermark(session, name)
    newest = current_value(session)
    waiting = (
        session.scalar(select(func.count()).select_from(Item).where(Item.change_seq > watermark))
        or 0
    )
    return watermark, newest, int(waiting)


def mark_index_errors(session: Session, errors: dict[str, str]) -> None:
    for item_id, reason in errors.items():
        item = session.get(Item, item_id)
        if item is not None:
            item.index_error = reason[:2000]


def deletions_since(session: Session, watermark: int, upto: int) -> list[str]:
    """Ids of items deleted with a change number in (watermark, upto]."""
    return list(
        session.scalars(
            select(ItemDeletion.item_id)
            .where(ItemDeletion.change_seq > watermark, ItemDeletion.change_seq <= upto)
            .order_by(ItemDeletion.change_seq)
        )
    )


def count_items(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Item)) or 0)


def count_changes_since(session: Session, after: int) -> int:
    items = session.scalar(select(func.count()).select_from(Item).where(Item.change_seq > after))
    gone = session.scalar(
        select(func.count()).select_from(ItemDeletion).where(ItemDeletion.change_seq > after)
    )
    return int(items or 0) + int(gone or 0)


def catalog_snapshot(session: Session) -> tuple[int, int]:
    """(newest change number, number of items) from one statement, so from one snapshot."""
    newest = select(Sequence.value).where(Sequence.name == ITEM_CHANGES).scalar_subquery()
    items = select(func.count()).select_from(Item).scalar_subquery()
    row = session.execute(select(newest, items)).one()
    return int(row[0] or 0), int(row[1] or 0)
