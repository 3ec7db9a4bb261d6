"""`mutual reindex`: a fresh index built from the catalog, swapped in behind the alias atomically.

Searches never notice: until the swap the alias points at the old, complete index, and the swap is
one atomic alias update. The regular sync may keep writing to the old index meanwhile; the
rebuild catches up with everything changed while it ran, and does its last catch-up and the swap
holding the index lock, so no change falls between the two indices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch
from sqlalchemy.orm import Session, sessionmaker

from catalog.changes import (
    catalog_snapshot,
    count_changes_since,
    count_items,
    mark_index_errors,
    set_watermark,
)
from catalog.db import transaction
from catalog.locks import held
from catalog.sequences import current_value
from ground.errors import MutualError
from ground.settings import Settings
from indexer.bulk_load import ProgressCallback, load_changes
from indexer.mapping import current_index, index_template, live_mapping_hash, mapping_hash
from indexer.names import IndexNames

MAX_CATCH_UP_ROUNDS = 5
LOCK_WAIT_SECONDS = 600
# While loading: no replicas to copy to, and no refreshes to pay for (Warehouse does the same).
LOADING_SETTINGS = {"index": {"number_of_replicas": 0, "refresh_interval": "-1"}}


class RebuildFailed(MutualError):
    """The new index did not match the catalog; the live index was left as it was."""


@dataclass
class RebuildReport:
    old_index: str | None
    new_index: str
    documents: int
    catch_up_rounds: int
    removed_leftovers: list[str]
    errors: dict[str, str]
    old_kept: bool


@dataclass(frozen=True)
class MappingCheck:
    live_index: str | None
    live_hash: str | None
    code_hash: str

    @property
    def reindex_needed(self) -> bool:
        return self.live_index is not None and self.live_hash != self.code_hash


def check_mapping(client: Elasticsearch, settings: Settings) -> MappingCheck:
    names = IndexNames(settings.index_prefix)
    live = current_index(client, names)
    live_hash = live_mapping_hash(client, live) if live else None
    return MappingCheck(live, live_hash, mapping_hash())


def rebuild_index(
    client: Elasticsearch,
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    keep_old: bool = False,
    progress: ProgressCallback | None = None,
    on_total: ProgressCallback | None = None,
) -> RebuildReport:
    """Build a new index from the catalog and swap the alias to it; see the module docstring."""
    names = IndexNames(settings.index_prefix)
    client.indices.put_index_template(
        name=names.template, **index_template(names, settings.index_replicas)
    )
    old = current_index(client, names)
    leftovers = remove_leftovers(client, names, old)
    new = names.new_index()
    client.indices.create(index=new, settings=LOADING_SETTINGS)
    try:
        return _fill_and_swap(
            client,
            sessions,
            settings,
            names=names,
            old=old,
            new=new,
            leftovers=leftovers,
            keep_old=keep_old,
            progress=progress,
            on_total=on_total,
        )
    except BaseException:
        # Never leave a half-built index behind; the alias still points at the old one.
        client.options(ignore_status=404).indices.delete(index=new)
        raise


def remove_leftovers(client: Elasticsearch, names: IndexNames, live: str | None) -> list[str]:
    """Delete indices of ours that no alias points at: what an interrupted rebuild left."""
    existing = client.indices.get(index=names.pattern, allow_no_indices=True).body
    leftovers = sorted(name for name in existing if name != live)
    for name in leftovers:
        client.indices.delete(index=name)
    return leftovers


def _fill_and_swap(
    client: Elasticsearch,
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    names: IndexNames,
    old: str | None,
    new: str,
    leftovers: list[str],
    keep_old: bool,
    progress: ProgressCallback | None,
    on_total: ProgressCallback | None,
) -> RebuildReport:
    errors: dict[str, str] = {}
    loaded_upto, rounds = 0, 0
    # Catch up outside the lock while there is a lot to do, so the regular sync is not held up.
    while rounds < MAX_CATCH_UP_ROUNDS:
        upto = _newest_change(sessions)
        if upto == loaded_upto and rounds:
            break
        if on_total:
            on_total(_pending(sessions, loaded_upto) if rounds else _catalog_size(sessions))
        errors |= _load_range(client, sessions, settings, new, loaded_upto, upto, progress)
        loaded_upto, rounds = upto, rounds + 1
    # Wait for a running sync to finish: the last catch-up and the swap need the index to itself.
    with held(sessions, names.sync_state, "index sync or rebuild", wait=LOCK_WAIT_SECONDS):
        upto, documents = loaded_upto, -1
        for _ in range(MAX_CATCH_UP_ROUNDS):
            upto, expected = _snapshot(sessions)
            errors |= _load_range(client, sessions, settings, new, loaded_upto, upto, progress)
            loaded_upto = upto
            client.indices.refresh(index=new)
            documents = int(client.count(index=new)["count"])
            if documents + len(errors) == expected:
                break
        else:
            raise RebuildFailed(
                f"the new index has {documents} documents and {len(errors)} were rejected, "
                f"but the catalog has {expected} items; the live index is unchanged"
            )
        _restore_settings(client, settings, new)
        _swap_alias(client, names, old, new)
        with transaction(sessions) as session:
            mark_index_errors(session, errors)
            set_watermark(session, names.sync_state, upto, force=True)
    if old and not keep_old:
        client.options(ignore_status=404).indices.delete(index=old)
    return RebuildReport(old, new, documents, rounds + 1, leftovers, errors, bool(old and keep_old))


def _load_range(  # noqa: PLR0917 - a private helper called with the same six values each time
    client: Elasticsearch,
    sessions: sessionmaker[Session],
    settings: Settings,
    index: str,
    after: int,
    upto: int,
    progress: ProgressCallback | None,
) -> dict[str, str]:
    if upto <= after:
        return {}
    report = load_changes(
        client, sessions, settings, index=index, after=after, upto=upto, progress=progress
    )
    return report.errors


def _restore_settings(client: Elasticsearch, settings: Settings, index: str) -> None:
    restored: dict[str, Any] = {
        "index": {"number_of_replicas": settings.index_replicas, "refresh_interval": None}
    }
    client.indices.put_settings(index=index, settings=restored)


def _swap_alias(client: Elasticsearch, names: IndexNames, old: str | None, new: str) -> None:
    """One atomic alias update: readers see the old index, then the new, never neither."""
    actions: list[dict[str, Any]] = [
        {"add": {"index": new, "alias": names.alias, "is_write_index": True}}
    ]
    if old:
        actions.insert(0, {"remove": {"index": old, "alias": names.alias}})
    client.indices.update_aliases(actions=actions)


def _newest_change(sessions: sessionmaker[Session]) -> int:
    with transaction(sessions) as session:
        return current_value(session)


def _snapshot(sessions: sessionmaker[Session]) -> tuple[int, int]:
    """The newest change and the number of items, read in one statement (one snapshot)."""
    with transaction(sessions) as session:
        return catalog_snapshot(session)


def _catalog_size(sessions: sessionmaker[Session]) -> int:
    with transaction(sessions) as session:
        return count_items(session)


def _pending(sessions: sessionmaker[Session], after: int) -> int:
    with transaction(sessions) as session:
        return count_changes_since(session, after)
