"""How far the index is behind the catalog: what the operator page shows as sync lag."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.models.change_log import ItemDeletion, SyncState
from catalog.models.items import Item


@dataclass(frozen=True)
class SyncLag:
    """Changes (edits and deletions) the index has not taken in yet, and the last sync run."""

    items_waiting: int
    deletions_waiting: int
    oldest_waiting: datetime | None
    last_sync: datetime | None
    last_error: str | None

    @property
    def waiting(self) -> int:
        return self.items_waiting + self.deletions_waiting


def read_sync_lag(session: Session, name: str) -> SyncLag:
    """The lag of the change-log consumer `name` (the index sync's state row)."""
    state = session.get(SyncState, name)
    watermark = state.watermark if state else 0
    items = session.execute(
        select(func.count(), func.min(Item.changed_at)).where(Item.change_seq > watermark)
    ).one()
    deletions = session.execute(
        select(func.count(), func.min(ItemDeletion.deleted_at)).where(
            ItemDeletion.change_seq > watermark
        )
    ).one()
    oldest = [when for when in (items[1], deletions[1]) if when is not None]
    return SyncLag(
        items_waiting=int(items[0] or 0),
        deletions_waiting=int(deletions[0] or 0),
        oldest_waiting=min(oldest) if oldest else None,
        last_sync=state.last_run_at if state else None,
        last_error=state.last_error if state else None,
    )
