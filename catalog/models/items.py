"""Items, the sightings of them in sources, and the other identities of merged duplicates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.models.base import Base, utcnow
from catalog.models.sources import Source


class Item(Base):
    """One job, event or resource, however many communities carried it."""

    __tablename__ = "items"
    # The sync reads in (change_seq, id) order: one index range scan, no sort.
    __table_args__ = (Index("ix_items_change_seq_id", "change_seq", "id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(1000))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(2000))
    organisation: Mapped[str] = mapped_column(String(500), default="")
    # catalog/organisations.organisation_key of it, with the admins' merges and splits: what
    # fellow members' workplaces are matched on (set on every write, catalog/items.py).
    organisation_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    location: Mapped[str] = mapped_column(String(500), default="")
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(20), default="active")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The source whose version of the item is stored; other sources only add sightings, so two
    # communities describing one posting differently do not overwrite each other on every crawl.
    content_source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL"), default=None
    )
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Position in the catalog's change log; the index sync reads everything above its watermark.
    change_seq: Mapped[int] = mapped_column(BigInteger)
    index_error: Mapped[str | None] = mapped_column(Text, default=None)
    # Kind-specific fields as the parsers found them (location parts, remote, employment type,
    # salary, event times and venue, author...); the index document picks the known keys.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # When the posting closes or the event ends; a sweep marks the item expired after it.
    expires_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    # Near-duplicate detection: items are compared only within one kind and organisation
    # (`dedupe_block`), on the word sets kept in `fingerprint`.
    dedupe_block: Mapped[str] = mapped_column(String(300), default="", index=True)
    fingerprint: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    sightings: Mapped[list[Sighting]] = relationship(
        back_populates="item", cascade="all, delete-orphan"
    )


class Sighting(Base):
    """That a source (and so its community) carried an item, and since when."""

    __tablename__ = "sightings"

    item_id: Mapped[str] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    # Complete listings of the source in a row that lacked the item; two mean it was taken down.
    missed: Mapped[int] = mapped_column(Integer, default=0)

    item: Mapped[Item] = relationship(back_populates="sightings")
    source: Mapped[Source] = relationship()


class ItemAlias(Base):
    """Another identity of an item: a duplicate copy's URL id, or the publisher's own id.

    Once a copy has been matched to an item (by its ATS id or as a near duplicate), the next
    crawl finds it here by exact key instead of comparing text again.
    """

    __tablename__ = "item_aliases"

    alias: Mapped[str] = mapped_column(String(64), primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
