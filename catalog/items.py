"""Writing crawled items into the catalog, once each however often and wherever they are seen."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from catalog.models import Item, ItemDeletion, Sighting, Source, utcnow
from catalog.records import ParsedItem
from catalog.sequences import next_value


@dataclass
class StoreReport:
    new: int = 0
    changed: int = 0
    unchanged: int = 0


def item_id_for(canonical_url: str) -> str:
    """A stable id: the same posting gets the same id in every community and every crawl."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:40]


def content_hash(parsed: ParsedItem) -> str:
    fields = [
        parsed.kind,
        parsed.title,
        parsed.summary,
        parsed.body,
        parsed.url,
        parsed.organisation,
        parsed.location,
        parsed.published_at.isoformat() if parsed.published_at else "",
        list(parsed.tags),
        parsed.details,
    ]
    encoded = json.dumps(fields, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def store_items(session: Session, source: Source, parsed_items: list[ParsedItem]) -> StoreReport:
    """Insert new items, update changed ones, record the sighting, and log every change."""
    by_id = _unique_by_id(parsed_items)
    existing = {
        item.id: item
        for item in session.scalars(
            select(Item).where(Item.id.in_(by_id)).options(selectinload(Item.sightings))
        )
    }
    report = StoreReport()
    changed: dict[str, Item] = {}
    now = utcnow()
    for item_id, parsed in by_id.items():
        item = existing.get(item_id)
        if item is None:
            item = _new_item(item_id, parsed, source)
            session.add(item)
            report.new += 1
            changed[item_id] = item
        elif item.content_source_id in (source.id, None) and _apply_changes(item, parsed, source):
            report.changed += 1
            changed[item_id] = item
        else:
            report.unchanged += 1
        item.last_seen = now
        if _record_sighting(item, source, now):
            changed[item_id] = item
    if changed:
        seq = next_value(session)
        for item in changed.values():
            item.change_seq = seq
            item.changed_at = now
            item.index_error = None
    session.flush()
    return report


def _unique_by_id(parsed_items: list[ParsedItem]) -> dict[str, ParsedItem]:
    unique: dict[str, ParsedItem] = {}
    for parsed in parsed_items:
        unique.setdefault(item_id_for(parsed.key or parsed.url), parsed)
    return unique


def _new_item(item_id: str, parsed: ParsedItem, source: Source) -> Item:
    item = Item(id=item_id, change_seq=0, sightings=[])
    _copy_fields(item, parsed, source)
    return item


def _copy_fields(item: Item, parsed: ParsedItem, source: Source, digest: str = "") -> None:
    item.content_source_id = source.id
    item.kind = parsed.kind
    item.title = parsed.title
    item.summary = parsed.summary
    item.body = parsed.body
    item.url = parsed.url
    item.organisation = parsed.organisation
    item.location = parsed.location
    item.published_at = parsed.published_at
    item.tags = list(parsed.tags)
    item.details = dict(parsed.details)
    item.content_hash = digest or content_hash(parsed)


def _apply_changes(item: Item, parsed: ParsedItem, source: Source) -> bool:
    digest = content_hash(parsed)
    if item.content_hash == digest:
        return False
    _copy_fields(item, parsed, source, digest)
    return True


def _record_sighting(item: Item, source: Source, now: datetime) -> bool:
    """Note that `source` carried `item`; True when this source had not carried it before."""
    for sighting in item.sightings:
        if sighting.source_id == source.id:
            sighting.last_seen = now
            return False
    item.sightings.append(
        Sighting(source_id=source.id, source=source, first_seen=now, last_seen=now)
    )
    return True


def delete_items(session: Session, item_ids: list[str]) -> int:
    """Remove items from the catalog, leaving tombstones so the index forgets them too."""
    items = list(session.scalars(select(Item).where(Item.id.in_(item_ids))))
    if not items:
        return 0
    seq = next_value(session)
    for item in items:
        session.add(ItemDeletion(item_id=item.id, change_seq=seq))
        session.delete(item)
    session.flush()
    return len(items)


ITEM_STATUSES = ("active", "expired", "cancelled", "removed")


def set_status(session: Session, item_ids: list[str], status: str) -> int:
    """Mark items expired, cancelled, removed or active again; the sync carries it to the index."""
    if status not in ITEM_STATUSES:
        raise ValueError(f"unknown status {status!r}")
    items = [
        item
        for item in session.scalars(select(Item).where(Item.id.in_(item_ids)))
        if item.status != status
    ]
    if items:
        seq = next_value(session)
        for item in items:
            item.status, item.change_seq, item.changed_at = status, seq, utcnow()
    session.flush()
    return len(items)
