"""The change log's own tables: its counters, tombstones of deleted items, consumers' progress."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalog.models.base import Base, utcnow


class Sequence(Base):
    """Counters handed out inside write transactions; the row lock orders concurrent writers."""

    __tablename__ = "sequences"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class SyncState(Base):
    """How far a consumer of the change log (the index sync) has got."""

    __tablename__ = "sync_state"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    watermark: Mapped[int] = mapped_column(BigInteger, default=0)
    last_run_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    # A lease so that one sync or rebuild runs at a time: who holds it and until when.
    locked_by: Mapped[str | None] = mapped_column(String(200), default=None)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)


class ItemDeletion(Base):
    """A tombstone in the change log: the item was deleted from the catalog."""

    __tablename__ = "item_deletions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[str] = mapped_column(String(64))
    change_seq: Mapped[int] = mapped_column(BigInteger, index=True)
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow)
