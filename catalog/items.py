"""Writing crawled items into the catalog, once each however often and wherever they are seen."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from catalog.duplicates import Fingerprint, dedupe_block, fingerprint, same_posting
from catalog.item_keys import content_hash, copy_key, item_id_for
from catalog.models.base import utcnow
from catalog.models.change_log import ItemDeletion
from catalog.models.items import Item, ItemAlias, Sighting
from catalog.models.sources import Source
from catalog.organisation_overrides import load_resolver
from catalog.records import ParsedItem
from catalog.sequences import next_value


@dataclass
class StoreReport:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    merged: int = 0  # copies matched to an item first published under another URL or id
    taken_down: int = 0  # items missing from two complete listings in a row


def store_items(
    session: Session,
    source: Source,
    parsed_items: list[ParsedItem],
    *,
    complete: bool = False,
    now: datetime | None = None,
) -> StoreReport:
    """Insert new items, update changed ones, record the sighting, and log every change.

    Each parsed item is matched to the catalog by its own id, then by an alias (the publisher's
    id, or a copy matched before), then as a near duplicate. When `complete`, the items of this
    source missing from the listing are counted as missed, and taken down after two misses.
    """
    now = now or utcnow()
    resolver = load_resolver(session, with_known=True)  # before any new row joins
    by_id = _unique_by_id(parsed_items, source)
    matched = match_items(session, by_id, source)
    report = StoreReport()
    changed: dict[str, Item] = {}
    aliases: dict[str, str] = {}
    for own_id, parsed in by_id.items():
        item = matched.get(own_id)
        if item is None:
            item = _new_item(own_id, parsed, source, now)
            session.add(item)
            report.new += 1
            changed[item.id] = item
        else:
            report.merged += item.id != own_id
            if _update_item(item, parsed, source, now):
                report.changed += 1
                changed[item.id] = item
            else:
                report.unchanged += 1
        for alias in (own_id, _external_alias(parsed, source)):
            if alias and alias != item.id:
                aliases[alias] = item.id
        item.last_seen = now
        if _record_sighting(item, source, now):
            changed[item.id] = item
        if item.status == "removed":  # listed again, by whichever source
            item.status = "active"
            changed[item.id] = item
    if complete:
        listed = {item.id for item in changed.values()} | {m.id for m in matched.values()}
        oldest = min((p.published_at for p in by_id.values() if p.published_at), default=None)
        report.taken_down = _count_misses(session, source, listed, changed, oldest)
    _save_aliases(session, aliases)
    for item in changed.values():
        item.organisation_key = resolver.key(item.organisation)
    _log_changes(session, changed.values(), now)
    return report


def _log_changes(session: Session, items: Iterable[Item], now: datetime) -> None:
    """Give every changed item the next position in the change log, for the index sync."""
    items = list(items)
    if items:
        seq = next_value(session)
        for item in items:
            item.change_seq = seq
            item.changed_at = now
            item.index_error = None
    session.flush()


def _unique_by_id(parsed_items: list[ParsedItem], source: Source) -> dict[str, ParsedItem]:
    unique: dict[str, ParsedItem] = {}
    for parsed in parsed_items:
        unique.setdefault(item_id_for(copy_key(source, parsed.key or parsed.url)), parsed)
    return unique


def _external_alias(parsed: ParsedItem, source: Source) -> str | None:
    external = parsed.details.get("external_id")
    return item_id_for(copy_key(source, f"external:{external}")) if external else None


def match_items(session: Session, by_id: dict[str, ParsedItem], source: Source) -> dict[str, Item]:
    """The catalog item each parsed item is (by id, alias or near duplicate), when there is one."""
    external = {own: alias for own, p in by_id.items() if (alias := _external_alias(p, source))}
    keys = set(by_id) | set(external.values())
    rows = session.execute(
        select(ItemAlias.alias, ItemAlias.item_id).where(ItemAlias.alias.in_(keys))
    )
    aliases: dict[str, str] = {alias: item_id for alias, item_id in rows}
    wanted = set(by_id) | set(aliases.values())
    items = {
        item.id: item
        for item in session.scalars(
            select(Item).where(Item.id.in_(wanted)).options(selectinload(Item.sightings))
        )
    }
    found: dict[str, Item | None] = {}
    for own in by_id:
        candidates = (own, aliases.get(own), aliases.get(external.get(own, "")))
        found[own] = next((items[c] for c in candidates if c and c in items), None)
    unmatched = {own: by_id[own] for own, item in found.items() if item is None}
    if source.access == "public":  # a member-only copy never joins, nor is joined by, another
        found.update(_near_duplicates(session, unmatched, source))
    return {own: item for own, item in found.items() if item is not None}


def _near_duplicates(
    session: Session, unmatched: dict[str, ParsedItem], source: Source
) -> dict[str, Item]:
    """Items already in the catalog that unmatched parsed items are reworded copies of.

    Only the candidates' ids and fingerprints are read (a block may hold hundreds of an
    employer's postings); whole items are loaded for the matches alone.
    """
    blocks = {own: dedupe_block(p) for own, p in unmatched.items()}
    wanted = {b for b in blocks.values() if b}
    if not wanted:
        return {}
    candidates: dict[str, list[tuple[str, Fingerprint]]] = {}
    # Candidates: active, owned by a public source, and not already carried by this source
    # (a board's two openings with one title are two jobs, not a copy).
    query = (
        select(Item.id, Item.dedupe_block, Item.fingerprint)
        .join(Source, Source.id == Item.content_source_id)
        .where(
            Item.dedupe_block.in_(wanted),
            Item.status == "active",
            Source.access == "public",
            ~Item.sightings.any(Sighting.source_id == source.id),
        )
    )
    for item_id, block, data in session.execute(query):
        candidates.setdefault(block, []).append((item_id, Fingerprint.from_json(data)))
    matches: dict[str, str] = {}
    for own, block in blocks.items():
        mine = fingerprint(unmatched[own])
        for item_id, theirs in candidates.get(block, []):
            if same_posting(mine, theirs):
                matches[own] = item_id
                break
    if not matches:
        return {}
    items = {
        item.id: item
        for item in session.scalars(
            select(Item)
            .where(Item.id.in_(set(matches.values())))
            .options(selectinload(Item.sightings))
        )
    }
    return {own: items[item_id] for own, item_id in matches.items()}


def _save_aliases(session: Session, aliases: dict[str, str]) -> None:
    """Remember copies' own ids and publishers' ids, so later crawls match them exactly."""
    if not aliases:
        return
    known = set(session.scalars(select(ItemAlias.alias).where(ItemAlias.alias.in_(aliases))))
    session.add_all(
        ItemAlias(alias=alias, item_id=item_id)
        for alias, item_id in aliases.items()
        if alias not in known
    )


def _new_item(item_id: str, parsed: ParsedItem, source: Source, now: datetime) -> Item:
    item = Item(id=item_id, change_seq=0, sightings=[], first_seen=now)
    _copy_fields(item, parsed, source, now)
    return item


def _copy_fields(
    item: Item, parsed: ParsedItem, source: Source, now: datetime, digest: str = ""
) -> None:
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
    item.expires_at = expiry_of(parsed)
    item.status = status_of(parsed, item.expires_at, now)
    item.dedupe_block = dedupe_block(parsed)
    item.fingerprint = fingerprint(parsed).to_json()


def _update_item(item: Item, parsed: ParsedItem, source: Source, now: datetime) -> bool:
    """Take this source's version when it owns the item's content; True when anything changed."""
    if item.content_source_id not in (source.id, None):
        return False
    digest = content_hash(parsed)
    if item.content_hash != digest:
        _copy_fields(item, parsed, source, now, digest)
        return True
    status = status_of(parsed, item.expires_at, now)
    if item.status != status:  # back in a listing after being taken down, or newly expired
        item.status = status
        return True
    return False


def expiry_of(parsed: ParsedItem) -> datetime | None:
    """When a posting closes (validThrough) or an event ends; None when nobody said."""
    event = parsed.details.get("event") or {}
    # An event with no end is taken to last the day it starts.
    candidates = (
        (parsed.details.get("valid_through"), timedelta(0)),
        (event.get("end"), timedelta(0)),
        (event.get("start"), timedelta(days=1)),
    )
    for value, grace in candidates:
        if value:
            try:
                moment = datetime.fromisoformat(str(value))
            except ValueError:
                continue
            return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) + grace
    return None


def status_of(parsed: ParsedItem, expires_at: datetime | None, now: datetime) -> str:
    if parsed.status == "cancelled":
        return "cancelled"
    if expires_at is not None and expires_at < now:
        return "expired"
    return "active"


def _record_sighting(item: Item, source: Source, now: datetime) -> bool:
    """Note that `source` carried `item`; True when this source had not carried it before."""
    for sighting in item.sightings:
        if sighting.source_id == source.id:
            sighting.last_seen = now
            sighting.missed = 0
            return False
    item.sightings.append(
        Sighting(source_id=source.id, source=source, first_seen=now, last_seen=now)
    )
    return True


TAKE_DOWN_AFTER_MISSES = 2


def _count_misses(
    session: Session,
    source: Source,
    listed: set[str],
    changed: dict[str, Item],
    oldest_listed: datetime | None,
) -> int:
    """Count a miss for each of the source's items not in its complete listing; an item that
    every source has missed twice in a row was taken down and leaves the default search.

    Items published before the listing's oldest entry are not counted: many feeds show only
    their latest entries, and an older one scrolling off is not one taken down.
    """
    query = select(Sighting).where(Sighting.source_id == source.id, Sighting.item_id.not_in(listed))
    if oldest_listed is not None:
        older = select(Item.id).where(Item.published_at < oldest_listed)
        query = query.where(Sighting.item_id.not_in(older))
    return _miss(session, query, changed)


def count_unchanged_listing(session: Session, source: Source) -> int:
    """A 304 Not Modified repeats the last listing: the items it lacked are missed again."""
    changed: dict[str, Item] = {}
    query = select(Sighting).where(Sighting.source_id == source.id, Sighting.missed > 0)
    taken_down = _miss(session, query, changed)
    _log_changes(session, changed.values(), utcnow())
    return taken_down


def _miss(session: Session, query: Select[Any], changed: dict[str, Item]) -> int:
    missing = session.scalars(
        query.options(selectinload(Sighting.item).selectinload(Item.sightings))
    )
    taken_down = 0
    for sighting in missing:
        sighting.missed += 1
        item = sighting.item
        gone = all(s.missed >= TAKE_DOWN_AFTER_MISSES for s in item.sightings)
        if gone and item.status == "active":
            item.status = "removed"
            changed[item.id] = item
            taken_down += 1
    return taken_down


def expire_items(session: Session, now: datetime | None = None) -> int:
    """Mark active items whose closing date or event end has passed as expired."""
    now = now or utcnow()
    items = list(
        session.scalars(select(Item).where(Item.status == "active", Item.expires_at < now))
    )
    for item in items:
        item.status = "expired"
    _log_changes(session, items, now)
    return len(items)


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
